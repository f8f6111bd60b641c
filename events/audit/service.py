"""The audit's use cases over the application's event store.

Thin on purpose: reading from the store (events/store/ledger.py) is here, the
judging is in chain.py, signing.py, bundle.py and history.py, which never
touch a database. The CLI (core/cli.py) and the API (api/audit.py) call these.
Permissions are the callers' business (events.policy.may_read_history): this
module is the platform's own view of its history.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from events.audit import bundle as bundle_format
from events.audit.chain import ChainVerifier, VerificationResult, in_batches
from events.audit.history import (
    HistoryEntry,
    Step,
    decode_stream,
    event_kind,
    history,
    render_state,
    replay,
    steps_until,
)
from events.audit.signing import Checkpoint, CheckpointCheck, check_checkpoint, sign_checkpoint
from events.errors import NotFound, ValidationFailed

if TYPE_CHECKING:
    from events.platform import Tawasul

Progress = Callable[[int, int], None]
BATCH = 5000


def parse_moment(text: str, field_name: str = "as_of") -> datetime:
    """An ISO 8601 moment with its offset ("2026-03-01T12:00:00Z", "...+01:00").
    A moment without one is refused rather than guessed: auditors in different
    time zones must not get different answers to the same question."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValidationFailed.field(
            field_name, "Give an ISO 8601 moment with its time zone, e.g. 2026-03-01T12:00:00Z."
        ) from None
    if moment.tzinfo is None:
        raise ValidationFailed.field(
            field_name, "Give the time and its time zone, e.g. 2026-03-01T12:00:00Z or +01:00."
        )
    return moment


# --- one aggregate -------------------------------------------------------------------------------


def kinds() -> list[str]:
    from events.platform import KINDS

    return sorted(KINDS)


def _steps(app: Tawasul, kind: str, aggregate_id: UUID, lte: int | None = None) -> list[Step]:
    if kind not in kinds():
        raise ValidationFailed.not_one_of("kind", kinds())
    records = app.ledger.select_stream(aggregate_id, lte)
    if not records:
        raise NotFound(kind, aggregate_id)
    steps = decode_stream(records, app.mapper.to_domain_event)
    if event_kind(steps[0].event).split(".", 1)[0] != kind:
        raise NotFound(kind, aggregate_id)
    return steps


@dataclass(frozen=True, slots=True)
class AggregateHistory:
    kind: str
    id: UUID
    version: int
    entries: tuple[HistoryEntry, ...]

    @property
    def linked(self) -> bool:
        """Every event's bytes hash onto the chain at its position."""
        return all(e.linked for e in self.entries)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": str(self.id),
            "version": self.version,
            "linked": self.linked,
            "events": [e.as_json() for e in self.entries],
        }


def aggregate_history(app: Tawasul, kind: str, aggregate_id: UUID) -> AggregateHistory:
    """Every event of one resource with the changes it made, rebuilt from the store."""
    steps = _steps(app, kind, aggregate_id)
    return AggregateHistory(kind, aggregate_id, steps[-1].version, tuple(history(steps)))


@dataclass(frozen=True, slots=True)
class StateView:
    """One resource as it was after ``version`` (its last event at or before ``as_of``)."""

    kind: str
    id: UUID
    version: int
    current_version: int
    position: int
    timestamp: datetime
    as_of: datetime | None
    state: dict[str, Any]
    digest: bytes | None
    linked: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": str(self.id),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "version": self.version,
            "current_version": self.current_version,
            "position": self.position,
            "timestamp": self.timestamp.isoformat(),
            "digest": self.digest.hex() if self.digest is not None else None,
            "linked": self.linked,
            "state": self.state,
        }


def aggregate_state(
    app: Tawasul,
    kind: str,
    aggregate_id: UUID,
    *,
    version: int | None = None,
    as_of: datetime | None = None,
) -> StateView:
    """One resource exactly as it was at a version or a moment, rebuilt from its events."""
    if version is not None and as_of is not None:
        raise ValidationFailed.field("as_of", "Give a moment or a version, not both.")
    if as_of is not None and as_of.tzinfo is None:
        raise ValidationFailed.field(
            "as_of", "Give the moment with its time zone, e.g. 2026-03-01T12:00:00Z."
        )
    # At a version, the events after it are not even read.
    steps = _steps(app, kind, aggregate_id, lte=version)
    current_version = app.ledger.current_version(aggregate_id) if version is not None else steps[-1].version
    chosen = steps_until(steps, version=version, moment=as_of)
    if not chosen or (version is not None and chosen[-1].version != version):
        error = NotFound(kind, aggregate_id)
        error.detail = (
            f"The {kind} {aggregate_id} did not exist yet at {as_of.isoformat()}."
            if as_of is not None
            else f"The {kind} {aggregate_id} has no version {version}; "
            f"its versions are 1 to {current_version}."
        )
        error.args = (error.detail,)
        raise error
    aggregate = replay(chosen)
    assert aggregate is not None
    last = chosen[-1]
    return StateView(
        kind=kind,
        id=aggregate_id,
        version=last.version,
        current_version=current_version or last.version,
        position=last.position,
        timestamp=last.timestamp,
        as_of=as_of,
        state=render_state(aggregate, chosen),
        digest=last.digest,
        linked=all(s.linked for s in chosen),
    )


# --- the whole chain -------------------------------------------------------------------------------


@dataclass
class StoreReport:
    chain: VerificationResult
    checkpoints: list[CheckpointCheck] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.chain.ok and all(c.holds for c in self.checkpoints)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "chain": self.chain.as_json(),
            "checkpoints": [c.as_json() for c in self.checkpoints],
            "seconds": round(self.seconds, 3),
        }


def store_head(app: Tawasul) -> int:
    """The last position of the store: of its events or of its chain, whichever is
    further (they are equal unless one was tampered with)."""
    link = app.ledger.chain_head()
    return max(app.recorder.max_notification_id() or 0, link.position if link else 0)


def walk(
    app: Tawasul,
    verifier: ChainVerifier,
    *,
    until: int | None = None,
    batch: int = BATCH,
    progress: Progress | None = None,
    each: Callable[[Sequence[Any]], None] | None = None,
) -> VerificationResult:
    """Feed every position of the store, from the first to ``until`` (the head
    when None, fixed when the walk starts), to ``verifier``, in batches."""
    head = store_head(app) if until is None else until
    for first, last in in_batches(1, head, batch):
        entries = app.ledger.select_chained(first, last)
        verifier.feed(entries)
        if each is not None:
            each(entries)
        if progress is not None:
            progress(last, head)
    return verifier.result()


def verify_store(
    app: Tawasul,
    *,
    checkpoints: Iterable[tuple[str, Checkpoint]] = (),
    keys: Mapping[str, Ed25519PublicKey] | None = None,
    check_times: bool = True,
    until: int | None = None,
    batch: int = BATCH,
    progress: Progress | None = None,
) -> StoreReport:
    """Recompute the chain from the store (up to position ``until``, else to its
    head) and hold it against ``checkpoints``."""
    checkpoints = list(checkpoints)
    started = time.perf_counter()
    verifier = ChainVerifier(watch=frozenset(c.position for _, c in checkpoints), check_times=check_times)
    result = walk(app, verifier, until=until, batch=batch, progress=progress)
    checks = [check_checkpoint(c, verifier.digests_at, keys or {}, source=s) for s, c in checkpoints]
    return StoreReport(result, checks, time.perf_counter() - started)


class ChainBroken(Exception):
    """The chain does not verify: nothing is signed or exported as sound."""

    def __init__(self, result: VerificationResult) -> None:
        first = result.first_break
        super().__init__(first.describe() if first else "the chain does not verify")
        self.result = result


def make_checkpoint(
    app: Tawasul,
    key: Ed25519PrivateKey,
    *,
    organisation: str,
    now: datetime,
    progress: Progress | None = None,
) -> tuple[Checkpoint, VerificationResult]:
    """Verify the whole chain, then sign its head. A broken chain is never signed
    (that would vouch for the tampering): ChainBroken names where it breaks."""
    result = walk(app, ChainVerifier(), progress=progress)
    if not result.ok or result.head is None:
        if result.head is None:
            raise ValidationFailed("The event store is empty: there is nothing to sign yet.")
        raise ChainBroken(result)
    return sign_checkpoint(result.head, key, organisation=organisation, signed_at=now), result


@dataclass(frozen=True, slots=True)
class Divergence:
    """Where the live store and an older bundle first disagree."""

    position: int
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"position": self.position, "detail": self.detail}


def compare_with_store(app: Tawasul, entries: Iterable[Any], *, batch: int = BATCH) -> Divergence | None:
    """The first position where the store's chain differs from ``entries`` (a
    bundle's, in position order), up to the bundle's last position: where a
    history that a checkpoint says was rewritten was rewritten. None when the
    store holds the same links and events at every position the bundle has."""
    expected = iter(entries)
    current = next(expected, None)
    if current is None:
        return None
    head = store_head(app)
    for first, last in in_batches(1, head, batch):
        for entry in app.ledger.select_chained(first, last):
            if current is None:
                return None
            if current.position < entry.position:
                return Divergence(current.position, "the store no longer has this position")
            if entry.position < current.position:
                return Divergence(entry.position, "the store has a position the bundle does not")
            if (entry.digest, entry.state) != (current.digest, current.state):
                what = "event" if entry.state != current.state else "chain digest"
                return Divergence(entry.position, f"the store's {what} differs from the bundle's")
            current = next(expected, None)
    if current is not None:
        return Divergence(current.position, "the store no longer has this position")
    return None


@dataclass
class ExportReport:
    chain: VerificationResult
    checkpoints: list[CheckpointCheck]
    signed: Checkpoint | None

    @property
    def ok(self) -> bool:
        return self.chain.ok and all(c.holds for c in self.checkpoints)


def export_bundle(
    app: Tawasul,
    out: IO[str],
    *,
    organisation: str,
    now: datetime,
    checkpoints: Iterable[tuple[str, Checkpoint]] = (),
    keys: Mapping[str, Ed25519PublicKey] | None = None,
    key: Ed25519PrivateKey | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Write every position of the store to ``out`` as a bundle (bundle.py), with
    the given checkpoints and, when ``key`` is given and the chain verifies, a
    new checkpoint of the exported head. The store is verified as it is read."""
    checkpoints = list(checkpoints)
    out.write(bundle_format.header_line(organisation=organisation, exported_at=now))
    verifier = ChainVerifier(watch=frozenset(c.position for _, c in checkpoints))

    def write(entries: Sequence[Any]) -> None:
        out.writelines(bundle_format.entry_line(entry) for entry in entries)

    result = walk(app, verifier, progress=progress, each=write)
    checks = [check_checkpoint(c, verifier.digests_at, keys or {}, source=s) for s, c in checkpoints]
    for _, checkpoint in checkpoints:
        out.write(bundle_format.checkpoint_line(checkpoint))
    signed = None
    if key is not None and result.ok and result.head is not None:
        signed = sign_checkpoint(result.head, key, organisation=organisation, signed_at=now)
        out.write(bundle_format.checkpoint_line(signed))
    out.write(bundle_format.end_line(events=result.events, head=result.head))
    return ExportReport(result, checks, signed)
