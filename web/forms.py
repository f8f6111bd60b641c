"""Forms: the shape of what people submit (required, lengths), in their language.

The write model validates again and has the last word (web/errors.py shows its
messages next to the same fields).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.text import BODY_MAX, DESCRIPTION_MAX, MESSAGE_MAX, NAME_MAX, RATIONALE_MAX, TITLE_MAX
from web import labels

LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "fr": "Français"}
DIRECTIONS = {"ar": "rtl", "en": "ltr", "fr": "ltr"}


def _localized_fields(form: forms.Form, name: str, max_length: int, *, textarea: bool) -> None:
    for language, language_name in LANGUAGE_NAMES.items():
        attrs = {"lang": language, "dir": DIRECTIONS[language]}
        if textarea:
            attrs["rows"] = "8" if name == "body" else "3"
        form.fields[f"{name}_{language}"] = forms.CharField(
            label=language_name,
            required=False,
            max_length=max_length,
            strip=True,
            widget=forms.Textarea(attrs=attrs) if textarea else forms.TextInput(attrs=attrs),
        )


def localized(data: dict[str, Any], name: str) -> dict[str, str]:
    """{"ar": ..., "en": ..., "fr": ...} from the fields name_ar, name_en, name_fr."""
    return {lang: data[f"{name}_{lang}"] for lang in LANGUAGE_NAMES if data.get(f"{name}_{lang}")}


def localized_initial(name: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{name}_{lang}": text for lang, text in (texts or {}).items() if lang in LANGUAGE_NAMES}


class UpdateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=list(labels.UPDATE_KINDS.items()))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _localized_fields(self, "title", TITLE_MAX, textarea=False)
        _localized_fields(self, "summary", DESCRIPTION_MAX, textarea=True)
        _localized_fields(self, "body", BODY_MAX, textarea=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not localized(data, "title"):
            self.add_error("title_ar", _("Give a title in at least one language."))
        if not localized(data, "body"):
            self.add_error("body_ar", _("Write the text in at least one language."))
        return data

    def group(self, name: str) -> list[forms.BoundField]:
        return [self[f"{name}_{lang}"] for lang in LANGUAGE_NAMES]

    @property
    def titles(self) -> list[forms.BoundField]:
        return self.group("title")

    @property
    def summaries(self) -> list[forms.BoundField]:
        return self.group("summary")

    @property
    def bodies(self) -> list[forms.BoundField]:
        return self.group("body")


class ProposalForm(forms.Form):
    partner_ids = forms.MultipleChoiceField(label=_("Partners"), choices=[])

    def __init__(self, *args: Any, partners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner_ids"].choices = partners
        self.fields["partner_ids"].widget.attrs["size"] = str(min(max(len(partners), 3), 8))
        _localized_fields(self, "title", TITLE_MAX, textarea=False)
        _localized_fields(self, "summary", DESCRIPTION_MAX, textarea=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not localized(data, "title"):
            self.add_error("title_ar", _("Give a title in at least one language."))
        if not localized(data, "summary"):
            self.add_error("summary_ar", _("Write a summary in at least one language."))
        return data

    @property
    def titles(self) -> list[forms.BoundField]:
        return [self[f"title_{lang}"] for lang in LANGUAGE_NAMES]

    @property
    def summaries(self) -> list[forms.BoundField]:
        return [self[f"summary_{lang}"] for lang in LANGUAGE_NAMES]


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=list(labels.PROPOSAL_ACTIONS.items()))
    rationale = forms.CharField(
        label=_("Rationale"),
        required=False,
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": "4", "dir": "auto"}),
    )
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in {"accept", "reject", "conclude"} and not data.get("rationale", "").strip():
            self.add_error("rationale", _("Explain the decision: the rationale is kept in the record."))
        return data


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": "2", "dir": "auto"})
    )


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title of the new thread"), max_length=TITLE_MAX)


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": "3", "dir": "auto"}),
    )


class MeetingForm(forms.Form):
    """Schedule a meeting: its kind, title in up to three languages, day and hours in
    its own time zone, where, and who may see it."""

    kind = forms.ChoiceField(label=_("Kind"), choices=list(labels.MEETING_KINDS.items()))
    commission = forms.ChoiceField(label=_("Commission concerned"), choices=[], required=False)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    last_day = forms.DateField(
        label=_("Last day (several days)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial="Africa/Tunis")
    place = forms.CharField(label=_("Place"), max_length=TITLE_MAX, required=False)
    online_link = forms.URLField(
        label=_("Online link"), max_length=2000, required=False, assume_scheme="https"
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=list(labels.MEETING_VISIBILITIES.items()), initial="members"
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100_000, required=False)

    def __init__(self, *args: Any, commissions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commission"].choices = [("", _("None")), *commissions]
        _localized_fields(self, "title", TITLE_MAX, textarea=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not localized(data, "title"):
            self.add_error("title_ar", _("Give a title in at least one language."))
        return data

    @property
    def titles(self) -> list[forms.BoundField]:
        return [self[f"title_{lang}"] for lang in LANGUAGE_NAMES]


class AgendaItemForm(forms.Form):
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=1440, initial=30)
    presenter = forms.CharField(label=_("Presenter"), max_length=NAME_MAX, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _localized_fields(self, "title", TITLE_MAX, textarea=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not localized(data, "title"):
            self.add_error("title_ar", _("Give a title in at least one language."))
        return data

    @property
    def titles(self) -> list[forms.BoundField]:
        return [self[f"title_{lang}"] for lang in LANGUAGE_NAMES]


class MinutesForm(forms.Form):
    """A version of a meeting's minutes; after circulation, a correction with its reason."""

    reason = forms.CharField(
        label=_("What this version corrects"),
        required=False,
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": "2", "dir": "auto"}),
    )

    def __init__(self, *args: Any, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.correcting = correcting
        _localized_fields(self, "text", BODY_MAX, textarea=True)
        for language in LANGUAGE_NAMES:
            self.fields[f"text_{language}"].widget.attrs["rows"] = "8"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not localized(data, "text"):
            self.add_error("text_ar", _("Give the minutes in at least one language."))
        if self.correcting and not (data.get("reason") or "").strip():
            # The domain refuses it too; here the reader gets the sentence in their language.
            self.add_error("reason", _("Say what this version corrects."))
        return data

    @property
    def texts(self) -> list[forms.BoundField]:
        return [self[f"text_{lang}"] for lang in LANGUAGE_NAMES]
