"""The API's URLs with the audit's, as core/urls.py orders them (without the web client)."""

from django.urls import include, path

urlpatterns = [
    path("api/v1/audit/", include("api.audit_urls")),
    path("api/", include("api.urls")),
]
