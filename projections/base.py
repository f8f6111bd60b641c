"""Projectors: one per read model, each a set of event handlers.

A projector declares which events it handles with :func:`handles`; the runner
(projections/runner.py) calls :meth:`Projector.project` for every event after
the projector's tracked position, inside the batch's transaction. Handlers write
read-model rows through the ORM and may add *live items* (what realtime/ pushes
to sockets) to the context. Handlers must be deterministic: they use the event's
position and timestamp, never the clock, and keys derived from the events, never
auto-increment ids, so that a rebuild gives the same rows as the live run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from django.db import models
from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic

from projections.unit import Rows

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LiveItem:
    """One item of the live streams: what a socket receives for an event."""

    position: int
    kind: str
    data: dict[str, Any]
    streams: tuple[str, ...]


@dataclass(slots=True)
class EventContext:
    """What a handler knows about the event beyond its attributes, and the batch's
    rows (projections/unit.py): handlers read and write read models through
    ``rows``, never with queries of their own, so that a batch costs a few
    statements however many events it holds."""

    position: int
    timestamp: datetime
    aggregate_id: UUID
    version: int
    topic: str
    actor: str
    command_id: str
    rows: Rows
    items: list[LiveItem] = field(default_factory=list)

    def publish(self, kind: str, data: dict[str, Any], streams: Iterable[str]) -> None:
        unique = tuple(dict.fromkeys(s for s in streams if s))
        if unique:
            self.items.append(LiveItem(self.position, kind, data, unique))


E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[Any, Any, EventContext], None]


def handles(*events: str) -> Callable[[Handler], Handler]:
    """Mark a projector method as the handler of these events, named
    "Aggregate.EventName" (e.g. "Message.Posted"); a name that does not exist
    fails at import, not at run time."""
    topics = tuple(topic_of(name) for name in events)

    def mark(method: Handler) -> Handler:
        method.handled_topics = topics  # type: ignore[attr-defined]
        return method

    return mark


def topic_of(name: str) -> str:
    """The stored topic of an event named "Aggregate.EventName"."""
    from events.platform import AGGREGATE_CLASSES

    aggregate_name, _, event_name = name.partition(".")
    for aggregate in AGGREGATE_CLASSES:
        if aggregate.__name__ == aggregate_name:
            event_class = getattr(aggregate, event_name, None)
            if isinstance(event_class, type):
                return get_topic(event_class)
    raise LookupError(f"no event {name!r}: expected 'Aggregate.EventName', e.g. 'Message.Posted'")


class Projector:
    """Base class: subclasses set ``name`` and ``models`` and define handlers."""

    name: ClassVar[str] = ""
    # The read-model tables this projector owns (dropped and rebuilt with it).
    models: ClassVar[tuple[type[models.Model], ...]] = ()
    # Projectors whose rows this one reads while projecting: they run before it in
    # each batch, and a rebuild of this one rebuilds them too.
    depends_on: ClassVar[tuple[str, ...]] = ()
    # True for projectors that see every event (the activity feed, the live streams).
    sees_every_event: ClassVar[bool] = False
    _handlers: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for attribute, value in vars(klass).items():
                for topic in getattr(value, "handled_topics", ()):
                    handlers[topic] = attribute
        cls._handlers = handlers

    @classmethod
    def topics(cls) -> frozenset[str]:
        return frozenset(cls._handlers)

    def project(self, event: Any, context: EventContext) -> None:
        if self.sees_every_event:
            self.on_event(event, context)
            return
        attribute = self._handlers.get(context.topic)
        if attribute is not None:
            getattr(self, attribute)(event, context)

    def on_event(self, event: Any, context: EventContext) -> None:
        """Called for every event when ``sees_every_event`` is set."""

    def clear(self) -> None:
        """Drop every row this projector owns (before a rebuild)."""
        for model in reversed(self.models):
            model._default_manager.all().delete()
