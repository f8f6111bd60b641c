"""The directory's search through the API: countries and partner kinds by their
names in Arabic, English and French, whatever the reader's language."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiWorld

pytestmark = pytest.mark.both_backends


def found(world: ApiWorld, path: str, q: str) -> list[str]:
    response = world.client().get(path, {"q": q})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("q", ["Morocco", "maroc", "المغرب"])
def test_a_commission_is_found_by_its_countrys_name_in_any_language(world: ApiWorld, q: str) -> None:
    rows = world.client().get("/api/v1/commissions/", {"q": q}).json()["results"]
    assert [row["country"] for row in rows] == ["MA"]


@pytest.mark.parametrize("q", ["school", "école", "مدرسة", "school tunisia", "école tunisie"])
def test_a_partner_is_found_by_its_kind_and_country_in_any_language(world: ApiWorld, q: str) -> None:
    assert found(world, "/api/v1/partners/", q) == [str(world.ids["partner"])]


def test_a_partner_of_another_country_or_kind_is_not_found(world: ApiWorld) -> None:
    assert found(world, "/api/v1/partners/", "school morocco") == []
    assert found(world, "/api/v1/partners/", "université") == []
