"""Channels group names, built here only.

Streams are what clients write ("thread:<id>"); Channels group names may hold
only letters, digits, "-", "_" and "." and stay under 100 characters, so the
colons become dots here and nowhere else.

- ``LIVE_ITEMS``: the projector sends each batch of live items once to this
  group; every process's hub has one channel in it (one delivery per process).
- ``ephemeral_group(stream)``: presence and typing of one stream, joined by the
  hubs that hold a socket subscribed to it.
"""

from __future__ import annotations

import re

GROUP_NAME = re.compile(r"^[a-zA-Z0-9\-_.]+$")
MAX_GROUP_NAME = 99

LIVE_ITEMS = "live.items"


def _checked(name: str) -> str:
    if len(name) > MAX_GROUP_NAME or not GROUP_NAME.match(name):
        raise ValueError(f"not a valid Channels group name: {name!r}")
    return name


def live_items_group() -> str:
    return _checked(LIVE_ITEMS)


def ephemeral_group(stream: str) -> str:
    """The group of one stream's presence and typing signals ("e.workspace.<id>")."""
    return _checked("e." + stream.replace(":", "."))
