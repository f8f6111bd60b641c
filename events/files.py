"""Content-addressed file storage for documents.

Bytes never go into events. An upload is first *inspected* (size counted
against the limit, SHA-256 computed, media type sniffed from the bytes, the
type checked against the allowed list) into a temporary file; only when every
check has passed is it *stored* under ``sha256/ab/cd/<digest>`` through
Django's storage API (a local folder by default, S3-compatible storage in
production). The same bytes uploaded twice are stored once.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import IO, Any

import filetype
from django.core.files import File
from django.core.files.storage import Storage

from events.errors import (
    FieldCode,
    FieldError,
    TooLarge,
    Unavailable,
    UnsupportedMediaType,
    ValidationFailed,
)
from events.text import clean_text

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
SNIFF_BYTES = 64 * 1024

ALLOWED_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "audio/mpeg",
        "video/mp4",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "text/plain",
        "text/csv",
        "text/markdown",
    }
)
TEXT_TYPES_BY_SUFFIX = {".csv": "text/csv", ".md": "text/markdown"}
# Names that browsers or desktops would run or render as active content.
REFUSED_SUFFIXES = frozenset(
    {
        ".exe",
        ".dll",
        ".com",
        ".bat",
        ".cmd",
        ".msi",
        ".scr",
        ".ps1",
        ".vbs",
        ".js",
        ".mjs",
        ".jar",
        ".apk",
        ".sh",
        ".html",
        ".htm",
        ".xhtml",
        ".svg",
        ".php",
        ".py",
        ".lnk",
        ".hta",
    }
)
NAME_MAX = 255
# A file under a digest with the wrong size, untouched for this long, is a partial
# write that a crash left behind.
PARTIAL_WRITE_STALE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class StoredContent:
    name: str
    size: int
    media_type: str
    sha256: str
    storage_key: str

    def as_event_fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "media_type": self.media_type,
            "sha256": self.sha256,
            "storage_key": self.storage_key,
        }


class InspectedUpload:
    """An upload that passed every check, held in a temporary file until stored."""

    def __init__(self, name: str, size: int, media_type: str, sha256: str, spool: IO[bytes]):
        self.name = name
        self.size = size
        self.media_type = media_type
        self.sha256 = sha256
        self._spool = spool

    @property
    def storage_key(self) -> str:
        return f"sha256/{self.sha256[:2]}/{self.sha256[2:4]}/{self.sha256}"

    def close(self) -> None:
        self._spool.close()


def too_large(field: str, limit: int) -> TooLarge:
    """The refusal of a file over ``limit`` bytes, sent as ``field``."""
    return TooLarge(
        f"The file is larger than the limit of {limit} bytes.",
        errors={field: [FieldError(FieldCode.FILE_TOO_LARGE, f"At most {limit} bytes.", {"limit": limit})]},
        params={"limit": limit},
    )


def refused_kind(**params: str) -> FieldError:
    return FieldError(FieldCode.FILE_KIND_REFUSED, "This kind of file is refused.", params)


def clean_file_name(value: Any) -> str:
    name = clean_text(value, "name", max_length=NAME_MAX)
    if "/" in name or "\\" in name or name in {".", ".."} or "\x00" in name:
        raise ValidationFailed.field(
            "name", "A file name without folders, e.g. report.pdf.", FieldCode.FILE_NAME_WITH_FOLDERS
        )
    if PurePosixPath(name.lower()).suffix in REFUSED_SUFFIXES:
        suffix = PurePosixPath(name).suffix
        raise UnsupportedMediaType(
            f"Files named {suffix} are refused.",
            errors={"name": [refused_kind(suffix=suffix)]},
            params={"suffix": suffix},
        )
    return name


def sniff(head: bytes, name: str) -> str | None:
    """The media type the bytes themselves show, never the one the client declared."""
    kind = filetype.guess_mime(head)
    if kind:
        return str(kind)
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sniffed window is fine.
        if error.start < len(head) - 4:
            return None
    return TEXT_TYPES_BY_SUFFIX.get(PurePosixPath(name.lower()).suffix, "text/plain")


class ContentStore:
    def __init__(self, storage: Storage, max_bytes: int) -> None:
        self.storage = storage
        self.max_bytes = max_bytes

    def inspect(self, stream: IO[bytes], name: Any) -> InspectedUpload:
        """Read the upload once: count, hash, sniff, check. Nothing is stored yet."""
        clean_name = clean_file_name(name)
        spool = tempfile.SpooledTemporaryFile(max_size=4 * CHUNK)  # noqa: SIM115
        digest = hashlib.sha256()
        size = 0
        head = b""
        try:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > self.max_bytes:
                    raise too_large("content", self.max_bytes)
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                digest.update(chunk)
                spool.write(chunk)
            if size == 0:
                raise ValidationFailed.field("content", "The file is empty.", FieldCode.FILE_EMPTY)
            media_type = sniff(head, clean_name)
            if media_type not in ALLOWED_TYPES:
                kind = media_type or "unknown"
                raise UnsupportedMediaType(
                    f"Files of type {kind} are refused.",
                    errors={"content": [refused_kind(media_type=kind)]},
                    params={"media_type": kind},
                )
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return InspectedUpload(clean_name, size, media_type, digest.hexdigest(), spool)

    def store(self, upload: InspectedUpload) -> StoredContent:
        """Write the bytes under their digest, unless the same bytes are there already.

        Unavailable when the storage fails: then nothing is recorded, and no partial
        file is left under the digest to pass for the content on the next upload."""
        key = upload.storage_key
        try:
            if not self._holds(key, upload.size):
                try:
                    saved = self.storage.save(key, File(upload._spool, name=key))
                except Exception:
                    # The save created the file exclusively: what is there is our partial write.
                    self._remove_partial(key, upload.size)
                    raise
                if saved != key:
                    self._discard(saved)
                    raise OSError(f"storage saved {key} as {saved}")
        except Exception as error:
            logger.warning("Storing %s failed: %s: %s", key, type(error).__name__, error)
            raise Unavailable(
                "The file could not be stored; nothing was recorded. Send it again.",
                errors={"content": ["The file storage failed; try again."]},
            ) from error
        finally:
            upload.close()
        return StoredContent(upload.name, upload.size, upload.media_type, upload.sha256, key)

    def _holds(self, key: str, size: int) -> bool:
        """Whether the storage holds the content under ``key``. A file of another size
        that nobody has written to for a while is what an interrupted write (a crash)
        left: it is removed; a recent one may still be being written (OSError)."""
        if not self.storage.exists(key):
            return False
        if self.storage.size(key) == size:
            return True
        age = datetime.now(UTC) - self.storage.get_modified_time(key)
        if age < PARTIAL_WRITE_STALE:
            raise OSError(f"{key} is being written by another upload")
        self._remove_partial(key, size)
        return False

    def _remove_partial(self, key: str, size: int) -> None:
        with contextlib.suppress(Exception):
            if self.storage.exists(key) and self.storage.size(key) != size:
                logger.warning("Removing the partial file %s", key)
                self.storage.delete(key)

    def _discard(self, key: str) -> None:
        with contextlib.suppress(Exception):
            self.storage.delete(key)

    def open(self, storage_key: str) -> IO[bytes]:
        return self.storage.open(storage_key, "rb")

    def chunks(self, storage_key: str) -> Iterator[bytes]:
        with self.open(storage_key) as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
