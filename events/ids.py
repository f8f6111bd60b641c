"""Deterministic aggregate ids, where uniqueness is part of the domain.

A commission is unique per country: its id is derived from the country code, so
registering a second one for the same country collides on the first event's key
inside the same atomic append, across every process.
"""

from __future__ import annotations

from uuid import UUID, uuid5

NAMESPACE = UUID("6b1f3a52-6f7e-4f8e-9c36-2a7d3b0e9d41")


def organisation_id() -> UUID:
    return uuid5(NAMESPACE, "organisation")


def commission_id(country: str) -> UUID:
    return uuid5(NAMESPACE, f"commission:{country.upper()}")
