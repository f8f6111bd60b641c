"""Stable names of event kinds, as clients and feeds see them: "message.posted"."""

from __future__ import annotations

import re

from eventsourcing.domain import (
    CanInitAggregate,
    CanMutateAggregate,
    _created_event_classes,  # the classes @event made for __init__
)
from eventsourcing.utils import get_topic

from events.platform import AGGREGATE_CLASSES

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _kinds() -> dict[str, str]:
    kinds: dict[str, str] = {}
    for aggregate in AGGREGATE_CLASSES:
        for name, value in vars(aggregate).items():
            if (
                isinstance(value, type)
                and issubclass(value, CanMutateAggregate | CanInitAggregate)
                and value.__qualname__ == f"{aggregate.__qualname__}.{name}"
                and name not in {"Event", "Snapshot"}
                and (name != "Created" or value in _created_event_classes.get(aggregate, ()))
            ):
                kinds[get_topic(value)] = f"{aggregate.KIND}.{_snake(name)}"
    return kinds


KIND_BY_TOPIC = _kinds()


def kind_of(topic: str) -> str:
    return KIND_BY_TOPIC.get(topic, topic.rsplit(":", 1)[-1].lower())
