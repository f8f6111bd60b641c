"""Search across the directory and the updates a reader may read."""

from __future__ import annotations

from typing import Any

from events.roles import Actor
from projections.models import UpdateEntry
from projections.queries.directory import commissions, partners
from projections.queries.updates import updates
from projections.search import normalise, query_words

SEARCH_SCAN_LIMIT = 2000


def search(actor: Actor, q: str, *, limit: int = 20) -> dict[str, list[Any]]:
    """Commissions, partners and the updates the actor may read whose names or
    titles contain every word of ``q`` (Arabic and Latin script, see search.py).

    Updates have no search column: the most recent SEARCH_SCAN_LIMIT readable ones
    are matched here, in Python."""
    words = query_words(q)
    if not words:
        return {"commissions": [], "partners": [], "updates": []}
    found_updates: list[UpdateEntry] = []
    for update in updates(actor).order_by("-updated_at")[:SEARCH_SCAN_LIMIT]:
        text = normalise(" ".join([*update.title.values(), *update.summary.values()]))
        if all(word in text for word in words):
            found_updates.append(update)
            if len(found_updates) >= limit:
                break
    return {
        "commissions": list(commissions(q=q)[:limit]),
        "partners": list(partners(q=q).order_by("-registered_at")[:limit]),
        "updates": found_updates,
    }
