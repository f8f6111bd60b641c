"""Fixtures of the web client's page tests: the demo world, built through the
commands as `tawasul seed` builds it, with read-your-writes made synchronous
(``service.wait_for`` applies the stored events in the request itself)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.demo import seed
from events.platform import Tawasul
from projections import service
from projections.projectors import all_projectors
from projections.runner import ProjectionRunner


@pytest.fixture
def synchronous_reads(tawasul: Tawasul, monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    runner = ProjectionRunner(tawasul, all_projectors())

    def wait_for(position: int, timeout: float = 2.0) -> bool:
        return runner.catch_up() >= position

    monkeypatch.setattr(service, "wait_for", wait_for)
    return runner.catch_up


@pytest.fixture
def demo(tawasul: Tawasul, synchronous_reads: Callable[[], int]) -> Callable[[], int]:
    """The demo data (commissions, people, workspaces, updates, proposals, documents)."""
    seed(tawasul)
    synchronous_reads()
    return synchronous_reads


@pytest.fixture
def browse(demo: Callable[[], int]) -> Callable[[str], Client]:
    """A Django test client signed in as one of the demo accounts ("-" for the public),
    reading pages in English unless told otherwise."""

    def client(username: str, language: str = "en") -> Client:
        browser = Client(HTTP_ACCEPT_LANGUAGE=language)
        browser.cookies["django_language"] = language
        if username != "-":
            browser.force_login(get_user_model().objects.get(username=username))
        return browser

    return client


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)
