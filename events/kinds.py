"""The vocabulary of event kinds: one name per event, and what the other layers need
to know of it, declared once per context beside its aggregates.

A kind is its aggregate's KIND and the event's name in snake case:
``Message.Posted`` is "message.posted" (clients, feeds, labels and the audit see
these names). Each context module declares its events in ``EVENT_KINDS`` with
:func:`declare`; events/platform.py gathers them, events/vocabulary.py derives the
names from the event classes, and tests/unit/test_kinds.py fails when an event is
not declared, so that no layer forgets one silently:

- ``changes_access``: who may read what changes (a membership, a registration to
  an invited meeting); the sockets of the person concerned check their streams
  again (realtime/hub.py);
- ``tells``: whom the event is told to on their own stream (``user:<id>``): the
  event field naming them (``"user_id"``, ``"person_id"``, ``"mentions"``), or
  ``"proposer"`` for the author of the proposal decided on.

Every kind also has a label in web/labels.py (its ACTIVITY table), checked by
tests/web/test_translations.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import CanInitAggregate, CanMutateAggregate, _created_event_classes

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Kind:
    changes_access: bool = False
    tells: str = ""


PLAIN = Kind()


def declare(aggregate: Any, **events: Kind) -> dict[str, Kind]:
    """``{"<aggregate KIND>.<event>": Kind}`` for the events of one aggregate, named
    in snake case (``member_added=Kind(...)`` for ``Workspace.MemberAdded``)."""
    return {f"{aggregate.KIND}.{name}": kind for name, kind in events.items()}


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def event_classes(aggregate: Any) -> dict[str, type]:
    """The event classes of an aggregate by their kind (the ``Created`` of
    eventsourcing only where ``__init__`` is an @event)."""
    found: dict[str, type] = {}
    for name, value in vars(aggregate).items():
        if (
            isinstance(value, type)
            and issubclass(value, CanMutateAggregate | CanInitAggregate)
            and value.__qualname__ == f"{aggregate.__qualname__}.{name}"
            and name not in {"Event", "Snapshot"}
            and (name != "Created" or value in _created_event_classes.get(aggregate, ()))
        ):
            found[f"{aggregate.KIND}.{snake(name)}"] = value
    return found
