"""Names of people for display: events record ids, pages show names."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from projections import queries


def names(user_ids: Iterable[str]) -> dict[str, str]:
    """Display name of each id (the platform itself as the host organisation)."""
    wanted = {str(i) for i in user_ids if i}
    found: dict[str, str] = {}
    if "system" in wanted:
        found["system"] = settings.HOST_ORGANISATION
    found.update({user_id: display for user_id, (display, _username) in queries.accounts(wanted).items()})
    for user_id in wanted - set(found):
        found[user_id] = _("Unknown person")
    return found


def name(user_id: str) -> str:
    return names([user_id])[user_id] if user_id else ""


def by_username(username: str) -> str | None:
    """The id of the account with this username (any case), or None."""
    found = (
        get_user_model()
        .objects.filter(username__iexact=username.strip())
        .values_list("pk", flat=True)
        .first()
    )
    return str(found) if found else None
