"""The composed application, and where its persistence comes from.

``application()`` returns this process's one instance (the convention of the
eventsourcing library: an application is built once per process, never per
request). Its persistence follows Django's settings: PostgreSQL when the
default database is PostgreSQL (same database, tables of its own), otherwise an
SQLite file (settings.EVENT_STORE["SQLITE_PATH"]).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from events import (
    comments,
    commissions,
    documents,
    invitations,
    meetings,
    organisation,
    partners,
    partnerships,
    updates,
    workspaces,
)
from events.comments import Comment, CommentUseCases
from events.commissions import Commission, CommissionUseCases
from events.documents import Document
from events.files import ContentStore
from events.invitations import Invitation, InvitationUseCases
from events.kinds import Kind
from events.meetings import Meeting, MeetingUseCases
from events.organisation import Organisation, OrganisationUseCases
from events.partners import Partner, PartnerUseCases
from events.partnerships import Proposal, ProposalUseCases
from events.updates import CommissionUpdate, UpdateUseCases
from events.workspaces import Message, Thread, Workspace, WorkspaceUseCases

AGGREGATE_CLASSES = (
    Organisation,
    Commission,
    Partner,
    CommissionUpdate,
    Proposal,
    Workspace,
    Thread,
    Message,
    Comment,
    Document,
    Invitation,
    Meeting,
)
KINDS = {cls.KIND: cls for cls in AGGREGATE_CLASSES}
# What every event kind means to the other layers (events/kinds.py), one table.
EVENT_KINDS: dict[str, Kind] = {
    **organisation.EVENT_KINDS,
    **commissions.EVENT_KINDS,
    **partners.EVENT_KINDS,
    **updates.EVENT_KINDS,
    **partnerships.EVENT_KINDS,
    **workspaces.EVENT_KINDS,
    **comments.EVENT_KINDS,
    **documents.EVENT_KINDS,
    **invitations.EVENT_KINDS,
    **meetings.EVENT_KINDS,
}


class Tawasul(
    OrganisationUseCases,
    CommissionUseCases,
    PartnerUseCases,
    UpdateUseCases,
    ProposalUseCases,
    WorkspaceUseCases,
    CommentUseCases,
    InvitationUseCases,
    MeetingUseCases,
):
    """Every use case of the platform, on one event store with one global order."""

    name = "Tawasul"
    # Streams that grow with use are snapshotted, so loading them stays cheap.
    snapshotting_intervals = {
        Organisation: 100,
        Commission: 100,
        Partner: 100,
        Workspace: 100,
        Document: 50,
        Meeting: 100,
    }

    def __init__(self, env: dict[str, str] | None = None, content_store: ContentStore | None = None):
        super().__init__(env)
        self.content_store = content_store or default_content_store()


def default_content_store() -> ContentStore:
    from django.conf import settings
    from django.core.files.storage import storages

    return ContentStore(storages["default"], settings.MAX_DOCUMENT_BYTES)


def persistence_env() -> dict[str, str]:
    """eventsourcing's environment for the event store Django is configured with."""
    from django.conf import settings

    database: Any = settings.DATABASES["default"]
    store: dict[str, Any] = settings.EVENT_STORE
    common = {
        "AGGREGATE_CACHE_MAXSIZE": str(store["CACHE_SIZE"]),
        # Cached aggregates are not fast-forwarded on each get (a round trip per
        # aggregate): the append checks the versions a command read instead, and
        # the command runs again on fresh aggregates when one is stale.
        "AGGREGATE_CACHE_FASTFORWARD": "n",
    }
    if "postgresql" in database["ENGINE"]:
        return {
            **common,
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": "events.store.postgres:PostgresEventRecorder",
            "POSTGRES_DBNAME": str(database["NAME"]),
            "POSTGRES_HOST": str(database.get("HOST") or "127.0.0.1"),
            "POSTGRES_PORT": str(database.get("PORT") or "5432"),
            "POSTGRES_USER": str(database.get("USER") or ""),
            "POSTGRES_PASSWORD": str(database.get("PASSWORD") or ""),
            "POSTGRES_POOL_SIZE": str(store["POOL_SIZE"]),
            "POSTGRES_MAX_OVERFLOW": str(store["POOL_MAX_OVERFLOW"]),
            "POSTGRES_LOCK_TIMEOUT": str(store["LOCK_TIMEOUT"]),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
        }
    path = Path(store["SQLITE_PATH"])
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    return {
        **common,
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "APPLICATION_RECORDER_TOPIC": "events.store.sqlite:SQLiteEventRecorder",
        "SQLITE_DBNAME": str(path),
        "SQLITE_LOCK_TIMEOUT": "20",
    }


_instance: Tawasul | None = None
_instance_lock = threading.Lock()


def application() -> Tawasul:
    """This process's application, built on first use from Django's settings."""
    global _instance
    if _instance is None:
        with _instance_lock:
            if _instance is None:
                _instance = Tawasul(persistence_env())
    return _instance


def reset_application(app: Tawasul | None = None) -> None:
    """Close and forget this process's instance (tests, and after a fork)."""
    global _instance
    with _instance_lock:
        if _instance is not None and _instance is not app:
            _instance.close()
        _instance = app
