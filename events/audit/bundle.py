"""The audit bundle: the whole history in one file that verifies without the database.

JSON Lines, one object per line, its ``type`` first::

    {"type":"header","format":"tawasul-audit-bundle/1","organisation":"ALECSO","exported_at":...}
    {"type":"event","position":1,"originator_id":"…","originator_version":1,"topic":"…",
     "state":"<base64 of the stored bytes>","recorded_at":"…","digest":"<hex>"}
    {"type":"link","position":7,"recorded_at":"…","digest":"<hex>"}      (a link whose event is gone)
    {"type":"checkpoint", …a signed checkpoint, see signing.py…}
    {"type":"end","events":1234,"last_position":1234,"head_digest":"<hex>"}

An event line carries the stored event's exact bytes, so the chain can be
recomputed from them; a missing ``digest`` (null) is an event without a chain
link. The end line makes a truncated file visible. A bundle proves that its
events chain up to its head; that the head is the platform's real history is
proved by a signed checkpoint in it (or one kept elsewhere) whose key the
verifier trusts.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from events.audit.chain import ChainHead, ChainVerifier, VerificationResult
from events.audit.signing import (
    Checkpoint,
    CheckpointCheck,
    CheckpointError,
    check_checkpoint,
    parse_checkpoint,
)
from events.store.ledger import ChainedEvent

BUNDLE_FORMAT = "tawasul-audit-bundle/1"


class BundleError(ValueError):
    """The file is not a readable bundle: it names the line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def _dump(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def header_line(*, organisation: str, exported_at: datetime) -> str:
    return _dump(
        {
            "type": "header",
            "format": BUNDLE_FORMAT,
            "organisation": organisation,
            "exported_at": exported_at.isoformat(),
        }
    )


def entry_line(entry: ChainedEvent) -> str:
    recorded_at = entry.recorded_at.isoformat() if entry.recorded_at else None
    digest = entry.digest.hex() if entry.digest is not None else None
    if entry.state is None:
        return _dump(
            {"type": "link", "position": entry.position, "recorded_at": recorded_at, "digest": digest}
        )
    return _dump(
        {
            "type": "event",
            "position": entry.position,
            "originator_id": str(entry.originator_id),
            "originator_version": entry.originator_version,
            "topic": entry.topic,
            "state": base64.b64encode(entry.state).decode("ascii"),
            "recorded_at": recorded_at,
            "digest": digest,
        }
    )


def checkpoint_line(checkpoint: Checkpoint) -> str:
    return _dump({"type": "checkpoint", **checkpoint.as_json()})


def end_line(*, events: int, head: ChainHead | None) -> str:
    return _dump(
        {
            "type": "end",
            "events": events,
            "last_position": head.position if head else 0,
            "head_digest": head.digest.hex() if head else None,
        }
    )


def _entry(data: Mapping[str, Any], line: int) -> ChainedEvent:
    try:
        position = data["position"]
        if not isinstance(position, int) or isinstance(position, bool):
            raise BundleError(line, "position must be an integer")
        recorded_at = datetime.fromisoformat(data["recorded_at"]) if data.get("recorded_at") else None
        digest = bytes.fromhex(data["digest"]) if data.get("digest") is not None else None
        if data["type"] == "link":
            return ChainedEvent(position, None, None, None, None, recorded_at, digest)
        version = data["originator_version"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise BundleError(line, "originator_version must be an integer")
        return ChainedEvent(
            position=position,
            originator_key=UUID(data["originator_id"]).bytes,
            originator_version=version,
            topic=str(data["topic"]),
            state=base64.b64decode(data["state"], validate=True),
            recorded_at=recorded_at,
            digest=digest,
        )
    except KeyError as missing:
        raise BundleError(line, f"no {missing.args[0]!r}") from None
    except (TypeError, ValueError, binascii.Error) as error:
        if isinstance(error, BundleError):
            raise
        raise BundleError(line, f"malformed {data.get('type')} line: {error}") from None


def _lines(stream: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except ValueError:
            raise BundleError(number, "not JSON") from None
        if not isinstance(data, dict) or data.get("type") not in {
            "header",
            "event",
            "link",
            "checkpoint",
            "end",
        }:
            raise BundleError(number, "not a bundle line (no known 'type')")
        yield number, data


def read_entries(stream: IO[str]) -> Iterator[ChainedEvent]:
    """The bundle's positions (events and lone links), in the file's order;
    BundleError names the first line that is not one."""
    for number, data in _lines(stream):
        if data["type"] in {"event", "link"}:
            yield _entry(data, number)


@dataclass
class BundleReport:
    """What verifying a bundle found."""

    organisation: str = ""
    exported_at: str = ""
    chain: VerificationResult | None = None
    checkpoints: list[CheckpointCheck] = field(default_factory=list)
    # A bundle that cannot be read, or whose end line does not match its content.
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.problems
            and self.chain is not None
            and self.chain.ok
            and all(c.holds for c in self.checkpoints)
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "organisation": self.organisation,
            "exported_at": self.exported_at,
            "chain": self.chain.as_json() if self.chain else None,
            "checkpoints": [c.as_json() for c in self.checkpoints],
            "problems": list(self.problems),
        }


def verify_bundle(
    path: Path,
    keys: Mapping[str, Ed25519PublicKey],
    *,
    checkpoints: Iterable[tuple[str, Checkpoint]] = (),
) -> BundleReport:
    """Recompute the chain of a bundle, offline, and hold its checkpoints (and
    ``checkpoints`` kept elsewhere, as (source, checkpoint)) against it.

    Reads the file twice: first for its header, checkpoints and end line,
    then streaming its events through the verifier."""
    report = BundleReport()
    found: list[tuple[str, Checkpoint]] = list(checkpoints)
    end: dict[str, Any] | None = None
    try:
        with path.open(encoding="utf-8") as stream:
            for number, data in _lines(stream):
                kind = data["type"]
                if number == 1 and (kind != "header" or data.get("format") != BUNDLE_FORMAT):
                    raise BundleError(number, f"the first line must be the {BUNDLE_FORMAT} header")
                if kind == "header":
                    if number != 1:
                        raise BundleError(number, "a second header")
                    report.organisation = str(data.get("organisation", ""))
                    report.exported_at = str(data.get("exported_at", ""))
                elif kind == "checkpoint":
                    try:
                        found.append((f"bundle line {number}", parse_checkpoint(data)))
                    except CheckpointError as error:
                        raise BundleError(number, str(error)) from None
                elif kind == "end":
                    end = data
        if end is None:
            raise BundleError(0, "no end line: the bundle is truncated")
        verifier = ChainVerifier(watch=frozenset(c.position for _, c in found))
        with path.open(encoding="utf-8") as stream:
            verifier.feed(read_entries(stream))
    except BundleError as error:
        report.problems.append(str(error) if error.line else str(error).removeprefix("line 0: "))
        return report
    except OSError as error:
        report.problems.append(f"cannot read {path}: {error}")
        return report
    result = verifier.result()
    report.chain = result
    head = result.head
    if end.get("events") != result.events or end.get("last_position") != (head.position if head else 0):
        report.problems.append(
            f"the end line announces {end.get('events')} events up to position {end.get('last_position')}, "
            f"the bundle holds {result.events} up to position {head.position if head else 0}: "
            "lines were removed or added"
        )
    elif head is not None and end.get("head_digest") != head.digest.hex():
        report.problems.append("the end line's head digest is not the recomputed one")
    for source, checkpoint in found:
        report.checkpoints.append(check_checkpoint(checkpoint, verifier.digests_at, keys, source=source))
    return report
