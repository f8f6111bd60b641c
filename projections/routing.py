"""Send read-model queries to a scratch database while replaying into it.

``rebuild --check`` and ``replay --until`` replay the events into a separate
database; the projectors' code stays the same, this router points their ORM
calls at it for the duration of :func:`use_database`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_alias: ContextVar[str | None] = ContextVar("projection_alias", default=None)

APP_LABEL = "projections"


@contextmanager
def use_database(alias: str) -> Iterator[None]:
    token = _alias.set(None if alias == "default" else alias)
    try:
        yield
    finally:
        _alias.reset(token)


class ProjectionRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if model._meta.app_label == APP_LABEL:
            return _alias.get()
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return self.db_for_read(model, **hints)

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if db.startswith("scratch"):
            return app_label == APP_LABEL
        return None
