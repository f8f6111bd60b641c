"""People's names: events record ids, pages and renderings show names. The one
place that reads the accounts for them (api/people.py and web/people.py shape them)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.contrib.auth import get_user_model


def accounts(user_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """user id -> (display name, username), for the ids that are accounts (ids such
    as "system" or a test's "u-staff" are left out)."""
    ids = set()
    for user_id in user_ids:
        try:
            ids.add(UUID(str(user_id)))
        except ValueError:
            continue
    if not ids:
        return {}
    rows = get_user_model().objects.filter(pk__in=ids).values_list("pk", "display_name", "username")
    return {str(pk): (display_name or username, username) for pk, display_name, username in rows}
