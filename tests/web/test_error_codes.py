"""The web client translates the domain's error codes, not its English sentences:
every code of the registry has its translation (or is shown in English on purpose),
and rewording a sentence in events/ keeps its translation."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from events.errors import FieldCode, FieldError
from events.platform import Tawasul
from events.text import MESSAGE_MAX
from projections.models import ThreadEntry, WorkspaceEntry
from web.errors import FIELD_RENDERERS, FIELD_SENTENCES, SHOWN_IN_ENGLISH, translate_field_error

Browse = Callable[..., Client]

# U+0958 is one character that NFC writes as two: the form counts half of what the
# domain counts, so the domain, not the form, refuses the text as too long.
GROWS_UNDER_NFC = "\u0958"


def test_every_code_of_the_domain_has_a_translation_or_is_shown_in_english_on_purpose() -> None:
    translated = set(FIELD_SENTENCES) | set(FIELD_RENDERERS)
    missing = [code for code in FieldCode if code not in translated and code not in SHOWN_IN_ENGLISH]
    assert missing == []
    assert translated & SHOWN_IN_ENGLISH == set()
    assert set(FIELD_SENTENCES) & set(FIELD_RENDERERS) == set()


def test_a_code_outside_the_registry_is_refused_where_it_is_raised() -> None:
    with pytest.raises(ValueError, match="made_up"):
        FieldError("made_up", "Something is wrong.")  # type: ignore[arg-type]


def test_rewording_a_sentence_keeps_its_translation() -> None:
    reworded = FieldError(FieldCode.TOO_LONG, "Too long: 12 > 10.", {"limit": 10, "length": 12})
    with translation.override("fr"):
        assert translate_field_error(reworded) == "Au plus 10 caractères sont permis ; ce texte en compte 12."


def test_a_code_without_a_translation_shows_its_english_sentence() -> None:
    with translation.override("fr"):
        assert translate_field_error(FieldError(FieldCode.INVALID, "Give at least one field.")) == (
            "Give at least one field."
        )
        assert translate_field_error(FieldError(FieldCode.TOO_LONG, "At most 10.")) == "At most 10."


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Au plus 10000 caractères sont permis ; ce texte en compte 12000."),
        ("ar", "الحد الأقصى 10000 حرفا، وهذا النص فيه 12000."),
    ],
)
def test_a_too_long_message_is_refused_naming_the_limit_in_the_readers_language(
    browse: Browse, language: str, expected: str
) -> None:
    thread = ThreadEntry.objects.get(title__contains="kickoff")
    response = browse("partner.tn", language).post(
        f"/threads/{thread.id}/post/",
        {"text": GROWS_UNDER_NFC * (MESSAGE_MAX * 6 // 10), "form_key": str(uuid.uuid4())},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"text": [expected]}


def upload(browser: Client, name: str, content: bytes) -> dict[str, object]:
    file = io.BytesIO(content)
    file.name = name
    workspace = WorkspaceEntry.objects.get(name__contains="Digital education")
    response = browser.post(
        "/documents/upload/",
        {"resource": f"workspace:{workspace.id}", "content": file},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    return dict(response.json())


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Ce type de fichier n’est pas accepté."), ("ar", "هذا النوع من الملفات غير مقبول.")],
)
def test_a_refused_kind_of_content_is_said_in_the_readers_language(
    browse: Browse, language: str, expected: str
) -> None:
    program = b"\x7fELF\x02\x01\x01" + bytes(200)
    assert upload(browse("partner.tn", language), "notes.txt", program)["detail"] == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Le fichier dépasse la limite de 1 Mo."),
        ("ar", "حجم الملف يتجاوز الحد المسموح به وهو 1 ميغابايت."),
    ],
)
def test_a_file_over_the_limit_is_refused_naming_the_limit_in_the_readers_language(
    browse: Browse, tawasul: Tawasul, language: str, expected: str
) -> None:
    tawasul.content_store.max_bytes = 1024 * 1024
    big = b"a" * (1024 * 1024 + 1)
    assert upload(browse("partner.tn", language), "big.txt", big)["detail"] == expected


@pytest.mark.parametrize(("language", "expected"), [("fr", "Le fichier est vide."), ("ar", "الملف فارغ.")])
def test_an_empty_file_is_refused_in_the_readers_language(
    browse: Browse, language: str, expected: str
) -> None:
    assert upload(browse("partner.tn", language), "empty.txt", b"")["detail"] == expected
