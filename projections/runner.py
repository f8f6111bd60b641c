"""The projection runner: events in global order -> read models, exactly once.

For each batch of events it opens one Django transaction, locks the tracking
rows of its projectors, applies every event after each projector's position,
and moves the positions to the end of the batch, in that same transaction. A
crash anywhere in a batch leaves no trace of it: the batch is read again.
Only after the commit are the batch's live items handed to ``publish``.

Events arrive through eventsourcing's subscription (LISTEN/NOTIFY on
PostgreSQL; on SQLite, events/store/sqlite.py's polling subscription woken by saves
in the same process). The runner supervises it: the subscription is restarted
from the tracked position when it fails (a lost LISTEN connection), when a
NOTIFY was lost (checked every second), or when a projector was reset by a
rebuild. On PostgreSQL only the holder of an advisory lock runs: a second
runner waits and takes over within a second of the leader's death.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import OperationalError, connections, transaction
from django.utils import timezone
from eventsourcing.persistence import Notification
from eventsourcing.utils import TopicError

from events.platform import Tawasul
from projections.base import EventContext, LiveItem, Projector
from projections.models import ProjectionPosition
from projections.routing import use_database
from projections.unit import Rows

logger = logging.getLogger(__name__)

Publish = Callable[[Sequence[LiveItem]], None]

LEADER_LOCK_KEY = 746177617376
TICK = 1.0
# Pauses between restarts after a failure: short, since the read models are stale
# for as long as the runner waits once the database is back.
RESTART_MIN = 0.2
RESTART_MAX = 5.0


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class ProjectionRunner:
    def __init__(
        self,
        app: Tawasul,
        projectors: Sequence[Projector],
        *,
        publish: Publish | None = None,
        alias: str = "default",
        batch_size: int = 500,
    ) -> None:
        self.app = app
        self.projectors = list(projectors)
        self.publish = publish
        self.alias = alias
        self.batch_size = batch_size
        self._progress = threading.Condition()
        self.position = 0
        self.is_leader = threading.Event()
        self.last_error: str | None = None
        self._leader_conn: Any = None

    # --- positions --------------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        names = [p.name for p in self.projectors]
        found = dict(
            ProjectionPosition.objects.using(self.alias)
            .filter(name__in=names)
            .values_list("name", "position")
        )
        return {name: found.get(name, 0) for name in names}

    def min_position(self) -> int:
        return min(self.positions().values(), default=0)

    # --- applying a batch ------------------------------------------------------------------

    def apply(
        self, notifications: Sequence[Notification], until: dict[str, int] | None = None
    ) -> list[LiveItem]:
        """Apply a batch in one transaction; return its live items (not yet published)."""
        if not notifications:
            return []
        events = []
        for notification in notifications:
            try:
                event: Any = self.app.mapper.to_domain_event(notification)
                events.append((notification, event))
            except (TopicError, ValueError, TypeError) as error:
                # An event of a type this code does not know (written by a newer
                # release, say): skip it, say so, and never loop on it.
                logger.warning(
                    "Skipping event %s at position %s: %s", notification.topic, notification.id, error
                )
        items: list[LiveItem] = []
        last = notifications[-1].id
        # Outside the transaction: a rolled-back transaction would undo the setting.
        self._commit_without_waiting_for_the_disk()
        with use_database(self.alias), transaction.atomic(using=self.alias):
            tracking = {
                row.name: row
                for row in ProjectionPosition.objects.using(self.alias)
                .select_for_update()
                .filter(name__in=[p.name for p in self.projectors])
            }
            for projector in self.projectors:
                if projector.name not in tracking:
                    tracking[projector.name] = ProjectionPosition.objects.using(self.alias).create(
                        name=projector.name, position=0
                    )
            rows = Rows(self.alias)
            for notification, event in events:
                context = EventContext(
                    position=notification.id,
                    timestamp=event.timestamp,
                    aggregate_id=notification.originator_id,  # type: ignore[arg-type]
                    version=notification.originator_version,
                    topic=notification.topic,
                    actor=getattr(event, "actor", ""),
                    command_id=getattr(event, "command_id", ""),
                    rows=rows,
                )
                for projector in self.projectors:
                    stop = until.get(projector.name) if until else None
                    if notification.id > tracking[projector.name].position and (
                        stop is None or notification.id <= stop
                    ):
                        projector.project(event, context)
                items.extend(context.items)
            rows.flush()
            # One statement per distinct target (live: one for every projector).
            advancing: dict[int, list[str]] = {}
            for projector in self.projectors:
                stop = until.get(projector.name) if until else None
                target = min(last, stop) if stop is not None else last
                if tracking[projector.name].position < target:
                    advancing.setdefault(target, []).append(projector.name)
            for target, names in advancing.items():
                ProjectionPosition.objects.using(self.alias).filter(name__in=names).update(
                    position=target, updated_at=timezone.now()
                )
        self._advanced(last)
        return items

    def _commit_without_waiting_for_the_disk(self) -> None:
        """Read models are derived data and move with their tracking positions in one
        transaction: if a crash loses a commit not yet flushed to disk, both go back
        together and the events are applied again, identically. So the projector's
        commits need not wait for the disk (a few tenths of a millisecond per batch,
        more on a busy disk). Set once per database session (this thread's connection
        is the runner's alone)."""
        connection = connections[self.alias]
        if connection.vendor != "postgresql":
            return
        session = connection.connection
        if session is not None and getattr(session, "_tawasul_async_commit", False):
            return
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        connection.connection._tawasul_async_commit = True

    def _advanced(self, position: int) -> None:
        with self._progress:
            self.position = max(self.position, position)
            self._progress.notify_all()

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until this runner has applied ``position`` (read-your-writes)."""
        deadline = time.monotonic() + timeout
        with self._progress:
            while self.position < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._progress.wait(remaining)
        return True

    def _publish(self, items: Sequence[LiveItem]) -> None:
        if items and self.publish is not None:
            try:
                self.publish(items)
            except Exception:
                # Clients resume from the stored stream items: a failed push loses nothing.
                logger.exception("Publishing %d live items failed", len(items))

    # --- catching up (tests, rebuilds, replays) ------------------------------------------------

    def catch_up(
        self,
        *,
        until: int | None = None,
        until_per_projector: dict[str, int] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Apply every stored event after the projectors' positions, in batches;
        return the position reached."""
        head = self.app.recorder.max_notification_id() or 0
        if until is not None:
            head = min(head, until)
        stops = until_per_projector or ({p.name: head for p in self.projectors} if until else None)
        start = self.min_position()
        position = start
        while position < head:
            batch = self.app.recorder.select_notifications(
                start=position, limit=self.batch_size, stop=head, inclusive_of_start=False
            )
            if not batch:
                break
            self._publish(self.apply(batch, stops))
            position = batch[-1].id
            if progress is not None:
                progress(position, head)
        self._advanced(head)
        return position

    # --- following the store live ------------------------------------------------------------------

    def run(self, stopping: threading.Event) -> None:
        """Follow the store until ``stopping`` is set: lead, apply, publish, recover."""
        backoff = RESTART_MIN
        while not stopping.is_set():
            reached = self.position
            try:
                with self._leadership(stopping) as leading:
                    if not leading:
                        continue
                    self.is_leader.set()
                    self._follow(stopping)
                backoff = RESTART_MIN
            except Exception as error:
                if self.position > reached:
                    # It worked for a while (a database restart, say): start over gently.
                    backoff = RESTART_MIN
                self.last_error = f"{type(error).__name__}: {error}"
                logger.exception("Projection runner failed; restarting in %.1fs", backoff)
                self._reset_connection()
                stopping.wait(backoff)
                backoff = min(backoff * 2, RESTART_MAX)
            finally:
                self.is_leader.clear()

    def _reset_connection(self) -> None:
        with contextlib.suppress(Exception):
            connections[self.alias].close()

    @contextlib.contextmanager
    def _leadership(self, stopping: threading.Event) -> Iterator[bool]:
        """On PostgreSQL, hold a session advisory lock for as long as we lead."""
        datastore = getattr(self.app.recorder, "datastore", None)
        pool = getattr(datastore, "pool", None)
        if pool is None or not hasattr(pool, "getconn"):
            yield True
            return
        conn = pool.getconn()
        try:
            while not stopping.is_set():
                row = conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (LEADER_LOCK_KEY,)).fetchone()
                if row and row["ok"]:
                    break
                stopping.wait(0.5)
            else:
                yield False
                return
            self._leader_conn = conn
            try:
                yield True
            finally:
                with contextlib.suppress(Exception):
                    conn.execute("SELECT pg_advisory_unlock(%s)", (LEADER_LOCK_KEY,))
        finally:
            self._leader_conn = None
            pool.putconn(conn)

    def _still_leading(self) -> bool:
        conn = self._leader_conn
        if conn is None:
            return True
        try:
            conn.execute("SELECT 1")
        except Exception:
            return False
        return True

    def _follow(self, stopping: threading.Event) -> None:
        # Apply what is stored already in big batches before following live.
        self.catch_up()
        start = self.min_position()
        inbox: queue.Queue[Notification | _Failure] = queue.Queue(maxsize=self.batch_size * 4)
        subscription = self.app.recorder.subscribe(gt=start)
        seen = start

        def read() -> None:
            try:
                for notification in subscription:
                    inbox.put(notification)
            except BaseException as error:  # a lost LISTEN connection, say
                inbox.put(_Failure(error))

        reader = threading.Thread(target=read, name="projection-subscription", daemon=True)
        with subscription:
            reader.start()
            try:
                while not stopping.is_set():
                    try:
                        first = inbox.get(timeout=TICK)
                    except queue.Empty:
                        if not self._healthy(seen):
                            return
                        continue
                    batch: list[Notification] = []
                    for item in self._drain(first, inbox):
                        if isinstance(item, _Failure):
                            raise RuntimeError("subscription failed") from item.error
                        batch.append(item)
                    items = self.apply(batch)
                    seen = batch[-1].id
                    self.last_error = None
                    self._publish(items)
            finally:
                subscription.stop()
        reader.join(timeout=5)

    def _drain(self, first: Any, inbox: queue.Queue[Any]) -> Iterator[Any]:
        yield first
        for _ in range(self.batch_size - 1):
            try:
                yield inbox.get_nowait()
            except queue.Empty:
                return

    def _healthy(self, seen: int) -> bool:
        """Every second: still the leader? a NOTIFY lost? a projector reset?"""
        if not self._still_leading():
            logger.warning("Lost the projector leadership")
            return False
        try:
            head = self.app.recorder.max_notification_id() or 0
            lowest = self.min_position()
        except OperationalError:
            return False
        if head > seen and lowest >= seen:
            # Stored events the subscription did not bring: restart it.
            logger.info("Events up to %s not delivered by the subscription: restarting it", head)
            return False
        return not lowest < seen
