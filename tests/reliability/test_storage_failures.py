"""File storage failing in the middle of an upload: nothing recorded, no partial file
left to pass for the content, a clear 503, and the same request then succeeds."""

from __future__ import annotations

import errno
import hashlib
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.models import IdempotencyRecord
from core.demo import DEMO_PDF
from events.errors import Unavailable
from events.files import ContentStore
from events.ids import commission_id
from events.platform import Tawasul
from events.roles import Actor
from projections import service
from projections.models import DocumentEntry
from projections.projectors import all_projectors
from projections.runner import ProjectionRunner
from tests.builders import cid, pdf_bytes

pytestmark = pytest.mark.both_backends


class HalfWritten(File):
    """Content whose writing fails halfway: the disk fills up."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        data = self.file.read()
        yield data[: len(data) // 2]
        raise OSError(errno.ENOSPC, "No space left on device")


def fail_halfway(storage: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make ``storage`` write half of each file, then fail; returns the names tried."""
    tried: list[str] = []
    real_save = storage._save

    def save(name: str, content: File) -> str:
        tried.append(name)
        return str(real_save(name, HalfWritten(content.file, name=name)))

    monkeypatch.setattr(storage, "_save", save)
    return tried


def test_a_storage_failure_mid_upload_records_nothing_and_the_same_request_then_succeeds(
    tawasul: Tawasul, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = ProjectionRunner(tawasul, all_projectors())
    monkeypatch.setattr(service, "wait_for", lambda position, timeout=2.0: runner.catch_up() >= position)
    user = get_user_model().objects.create_user(username="staff.tn", password=None)
    system, tn = Actor.system(), commission_id("TN")
    tawasul.register_organisation(system, command_id=cid(), acronym="ALECSO", name={"en": "ALECSO"})
    tawasul.register_commission(system, command_id=cid(), country="TN", name={"ar": "تونس"})
    tawasul.add_commission_member(
        system, command_id=cid(), commission_id=tn, user_id=str(user.pk), role="staff"
    )
    runner.catch_up()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    key = f"upload-{uuid.uuid4()}"
    # Bytes of this test alone: storage is content-addressed and shared by the session.
    content = DEMO_PDF + f"\n% {key}\n".encode()
    digest = hashlib.sha256(content).hexdigest()
    storage = storages["default"]
    stored_as = f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"

    def upload() -> Any:
        body = {
            "file": SimpleUploadedFile("report.pdf", content),
            "resource_kind": "commission",
            "resource_id": str(tn),
        }
        return client.post("/api/v1/documents/", body, format="multipart", HTTP_IDEMPOTENCY_KEY=key)

    head = tawasul.recorder.max_notification_id()
    with monkeypatch.context() as failing:
        tried = fail_halfway(storage, failing)
        refused = upload()
    assert tried == [stored_as]  # the write was attempted, and failed halfway
    assert refused.status_code == 503
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "unavailable"
    assert "nothing was recorded" in refused.json()["detail"]
    assert refused["Retry-After"]
    # Nothing recorded, nothing kept: no event, no document, no idempotency record, no file.
    assert tawasul.recorder.max_notification_id() == head
    assert runner.catch_up() == head and not DocumentEntry.objects.exists()
    assert not IdempotencyRecord.objects.filter(key=key).exists()
    assert not storage.exists(stored_as)

    accepted = upload()
    assert accepted.status_code == 201, accepted.json()
    document = accepted.json()
    assert document["sha256"] == digest and document["size"] == len(content)
    with storage.open(stored_as, "rb") as handle:
        assert handle.read() == content
    again = upload()
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == document["id"]
    assert DocumentEntry.objects.count() == 1
    print(
        f"\nFIGURE storage-failure: upload failed halfway -> {refused.status_code} "
        f"{refused.json()['code']}, 0 events, 0 files; the same Idempotency-Key then -> 201, one document"
    )


# --- the content store alone -------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> FileSystemStorage:
    return FileSystemStorage(tmp_path / "files")


def test_a_failed_write_leaves_no_partial_file_under_the_digest(
    files: FileSystemStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ContentStore(files, max_bytes=1024 * 1024)
    fail_halfway(files, monkeypatch)
    inspected = store.inspect(pdf_bytes(), "report.pdf")
    with pytest.raises(Unavailable):
        store.store(inspected)
    assert not files.exists(inspected.storage_key)


def with_partial_file(files: FileSystemStorage) -> tuple[ContentStore, str]:
    """A content store whose storage holds the first 100 bytes of the PDF under its digest."""
    store = ContentStore(files, max_bytes=1024 * 1024)
    key = store.inspect(pdf_bytes(), "report.pdf").storage_key
    files.save(key, File(pdf_bytes(), name=key))
    Path(files.path(key)).write_bytes(DEMO_PDF[:100])
    return store, key


def test_a_partial_file_a_crash_left_is_replaced_by_the_next_upload_of_the_same_bytes(
    files: FileSystemStorage,
) -> None:
    store, key = with_partial_file(files)  # what a crash mid-write left, an hour ago
    old = time.time() - 3600
    os.utime(files.path(key), (old, old))
    stored = store.store(store.inspect(pdf_bytes(), "report.pdf"))
    with files.open(stored.storage_key, "rb") as handle:
        assert handle.read() == DEMO_PDF


def test_a_partial_file_being_written_now_is_left_alone_and_the_upload_answered_unavailable(
    files: FileSystemStorage,
) -> None:
    store, key = with_partial_file(files)  # another upload is writing it
    with pytest.raises(Unavailable):
        store.store(store.inspect(pdf_bytes(), "report.pdf"))
    assert files.size(key) == 100
