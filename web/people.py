"""Names of people for display: events record ids, pages show names."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from web.access import parse_uuid


def names(user_ids: Iterable[str]) -> dict[str, str]:
    """Display name of each id (the platform itself as the host organisation)."""
    wanted = {str(i) for i in user_ids if i}
    found: dict[str, str] = {}
    if "system" in wanted:
        found["system"] = settings.HOST_ORGANISATION
    uuids = [u for u in (parse_uuid(i) for i in wanted) if u is not None]
    if uuids:
        for pk, display_name, username in (
            get_user_model().objects.filter(pk__in=uuids).values_list("pk", "display_name", "username")
        ):
            found[str(pk)] = display_name or username
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
