"""/api/v1/audit/ (api/audit.py): included by core/urls.py ahead of api/urls.py."""

from __future__ import annotations

from django.urls import path

from api import audit

urlpatterns = [
    path("decisions/", audit.DecisionsView.as_view(), name="api-audit-decisions"),
    path("chain/", audit.ChainView.as_view(), name="api-audit-chain"),
    path("<str:kind>/<uuid:aggregate_id>/", audit.ResourceStateView.as_view(), name="api-audit-state"),
    path(
        "<str:kind>/<uuid:aggregate_id>/history/",
        audit.ResourceHistoryView.as_view(),
        name="api-audit-history",
    ),
]
