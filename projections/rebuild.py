"""Dropping and replaying read models; checking a replay against the live ones."""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connections, models, transaction
from django.db.utils import load_backend

from events.platform import application
from projections.base import Projector
from projections.models import ProjectionPosition
from projections.projectors import all_projectors, with_dependencies
from projections.routing import use_database
from projections.runner import ProjectionRunner

Progress = Callable[[int, int], None]
REPLAY_BATCH = 2000


def _selected(names: Sequence[str] | None) -> list[Projector]:
    return with_dependencies(names) if names else all_projectors()


def rebuild(names: Sequence[str] | None = None, progress: Progress | None = None) -> int:
    """Drop the named read models (and those they read) and replay every event."""
    projectors = _selected(names)
    with transaction.atomic():
        list(ProjectionPosition.objects.select_for_update().filter(name__in=[p.name for p in projectors]))
        for projector in reversed(projectors):
            projector.clear()
        for projector in projectors:
            ProjectionPosition.objects.update_or_create(name=projector.name, defaults={"position": 0})
    runner = ProjectionRunner(application(), projectors, batch_size=REPLAY_BATCH)
    return runner.catch_up(progress=progress)


@contextlib.contextmanager
def scratch_database(path: str | Path | None = None) -> Iterator[str]:
    """A fresh database with the read-model tables, registered under a new alias.

    On SQLite (or when ``path`` is given) it is an SQLite file; on PostgreSQL a
    schema of its own in the same database, dropped afterwards."""
    alias = f"scratch_{uuid.uuid4().hex[:8]}"
    default = settings.DATABASES["default"]
    schema = None
    cleanup_file = None
    if path is not None or "sqlite" in default["ENGINE"]:
        if path is None:
            cleanup_file = Path(tempfile.mkdtemp()) / "scratch.sqlite3"
            path = cleanup_file
        config: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    else:
        schema = alias
        with connections["default"].cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        options = dict(default.get("OPTIONS", {}))
        options["options"] = f"-c search_path={schema}"
        config = {**default, "OPTIONS": options, "CONN_MAX_AGE": 0}
    # A connection of this thread only, not registered in settings: Django treats
    # it as created on the fly (tests allow it; nothing else sees it).
    filled = connections.configure_settings({"default": dict(default), alias: config})[alias]
    connections[alias] = load_backend(filled["ENGINE"]).DatabaseWrapper(filled, alias)
    try:
        call_command("migrate", "projections", database=alias, verbosity=0, interactive=False)
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        if schema is not None:
            with connections["default"].cursor() as cursor:
                cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
        if cleanup_file is not None:
            cleanup_file.unlink(missing_ok=True)


def replay_into(
    alias: str,
    projectors: list[Projector],
    until: dict[str, int] | int | None,
    progress: Progress | None = None,
) -> int:
    runner = ProjectionRunner(application(), projectors, alias=alias, batch_size=REPLAY_BATCH)
    with use_database(alias):
        if isinstance(until, dict):
            return runner.catch_up(
                until_per_projector=until, until=max(until.values(), default=0), progress=progress
            )
        return runner.catch_up(until=until, progress=progress)


def check(names: Sequence[str] | None = None, progress: Progress | None = None) -> str | None:
    """Replay into a scratch copy and compare it with the live read models.

    Returns None when they are equal, else a description of the first
    differing row. The live side is read in one snapshot, at the positions it
    had when the check began."""
    projectors = _selected(names)
    with scratch_database() as alias, transaction.atomic():
        if connections["default"].vendor == "postgresql":
            with connections["default"].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        positions = dict(
            ProjectionPosition.objects.filter(name__in=[p.name for p in projectors]).values_list(
                "name", "position"
            )
        )
        replay_into(alias, projectors, {p.name: positions.get(p.name, 0) for p in projectors}, progress)
        for projector in projectors:
            for model in projector.models:
                difference = first_difference(model, "default", alias)
                if difference:
                    return difference
    return None


def _rows(model: type[models.Model], alias: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    fields = [f.attname for f in model._meta.concrete_fields]
    query = model._default_manager.using(alias).order_by("pk").values(*fields)
    for row in query.iterator(chunk_size=2000):
        yield row[model._meta.pk.attname], row


def first_difference(model: type[models.Model], live: str, rebuilt: str) -> str | None:
    table = model._meta.db_table
    live_rows, rebuilt_rows = _rows(model, live), _rows(model, rebuilt)
    while True:
        a = next(live_rows, None)
        b = next(rebuilt_rows, None)
        if a is None and b is None:
            return None
        if a is None:
            return f"{table}: row {b[0]} exists only in the rebuilt copy"  # type: ignore[index]
        if b is None or a[0] != b[0]:
            return f"{table}: row {a[0]} exists only in the live read model"
        for field, value in a[1].items():
            if b[1][field] != value:
                return f"{table}: row {a[0]} differs in {field}: live {value!r}, rebuilt {b[1][field]!r}"
