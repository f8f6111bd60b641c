"""The directory of commissions and partners, searchable by name in any script."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import Locale

from events.partners import PARTNER_KIND_NAMES, RIGHTS
from events.policy import Right
from projections.base import EventContext, Projector, handles
from projections.models import CommissionEntry, PartnerAffiliation, PartnerEntry
from projections.search import search_text

MEMBER_DELTA = {"MemberJoined": 1, "MemberLeft": -1}


# The languages whose country and kind names are searchable, whatever the reader's.
SEARCH_LANGUAGES = ("ar", "en", "fr")


@lru_cache(maxsize=512)
def country_names(code: str) -> tuple[str, ...]:
    """The country's names in Arabic, English and French (CLDR, through babel)."""
    names: list[str] = []
    for language in SEARCH_LANGUAGES:
        name = Locale(language).territories.get(code.upper())
        if name and name not in names:
            names.append(name)
    return tuple(names)


def kind_names(kind: str) -> tuple[str, ...]:
    """The partner kind's names in Arabic, English and French."""
    names = PARTNER_KIND_NAMES.get(kind, {})
    return tuple(dict.fromkeys(names[language] for language in SEARCH_LANGUAGES if language in names))


def _search(entry: CommissionEntry | PartnerEntry) -> str:
    """Names and city in every script given, then the country's and the kind's names in ar/en/fr."""
    city = entry.profile.get("city") or {}
    words = [*entry.name.values(), *(city.values() if isinstance(city, dict) else [])]
    words.extend(country_names(entry.country))
    if isinstance(entry, PartnerEntry):
        words.extend(kind_names(entry.kind))
    text = search_text(words)
    return f"{text} | {entry.country.lower()}" if isinstance(entry, CommissionEntry) else text


def _apply_profile(entry: CommissionEntry | PartnerEntry, changes: dict[str, Any]) -> None:
    if "name" in changes:
        entry.name = changes["name"]
    entry.profile = {**entry.profile, **{k: v for k, v in changes.items() if k != "name"}}
    entry.search_text = _search(entry)


def _touch(entry: CommissionEntry | PartnerEntry, context: EventContext) -> None:
    entry.version = context.version
    entry.position = context.position
    entry.updated_at = context.timestamp
    context.rows.changed(entry)


class DirectoryProjector(Projector):
    name = "directory"
    models = (CommissionEntry, PartnerEntry, PartnerAffiliation)

    # --- commissions ---

    @handles("Commission.Registered")
    def commission_registered(self, event: Any, context: EventContext) -> None:
        entry = CommissionEntry(
            id=context.aggregate_id,
            country=event.country,
            name=event.name,
            profile=event.profile,
            registered_at=context.timestamp,
            updated_at=context.timestamp,
            version=context.version,
            position=context.position,
        )
        entry.search_text = _search(entry)
        context.rows.add(entry)

    @handles("Commission.ProfileUpdated")
    def commission_profile_updated(self, event: Any, context: EventContext) -> None:
        entry = context.rows.require(CommissionEntry, context.aggregate_id)
        _apply_profile(entry, event.changes)
        _touch(entry, context)

    @handles("Commission.SecretaryGeneralAppointed")
    def secretary_general_appointed(self, event: Any, context: EventContext) -> None:
        entry = context.rows.require(CommissionEntry, context.aggregate_id)
        entry.secretary_general = {"name": event.name, "user_id": event.user_id}
        _touch(entry, context)

    @handles("Commission.MemberJoined", "Commission.MemberLeft", "Commission.MemberRoleChanged")
    def commission_members_changed(self, event: Any, context: EventContext) -> None:
        entry = context.rows.require(CommissionEntry, context.aggregate_id)
        entry.member_count += MEMBER_DELTA.get(type(event).__name__, 0)
        _touch(entry, context)

    # --- partners ---

    @handles("Partner.Registered")
    def partner_registered(self, event: Any, context: EventContext) -> None:
        entry = PartnerEntry(
            id=context.aggregate_id,
            kind=event.kind,
            country=event.country,
            name=event.name,
            profile=event.profile,
            registration_command=context.command_id,
            registered_at=context.timestamp,
            updated_at=context.timestamp,
            version=context.version,
            position=context.position,
        )
        entry.search_text = _search(entry)
        context.rows.add(entry)

    @handles("Partner.ProfileUpdated")
    def partner_profile_updated(self, event: Any, context: EventContext) -> None:
        entry = context.rows.require(PartnerEntry, context.aggregate_id)
        _apply_profile(entry, event.changes)
        _touch(entry, context)

    @handles("Partner.AffiliatedWithCommission", "Partner.AffiliationAccepted")
    def partner_affiliated(self, event: Any, context: EventContext) -> None:
        entry = context.rows.require(PartnerEntry, context.aggregate_id)
        commission = str(event.commission_id)
        entry.commission_ids = [*entry.commission_ids, commission]
        affiliation = self._affiliation(event, context)
        affiliation.state = "accepted"
        affiliation.since = context.timestamp
        if context.command_id == entry.registration_command:
            # The commission that registered the partner is granted every right (events.partners).
            self._set_rights(entry, affiliation, set(RIGHTS))
        _touch(entry, context)
        context.rows.changed(affiliation)

    @handles("Partner.AffiliationRequested")
    def affiliation_requested(self, event: Any, context: EventContext) -> None:
        affiliation = self._affiliation(event, context)
        affiliation.state = "requested"
        affiliation.requested_by = context.actor
        affiliation.rationale = event.rationale
        context.rows.changed(affiliation)

    @handles("Partner.AffiliationDeclined", "Partner.AffiliationEnded")
    def affiliation_ended(self, event: Any, context: EventContext) -> None:
        entry = context.rows.require(PartnerEntry, context.aggregate_id)
        commission = str(event.commission_id)
        entry.commission_ids = [c for c in entry.commission_ids if c != commission]
        entry.grants = {c: r for c, r in entry.grants.items() if c != commission}
        _touch(entry, context)
        context.rows.delete(PartnerAffiliation, f"{context.aggregate_id}:{commission}")

    @handles("Partner.AccessGranted", "Partner.AccessRevoked")
    def access_changed(self, event: Any, context: EventContext) -> None:
        entry = context.rows.require(PartnerEntry, context.aggregate_id)
        affiliation = self._affiliation(event, context)
        held = set(entry.grants.get(str(event.commission_id), []))
        rights = set(event.rights)
        self._set_rights(
            entry, affiliation, held | rights if type(event).__name__ == "AccessGranted" else held - rights
        )
        _touch(entry, context)
        context.rows.changed(affiliation)

    @staticmethod
    def _affiliation(event: Any, context: EventContext) -> PartnerAffiliation:
        key = f"{context.aggregate_id}:{event.commission_id}"
        affiliation = context.rows.get(PartnerAffiliation, key)
        if affiliation is None:
            affiliation = PartnerAffiliation(
                key=key,
                partner_id=context.aggregate_id,
                commission_id=event.commission_id,
                since=context.timestamp,
            )
            context.rows.add(affiliation)
        return affiliation

    @staticmethod
    def _set_rights(entry: PartnerEntry, affiliation: PartnerAffiliation, rights: set[str]) -> None:
        commission = str(affiliation.commission_id)
        grants = {c: r for c, r in entry.grants.items() if c != commission}
        if rights:
            grants[commission] = sorted(rights)
        entry.grants = grants
        affiliation.shares_documents = Right.DOCUMENTS in rights
        affiliation.shares_members = Right.MEMBERS in rights
        affiliation.shares_profile = Right.PROFILE in rights

    @handles("Partner.MemberJoined", "Partner.MemberLeft")
    def partner_members_changed(self, event: Any, context: EventContext) -> None:
        entry = context.rows.require(PartnerEntry, context.aggregate_id)
        entry.member_count += MEMBER_DELTA.get(type(event).__name__, 0)
        _touch(entry, context)
