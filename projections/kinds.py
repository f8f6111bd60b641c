"""Stable names of event kinds, as clients and feeds see them: "message.posted"
(events/kinds.py derives and declares them; this module is the projections' view)."""

from __future__ import annotations

from events.vocabulary import kind_by_topic, kind_of

KIND_BY_TOPIC = kind_by_topic()

__all__ = ["KIND_BY_TOPIC", "kind_of"]
