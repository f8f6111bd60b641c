"""Hostile input through the API: refused with a problem, and nothing is stored.

Odd file names, bytes that are not UTF-8, direction-override characters that make
a name display as another, bodies too large to read: each gets a 4xx problem with
its field named, and the event store's head does not move.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tests.api.conftest import ApiWorld

pytestmark = pytest.mark.both_backends

RLO = "\u202e"


def head(world: ApiWorld) -> int:
    return world.app.recorder.max_notification_id() or 0


def upload(world: ApiWorld, name: str, content: bytes = b"minutes of the meeting\n") -> object:
    data = {
        "resource_kind": "commission",
        "resource_id": str(world.ids["tn"]),
        "file": SimpleUploadedFile(name, content),
    }
    return world.client("staff_tn").post("/api/v1/documents/", data, format="multipart")


@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "..\\..\\boot.ini.txt", "/var/tmp/notes.txt"])
def test_an_upload_named_with_folders_is_stored_under_its_digest_never_its_path(
    world: ApiWorld, name: str
) -> None:
    response = upload(world, name)
    if response.status_code == 201:
        document = response.json()
        # Folders are stripped by the multipart parser or refused by events/files.py.
        assert "/" not in document["name"] and "\\" not in document["name"]
        assert ".." not in document["name"]
        stored = list(Path(settings.MEDIA_ROOT).rglob("*"))
        assert all(Path(settings.MEDIA_ROOT) in p.resolve().parents for p in stored)
        assert not any(p.name in {"passwd.txt", "boot.ini.txt", "notes.txt"} for p in stored)
    else:
        assert response.status_code == 422
        assert "name" in response.json()["errors"]


def test_a_file_name_that_reverses_its_own_extension_is_refused(world: ApiWorld) -> None:
    before = head(world)
    response = upload(world, f"invoice{RLO}fdp.exe")  # displays as "invoiceexe.pdf"
    assert response.status_code in {415, 422}
    assert response["Content-Type"] == "application/problem+json"
    assert head(world) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/workspaces/", {"name": f"Finance{RLO}lanretni", "commission_id": "{tn}"}),
        (
            "/api/v1/partners/",
            {"kind": "school", "country": "TN", "name": {"ar": f"مدرسة{RLO}"}, "commission_id": "{tn}"},
        ),
    ],
)
def test_a_name_with_a_direction_override_is_refused_naming_the_field(
    world: ApiWorld, path: str, body: dict[str, object]
) -> None:
    body = {k: (str(world.ids["tn"]) if v == "{tn}" else v) for k, v in body.items()}
    before = head(world)
    response = world.client("staff_tn").post(path, body, format="json")
    assert response.status_code == 422, response.content
    assert any(field.split(".")[0] == "name" for field in response.json()["errors"])
    assert head(world) == before


def test_a_body_that_is_not_utf_8_is_a_400_problem(world: ApiWorld) -> None:
    before = head(world)
    response = world.client("staff_tn").post(
        f"/api/v1/threads/{world.ids['thread']}/messages/",
        data=b'{"text": "\xff\xfe caf\xe9"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert head(world) == before


def test_control_characters_in_a_message_are_refused(world: ApiWorld) -> None:
    before = head(world)
    response = world.client("staff_tn").post(
        f"/api/v1/threads/{world.ids['thread']}/messages/", {"text": "bell\x07"}, format="json"
    )
    assert response.status_code == 422
    assert "text" in response.json()["errors"]
    assert head(world) == before


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_body_over_the_limit_is_refused_and_nothing_is_stored(world: ApiWorld) -> None:
    before = head(world)
    response = world.client("staff_tn").post(
        f"/api/v1/threads/{world.ids['thread']}/messages/", {"text": "a" * 20_000}, format="json"
    )
    assert response.status_code in {400, 413}
    assert response["Content-Type"] == "application/problem+json"
    assert head(world) == before


def test_markup_in_a_message_is_kept_as_written_and_returned_as_text(world: ApiWorld) -> None:
    payload = '<img src=x onerror="alert(1)"> <script>alert(2)</script>'
    response = world.client("staff_tn").post(
        f"/api/v1/threads/{world.ids['thread']}/messages/", {"text": payload}, format="json"
    )
    assert response.status_code == 201
    # Nothing a person wrote is altered or lost; the API is JSON, never HTML.
    assert response.json()["text"] == payload
    assert response["Content-Type"].startswith("application/json")


def test_a_refusal_gives_each_fields_code_and_values_beside_its_english_sentence(world: ApiWorld) -> None:
    response = world.client("staff_tn").post(
        f"/api/v1/threads/{world.ids['thread']}/messages/", {"text": "a" * 10_001}, format="json"
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "invalid"
    assert problem["errors"] == {"text": ["At most 10000 characters are allowed; this text has 10001."]}
    assert problem["codes"] == {"text": [{"code": "too_long", "params": {"limit": 10000, "length": 10001}}]}


def test_a_refused_kind_of_file_gives_its_code(world: ApiWorld) -> None:
    response = upload(world, "setup.exe", b"MZ\x90\x00 a program")
    assert response.status_code == 415
    assert response.json()["codes"] == {
        "name": [{"code": "file_kind_refused", "params": {"suffix": ".exe"}}]
    }
