"""GET /metrics: Prometheus metrics of this process (prometheus_client).

Each Daphne process serves its own: the HTTP requests it answered and the
WebSockets it holds. What lives in the database (the event store's head, each
projection's position and lag) is read from it at scrape time, so any worker
reports it and the figures agree whichever one Prometheus asks.

| metric | type | labels |
| --- | --- | --- |
| ``tawasul_http_requests_total`` | counter | ``method``, ``status`` |
| ``tawasul_websockets_open`` | gauge | |
| ``tawasul_events_total`` | counter (the store's last position) | |
| ``tawasul_projection_position`` | gauge | ``projection`` |
| ``tawasul_projection_lag_events`` | gauge | ``projection`` |

Only the addresses of ``TAWASUL_METRICS_ALLOWED_IPS`` (addresses or networks,
default the loopback) may read it; others get 404, as if it did not exist.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Iterator
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

# No `_created` series beside each counter: half the lines, nothing a rate() needs.
disable_created_metrics()

# Labels come from a closed set: a client cannot grow the series without bound.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "tawasul_http_requests",
    "HTTP requests answered by this process, by method and status code.",
    ["method", "status"],
)


class RequestMetricsMiddleware(MiddlewareMixin):
    """Counts every HTTP response of this process (WebSockets are not requests)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        method = request.method if request.method in METHODS else "other"
        HTTP_REQUESTS.labels(method=method, status=str(response.status_code)).inc()
        return response


class WebSocketCollector(Collector):
    """The sockets held by this process's hub, read when scraped."""

    @staticmethod
    def _gauge() -> GaugeMetricFamily:
        return GaugeMetricFamily("tawasul_websockets_open", "WebSockets open on this process.")

    def describe(self) -> Iterator[Metric]:
        # Registering a collector without describe() runs collect() to learn its names.
        yield self._gauge()

    def collect(self) -> Iterator[Metric]:
        from realtime.hub import running_hub

        hub = running_hub()
        gauge = self._gauge()
        gauge.add_metric([], len(hub.sockets) if hub is not None else 0)
        yield gauge


class StoreCollector(Collector):
    """The event store's head and each projection's position and lag, from the database."""

    @staticmethod
    def _families() -> tuple[CounterMetricFamily, GaugeMetricFamily, GaugeMetricFamily]:
        events = CounterMetricFamily(
            "tawasul_events",
            "Events appended to the store (its last position; rate() gives events per second).",
        )
        position = GaugeMetricFamily(
            "tawasul_projection_position", "The last position applied by each projection.",
            labels=["projection"],
        )
        lag = GaugeMetricFamily(
            "tawasul_projection_lag_events", "Events stored but not yet applied, per projection.",
            labels=["projection"],
        )
        return events, position, lag

    def describe(self) -> Iterator[Metric]:
        # Without it, registering (at start-up, in `manage check`) would query the database.
        yield from self._families()

    def collect(self) -> Iterator[Metric]:
        from projections.queries import projection_status

        try:
            statuses = projection_status()
        except Exception:
            # A scrape must still answer (with the process's own metrics) while the
            # database is away; /healthz says why.
            logger.warning("Metrics: the event store or the read models did not answer", exc_info=True)
            return
        events, position, lag = self._families()
        events.add_metric([], statuses[0].head if statuses else 0)
        for status in statuses:
            position.add_metric([status.name], status.position)
            lag.add_metric([status.name], status.lag)
        yield events
        yield position
        yield lag


def _register_collectors() -> None:
    for collector in (WebSocketCollector(), StoreCollector()):
        REGISTRY.register(collector)


_register_collectors()


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def address_allowed(address: str, allowed: Iterable[str]) -> bool:
    """Is ``address`` one of ``allowed`` (addresses or networks such as 10.0.0.0/8)?"""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(allowed)) if network.version == ip.version)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not address_allowed(request.META.get("REMOTE_ADDR", ""), settings.METRICS_ALLOWED_IPS):
        raise Http404
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
