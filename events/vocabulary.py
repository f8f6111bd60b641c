"""Kinds of the platform's events, derived from its aggregates (events/kinds.py
says what a kind is and how each context declares its own)."""

from __future__ import annotations

from functools import cache
from typing import Any

from eventsourcing.utils import get_topic

from events.kinds import event_classes, snake
from events.platform import AGGREGATE_CLASSES


@cache
def all_event_classes() -> dict[str, type]:
    """Every event class of the platform, by its kind."""
    return {kind: cls for aggregate in AGGREGATE_CLASSES for kind, cls in event_classes(aggregate).items()}


@cache
def kind_by_topic() -> dict[str, str]:
    """The stored topic of every event -> its kind."""
    return {get_topic(cls): kind for kind, cls in all_event_classes().items()}


@cache
def _kind_by_qualname() -> dict[str, str]:
    return {cls.__qualname__: kind for kind, cls in all_event_classes().items()}


def kind_of(topic: str) -> str:
    """The kind of a stored topic (an unknown topic: its last part, lowered)."""
    return kind_by_topic().get(topic, topic.rsplit(":", 1)[-1].lower())


def kind_of_event(event: Any) -> str:
    """The kind of an event object, e.g. "proposal.accepted"."""
    qualname: str = type(event).__qualname__
    found = _kind_by_qualname().get(qualname)
    if found is not None:
        return found
    aggregate_name, _, event_name = qualname.partition(".")
    for aggregate in AGGREGATE_CLASSES:
        if aggregate.__name__ == aggregate_name:
            return f"{aggregate.KIND}.{snake(event_name)}"  # a snapshot, say
    return qualname.lower()
