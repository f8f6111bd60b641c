"""Shared fixtures.

Backends: the suite runs twice (scripts/test). The first pass uses the embedded
default (SQLite, in-memory channel layer); the second sets TAWASUL_DATABASE_URL
and TAWASUL_REDIS_URL and runs the tests marked ``postgres`` or ``redis`` on the
real servers. With CI=true a test that needs PostgreSQL or Redis fails when
they cannot be reached; it never skips.

- ``app``: a Tawasul application on an in-memory SQLite event store, no Django
  database (fast domain and service tests).
- ``store_app``: the same use cases on each event store (SQLite file, PostgreSQL),
  for persistence tests; parametrized.
- ``tawasul``: the process's application on the configured backend with an empty
  event store and empty read models (integration tests; needs ``transactional_db``).
- ``project``: apply every stored event to the read models, synchronously.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.files.storage import FileSystemStorage

from events.files import ContentStore
from events.platform import Tawasul, reset_application
from events.roles import Actor, Role

CI = os.environ.get("CI", "").lower() == "true"
PG_DSN = os.environ.get("TAWASUL_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
# Several checkouts may test at once on one server: each can name its own database.
PG_EVENTS_DB = os.environ.get("TAWASUL_TEST_EVENTS_DB", "tawasul_test_events")
REDIS_URL = os.environ.get("TAWASUL_TEST_REDIS", "redis://127.0.0.1:6379/0")

MEDIA = Path(tempfile.mkdtemp(prefix="tawasul-media-"))


def unreachable(service: str, error: Exception) -> None:
    """Fail under CI, skip elsewhere: a missing server is never silently green in CI."""
    message = f"{service} is not reachable: {error}"
    if CI:
        pytest.fail(message)
    pytest.skip(message)


def postgres_available() -> None:
    try:
        psycopg.connect(PG_DSN, connect_timeout=3).close()
    except psycopg.Error as error:
        unreachable("PostgreSQL", error)


@pytest.fixture
def content_store(tmp_path: Path) -> ContentStore:
    return ContentStore(FileSystemStorage(tmp_path / "files"), max_bytes=1024 * 1024)


def sqlite_env(path: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "APPLICATION_RECORDER_TOPIC": "events.store.sqlite:SQLiteEventRecorder",
        "SQLITE_DBNAME": path,
        "AGGREGATE_CACHE_MAXSIZE": "1000",
        "AGGREGATE_CACHE_FASTFORWARD": "n",
    }


def postgres_env(dbname: str = PG_EVENTS_DB) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "APPLICATION_RECORDER_TOPIC": "events.store.postgres:PostgresEventRecorder",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "5432",
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "",
        "POSTGRES_POOL_SIZE": "4",
        "POSTGRES_MAX_OVERFLOW": "8",
        "AGGREGATE_CACHE_MAXSIZE": "1000",
        "AGGREGATE_CACHE_FASTFORWARD": "n",
    }


def ensure_postgres_database(dbname: str) -> None:
    postgres_available()
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def empty_store(application: Tawasul) -> None:
    """Erase the event store (tests only: events are never deleted otherwise)."""
    application.ledger.truncate_for_tests()
    if application.snapshots is not None:
        recorder: Any = application.snapshots.recorder
        table = recorder.events_table_name
        with recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"DELETE FROM {table}")
    if application.repository.cache is not None:
        application.repository.cache.clear()


@pytest.fixture
def app(content_store: ContentStore) -> Iterator[Tawasul]:
    """The use cases on an in-memory SQLite event store: no Django database."""
    application = Tawasul(sqlite_env(":memory:"), content_store=content_store)
    yield application
    application.close()


@pytest.fixture(params=["sqlite", "postgres"])
def store_app(
    request: pytest.FixtureRequest, tmp_path: Path, content_store: ContentStore
) -> Iterator[Tawasul]:
    """The use cases on each real event store, emptied first."""
    if request.param == "postgres":
        ensure_postgres_database(PG_EVENTS_DB)
        env = postgres_env()
    else:
        env = sqlite_env(str(tmp_path / "events.sqlite3"))
    application = Tawasul(env, content_store=content_store)
    empty_store(application)
    yield application
    application.close()


@pytest.fixture
def make_store_app(tmp_path: Path, content_store: ContentStore) -> Iterator[Callable[[str], Tawasul]]:
    """Build more applications on one store: several 'processes' in one test."""
    built: list[Tawasul] = []
    sqlite_path = str(tmp_path / "shared-events.sqlite3")

    def make(backend: str) -> Tawasul:
        if backend == "postgres":
            ensure_postgres_database(PG_EVENTS_DB)
            env = postgres_env()
        else:
            env = sqlite_env(sqlite_path)
        application = Tawasul(env, content_store=content_store)
        built.append(application)
        return application

    yield make
    for application in built:
        application.close()


# --- integration: the configured backend, through Django --------------------------------


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Never touch a developer's ./var: events and files of the tests live apart.
    settings.EVENT_STORE["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "events.sqlite3")
    settings.MEDIA_ROOT = str(MEDIA)
    settings.STORAGES["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA)},
    }


@pytest.fixture
def tawasul(transactional_db: Any, django_db_blocker: Any) -> Iterator[Tawasul]:
    """This process's application on the configured backend, store and read models empty."""
    from events.platform import application

    reset_application()
    current = application()
    empty_store(current)
    yield current
    reset_application()


@pytest.fixture
def project(tawasul: Tawasul) -> Callable[[], int]:
    """Apply every stored event to the read models now; returns the position reached."""
    from projections.projectors import all_projectors
    from projections.runner import ProjectionRunner

    runner = ProjectionRunner(tawasul, all_projectors())
    return runner.catch_up


# --- people ---------------------------------------------------------------------------------


@pytest.fixture
def system() -> Actor:
    return Actor.system()


@pytest.fixture
def secretariat() -> Actor:
    return Actor.holding("u-secretariat", Role.SECRETARIAT)


@pytest.fixture
def auditor() -> Actor:
    return Actor.holding("u-auditor", Role.AUDITOR)
