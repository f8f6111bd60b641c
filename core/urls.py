"""URLs: the health check, the metrics, the API under /api/, and the web client."""

from __future__ import annotations

from django.urls import include, path

from core.health import healthz
from core.metrics import metrics

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    # The audit's own URL module (issue 6), ahead of the API's catch-all for /api/v1/.
    path("api/v1/audit/", include("api.audit_urls")),
    path("api/", include("api.urls")),
    path("", include("web.urls")),
]
