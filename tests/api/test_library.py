"""Documents (upload limits, type sniffing, downloads, versions), comments, message history."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.demo import DEMO_PDF
from tests.api.conftest import ApiWorld

pytestmark = pytest.mark.both_backends

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(world: ApiWorld, role: str, name: str, content: bytes, **fields: str) -> object:
    data = {
        "resource_kind": "commission",
        "resource_id": str(world.ids["tn"]),
        **fields,
        "file": SimpleUploadedFile(name, content),
    }
    return world.client(role).post("/api/v1/documents/", data, format="multipart")


def head(world: ApiWorld) -> int:
    return world.app.recorder.max_notification_id() or 0


def test_an_upload_is_stored_and_downloaded_as_an_attachment_of_its_sniffed_type(
    world: ApiWorld,
) -> None:
    response = upload(world, "staff_tn", "report.pdf", DEMO_PDF, visibility="public")
    assert response.status_code == 201, response.json()
    document = response.json()
    assert (document["media_type"], document["size"], document["visibility"]) == (
        "application/pdf",
        len(DEMO_PDF),
        "public",
    )
    download = world.client().get(f"/api/v1/documents/{document['id']}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert 'filename="report.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == DEMO_PDF


def test_a_renamed_executable_is_refused_as_unsupported_and_nothing_is_stored(
    world: ApiWorld,
) -> None:
    before = head(world)
    response = upload(world, "staff_tn", "invoice.pdf", EXE)
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unsupported_media_type"
    assert head(world) == before


@override_settings(MAX_DOCUMENT_BYTES=1024)
def test_a_file_over_the_limit_gets_413_and_nothing_is_stored(world: ApiWorld) -> None:
    before = head(world)
    response = upload(world, "staff_tn", "big.txt", b"a" * 200_000)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "too_large"
    assert head(world) == before


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_request_body_over_the_limit_gets_413(world: ApiWorld) -> None:
    response = world.client("staff_tn").post(
        f"/api/v1/threads/{world.ids['thread']}/messages/", {"text": "x" * 5000}, format="json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_versions_are_added_listed_and_downloaded_by_number(world: ApiWorld) -> None:
    document = world.ids["commission_document"]
    client = world.client("staff_tn")
    added = client.post(
        f"/api/v1/documents/{document}/versions/",
        {"file": SimpleUploadedFile("budget-2.csv", b"line,amount\nbooks,120\n")},
        format="multipart",
    )
    assert added.status_code == 201, added.json()
    assert added.json()["version_count"] == 2
    versions = client.get(f"/api/v1/documents/{document}/versions/").json()["results"]
    assert [v["number"] for v in versions] == [1, 2]
    first = client.get(f"/api/v1/documents/{document}/download/?version=1")
    assert b"".join(first.streaming_content) == b"line,amount\nbooks,100\n"
    assert client.get(f"/api/v1/documents/{document}/download/?version=9").status_code == 404
    archived = client.post(f"/api/v1/documents/{document}/archive/")
    assert archived.json()["archived"] is True
    late = client.post(
        f"/api/v1/documents/{document}/versions/",
        {"file": SimpleUploadedFile("b.csv", b"a,b\n")},
        format="multipart",
    )
    assert late.status_code == 409


def test_internal_documents_are_hidden_from_those_who_may_not_read_their_resource(
    world: ApiWorld,
) -> None:
    internal = world.ids["commission_document"]
    assert world.client().get(f"/api/v1/documents/{internal}/download/").status_code == 404
    assert world.client("staff_ma").get(f"/api/v1/documents/{internal}/").status_code == 404
    assert world.client("auditor").get(f"/api/v1/documents/{internal}/download/").status_code == 200
    public_list = {d["id"] for d in world.client().get("/api/v1/documents/").json()["results"]}
    assert public_list == {str(world.ids["public_document"])}


def test_comments_are_posted_edited_and_retracted_by_their_author(world: ApiWorld) -> None:
    update = world.ids["published"]
    posted = world.client("staff_ma").post(
        "/api/v1/comments/",
        {"resource_kind": "update", "resource_id": str(update), "text": "Félicitations"},
        format="json",
    )
    assert posted.status_code == 201
    comment = posted.json()["id"]
    assert (
        world.client("staff_tn")
        .patch(f"/api/v1/comments/{comment}/", {"text": "mine"}, format="json")
        .status_code
        == 403
    )
    edited = world.client("staff_ma").patch(
        f"/api/v1/comments/{comment}/", {"text": "Bravo !"}, format="json"
    )
    assert edited.json()["text"] == "Bravo !"
    assert edited.json()["edited"] is True
    retracted = world.client("staff_ma").post(f"/api/v1/comments/{comment}/retract/")
    assert (retracted.json()["retracted"], retracted.json()["text"]) == (True, "")
    listed = world.client().get(f"/api/v1/comments/?resource_kind=update&resource_id={update}")
    assert [c["text"] for c in listed.json()["results"]] == ["Bravo", ""]
    draft = world.ids["draft"]
    assert (
        world.client().get(f"/api/v1/comments/?resource_kind=update&resource_id={draft}").status_code == 404
    )


def test_the_edit_history_of_a_retracted_message_is_for_history_readers_only(
    world: ApiWorld,
) -> None:
    message = world.ids["message"]
    author = world.client("staff_tn")
    author.patch(f"/api/v1/messages/{message}/", {"text": "v2"}, format="json")
    history = world.client("partner_tn").get(f"/api/v1/messages/{message}/history/").json()
    assert [h["text"] for h in history["history"]] == ["مرحبا"]
    author.post(f"/api/v1/messages/{message}/retract/")
    hidden = world.client("partner_tn").get(f"/api/v1/messages/{message}/history/").json()
    assert (hidden["retracted"], hidden["text"], hidden["history"]) == (True, "", [])
    audited = world.client("auditor").get(f"/api/v1/messages/{message}/history/").json()
    assert audited["text"] == "v2"
    assert [h["text"] for h in audited["history"]] == ["مرحبا"]


def test_uploads_into_a_workspace_are_for_its_members(world: ApiWorld) -> None:
    data = {"resource_kind": "workspace", "resource_id": str(world.ids["workspace"])}
    member = world.client("partner_tn").post(
        "/api/v1/documents/", {**data, "file": io.BytesIO(b"hello\n")}, format="multipart"
    )
    assert member.status_code == 201, member.json()
    assert (
        world.client("staff_ma")
        .post("/api/v1/documents/", {**data, "file": SimpleUploadedFile("a.txt", b"x\n")}, format="multipart")
        .status_code
        == 404
    )
