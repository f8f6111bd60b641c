"""The OpenAPI description, and the API checked against it by schemathesis.

schemathesis generates requests for every operation of /api/schema/ (a few per
operation, to stay within a couple of minutes on two cores) and checks that no
answer is a server error and that each answer conforms to the description:
status code, content type and body.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import ApiWorld

pytestmark = pytest.mark.both_backends

EXAMPLES_PER_OPERATION = 4


def test_the_schema_is_openapi_3_and_documents_every_endpoint(world: ApiWorld) -> None:
    response = world.client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert "/api/v1/threads/{thread_id}/messages/" in paths
    assert "/api/v1/documents/{document_id}/download/" in paths
    post = paths["/api/v1/updates/"]["post"]
    assert {"400", "401", "403", "409", "413", "415", "422"} <= set(post["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    patch = paths["/api/v1/updates/{update_id}/"]["patch"]
    assert any(p["name"] == "If-Match" for p in patch["parameters"])


def test_the_browsable_docs_are_served_from_this_server(world: ApiWorld) -> None:
    page = world.client().get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


@pytest.fixture
def api_schema(world: ApiWorld) -> Any:
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())


# The audit endpoints (issue 6) are tested by their own suite.
lazy_schema = schemathesis.pytest.from_fixture("api_schema").exclude(path_regex="/audit/")


@lazy_schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_conforms_to_its_schema_and_never_fails_with_a_server_error(
    case: Any, world: ApiWorld
) -> None:
    headers = {"Authorization": f"Token {world.tokens['secretariat']}"}
    case.call_and_validate(
        headers=headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
