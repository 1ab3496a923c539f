"""The project's URLs plus three views that fail on purpose (for the error page tests)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from crm.core import errors


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-internal-detail")


def denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("secret-internal-reason")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("secret-internal-reason")


def domain_denied(request: HttpRequest) -> HttpResponse:
    raise errors.PermissionDenied()


urlpatterns = [
    path("__test__/boom/", boom),
    path("__test__/denied/", denied),
    path("__test__/suspicious/", suspicious),
    path("__test__/domain-denied/", domain_denied),
    *project_urlpatterns,
]
