"""Names of people for renderings that carry user ids (members, authors)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from projections import queries


def names(user_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """user id -> {"display_name", "username"}, for the ids that are accounts."""
    return {
        user_id: {"display_name": display_name, "username": username}
        for user_id, (display_name, username) in queries.accounts(user_ids).items()
    }


def with_names(items: list[dict[str, Any]], field: str, into: str) -> list[dict[str, Any]]:
    """Add ``into`` (the display name of the person in ``field``) to each item."""
    found = names(item[field] for item in items if item.get(field))
    for item in items:
        item[into] = found.get(item.get(field) or "", {}).get("display_name", "")
    return items


def with_person(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add display_name and username to member renderings (by user_id)."""
    found = names(item["user_id"] for item in items)
    for item in items:
        person = found.get(item["user_id"], {})
        item["display_name"] = person.get("display_name", "")
        item["username"] = person.get("username", "")
    return items
