"""The directory: commissions and partners are public, anyone reads them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from projections.models import CommissionEntry, PartnerAffiliation, PartnerEntry
from projections.search import query_words


def scope_uuid(value: str | UUID) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _search(queryset: QuerySet[Any], q: str) -> QuerySet[Any]:
    for word in query_words(q):
        queryset = queryset.filter(search_text__icontains=word)
    return queryset


def commissions(*, q: str = "", country: str = "") -> QuerySet[CommissionEntry]:
    """The National Commissions, by country; ``q`` matches names in any script."""
    queryset = CommissionEntry.objects.all()
    if country:
        queryset = queryset.filter(country=country.strip().upper())
    return _search(queryset, q)


def commission_entry(commission_id: UUID) -> CommissionEntry | None:
    return CommissionEntry.objects.filter(id=commission_id).first()


def partners(
    *, q: str = "", country: str = "", kind: str = "", commission: UUID | None = None
) -> QuerySet[PartnerEntry]:
    """Partner institutions; ``commission`` keeps those affiliated with it."""
    queryset = PartnerEntry.objects.all()
    if country:
        queryset = queryset.filter(country=country.strip().upper())
    if kind:
        queryset = queryset.filter(kind=kind)
    if commission is not None:
        queryset = queryset.filter(
            id__in=PartnerAffiliation.objects.filter(commission_id=commission).values("partner_id")
        )
    return _search(queryset, q)


def partner_entry(partner_id: UUID) -> PartnerEntry | None:
    return PartnerEntry.objects.filter(id=partner_id).first()


def affiliations(partner_id: UUID) -> QuerySet[PartnerAffiliation]:
    """A partner's affiliations and pending requests, oldest first."""
    return PartnerAffiliation.objects.filter(partner_id=partner_id).order_by("since", "key")
