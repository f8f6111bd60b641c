"""GET /metrics: the named metrics, a request counted, the projector lag and
positions read from the database, the sockets of this process, and who may read it."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.test import Client, override_settings
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from core.metrics import StoreCollector, WebSocketCollector, address_allowed
from events.platform import Tawasul
from projections.projectors import NAMES
from projections.queries import ProjectionStatus
from tests.builders import build_world

pytestmark = pytest.mark.both_backends

# As exposed (a counter's family is named with its _total suffix in the text format).
METRICS = (
    "tawasul_http_requests_total",
    "tawasul_websockets_open",
    "tawasul_events_total",
    "tawasul_projection_position",
    "tawasul_projection_lag_events",
)


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: Client, address: str = "127.0.0.1") -> Samples:
    response = client.get("/metrics", REMOTE_ADDR=address)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def requests(samples: Samples, method: str, status: str) -> float:
    return samples.get(("tawasul_http_requests_total", (("method", method), ("status", status))), 0.0)


def test_metrics_names_every_tawasul_metric(tawasul: Tawasul) -> None:
    text = Client().get("/metrics").content.decode()
    for name in METRICS:
        assert f"# TYPE {name} " in text, name


def test_a_request_is_counted_by_method_and_status(tawasul: Tawasul) -> None:
    client = Client()
    before = scrape(client)
    assert client.get("/no-such-page/").status_code == 404
    client.get("/healthz")
    after = scrape(client)
    assert requests(after, "GET", "404") == requests(before, "GET", "404") + 1
    # The scrape before this one counts too.
    assert requests(after, "GET", "200") >= requests(before, "GET", "200") + 1


def test_projector_lag_and_positions_come_from_the_tracking_table(
    tawasul: Tawasul, project: Callable[[], int]
) -> None:
    build_world(tawasul)
    head = tawasul.recorder.max_notification_id() or 0
    assert head > 0
    behind = scrape(Client())
    assert behind[("tawasul_events_total", ())] == head
    for name in NAMES:
        assert behind[("tawasul_projection_lag_events", (("projection", name),))] == head
        assert behind[("tawasul_projection_position", (("projection", name),))] == 0

    project()
    caught_up = scrape(Client())
    for name in NAMES:
        assert caught_up[("tawasul_projection_lag_events", (("projection", name),))] == 0
        assert caught_up[("tawasul_projection_position", (("projection", name),))] == head


def test_open_websockets_are_read_from_this_process_hub(
    tawasul: Tawasul, monkeypatch: pytest.MonkeyPatch
) -> None:
    import realtime.hub

    assert scrape(Client())[("tawasul_websockets_open", ())] == 0
    monkeypatch.setattr(realtime.hub, "running_hub", lambda: SimpleNamespace(sockets={object(), object()}))
    assert scrape(Client())[("tawasul_websockets_open", ())] == 2


def test_metrics_are_refused_to_addresses_not_allowed(tawasul: Tawasul) -> None:
    client = Client()
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    with override_settings(METRICS_ALLOWED_IPS=["203.0.113.0/24"]):
        assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.parametrize(
    ("address", "allowed"),
    [("127.0.0.1", True), ("::1", True), ("[::1]", True), ("10.1.2.3", False), ("", False), ("bogus", False)],
)
def test_the_default_allows_only_the_loopback(address: str, allowed: bool) -> None:
    assert address_allowed(address, ["127.0.0.1", "::1"]) is allowed


@pytest.mark.parametrize("collector", [StoreCollector, WebSocketCollector])
def test_registering_a_collector_reads_nothing_and_declares_what_it_collects(
    collector: type[StoreCollector | WebSocketCollector], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Registering happens at start-up and in `tawasul manage check`: no database query then."""
    reads: list[str] = []

    def status() -> list[ProjectionStatus]:
        reads.append("projection_status")
        return [ProjectionStatus(name, 3, 5) for name in NAMES]

    monkeypatch.setattr("projections.queries.projection_status", status)
    CollectorRegistry(auto_describe=True).register(collector())
    assert reads == []
    declared = {family.name for family in collector().describe()}
    assert declared == {family.name for family in collector().collect()}
