"""The Arabic and French catalogues are complete, and their compiled .mo files
(committed, so a fresh machine needs no gettext tools) match the .po sources."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "web" / "locale"
ENTRY = re.compile(
    r'^(?:msgctxt "(?P<ctx>.*)"\n)?msgid (?P<id>(?:".*"\n)+)(?:msgid_plural (?P<plural>(?:".*"\n)+))?'
    r"(?P<strs>(?:msgstr(?:\[\d\])? (?:\".*\"\n?)+)+)",
    re.M,
)


def _text(quoted: str) -> str:
    return "".join(re.findall(r'"(.*)"', quoted)).encode().decode("unicode_escape").encode("latin-1").decode()


def entries(language: str) -> list[tuple[str | None, str, str | None, list[str]]]:
    source = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found = []
    for match in ENTRY.finditer(source + "\n"):
        translations = [_text(q) for q in re.findall(r"msgstr(?:\[\d\])? ((?:\".*\"\n?)+)", match["strs"])]
        found.append(
            (
                match["ctx"],
                _text(match["id"]),
                _text(match["plural"]) if match["plural"] else None,
                translations,
            )
        )
    return [e for e in found if e[1]]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_text_of_the_web_client_is_translated(language: str) -> None:
    found = entries(language)
    assert len(found) > 300
    untranslated = [msgid for _ctx, msgid, _plural, strs in found if not all(strs)]
    assert untranslated == []
    assert "#, fuzzy" not in (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for ctx, msgid, plural, strs in entries(language):
        if plural:
            assert compiled.ngettext(msgid, plural, 1) in strs, msgid
        elif ctx:
            assert compiled.pgettext(ctx, msgid) == strs[0], msgid
        else:
            assert compiled.gettext(msgid) == strs[0], msgid


def test_every_kind_of_event_has_a_label_in_the_activity_feed() -> None:
    from events.platform import EVENT_KINDS
    from web.labels import ACTIVITY

    assert sorted(set(EVENT_KINDS) - set(ACTIVITY)) == []
