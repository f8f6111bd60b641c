"""A refused upload says why once, in the reader's language, naming the size limit."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import translation

from events.platform import Tawasul
from projections.models import WorkspaceEntry
from web.errors import megabytes

Browse = Callable[..., Client]


def post_upload(browser: Client, name: str, content: bytes, *, json: bool = True) -> Any:
    upload = io.BytesIO(content)
    upload.name = name
    workspace = WorkspaceEntry.objects.get(name__contains="Digital education")
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    return browser.post(
        "/documents/upload/",
        {"resource": f"workspace:{workspace.id}", "content": upload},
        follow=not json,
        **headers,
    )


def test_an_exe_refusal_names_the_kind_once(browse: Browse) -> None:
    response = post_upload(browse("partner.tn"), "setup.exe", b"MZ\x90\x00 a program")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail == "Files ending in .exe are not accepted."


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Les fichiers se terminant par .exe ne sont pas acceptés."),
        ("ar", "الملفات المنتهية بـ .exe غير مقبولة."),
    ],
)
def test_an_exe_refusal_is_said_once_in_the_readers_language(
    browse: Browse, language: str, expected: str
) -> None:
    response = post_upload(browse("partner.tn", language), "setup.exe", b"MZ\x90\x00 a program")
    assert response.json()["detail"] == expected


def test_a_refused_content_kind_is_said_once_without_scripts(browse: Browse) -> None:
    program = b"\x7fELF\x02\x01\x01" + bytes(200)
    page = post_upload(browse("partner.tn"), "notes.txt", program, json=False).content.decode()
    assert page.count("This kind of file is not accepted.") == 1


def test_a_file_over_the_limit_is_refused_naming_the_limit(browse: Browse, tawasul: Tawasul) -> None:
    tawasul.content_store.max_bytes = 2 * 1024 * 1024
    big = b"a" * (2 * 1024 * 1024 + 1)
    response = post_upload(browse("partner.tn"), "big.txt", big)
    assert response.status_code == 400
    assert response.json()["detail"] == "The file is larger than the limit of 2 MB."
    french = post_upload(browse("partner.tn", "fr"), "big.txt", big)
    assert french.json()["detail"] == "Le fichier dépasse la limite de 2 Mo."


def test_an_empty_file_is_refused_with_what_to_change_not_marked_fields(browse: Browse) -> None:
    response = post_upload(browse("partner.tn"), "empty.txt", b"")
    assert response.json()["detail"] == "The file is empty."


@override_settings(MAX_DOCUMENT_BYTES=25 * 1024 * 1024)
def test_the_upload_form_warns_of_a_large_file_naming_the_limit(browse: Browse) -> None:
    page = browse("partner.tn").get("/documents/").content.decode()
    assert 'data-too-large="The file is larger than the limit of 25 MB."' in page
    assert 'data-max-bytes="26214400"' in page


@pytest.mark.parametrize(
    ("size", "language", "written"),
    [
        (25 * 1024 * 1024, "en", "25"),
        (512 * 1024, "en", "0.5"),
        (512 * 1024, "fr", "0,5"),
        (1536 * 1024, "ar", "1,5"),
    ],
)
def test_the_limit_is_written_in_megabytes_as_the_reader_writes_numbers(
    size: int, language: str, written: str
) -> None:
    with translation.override(language):
        assert megabytes(size) == written
