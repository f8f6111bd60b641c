"""Commission updates: drafts for their commission, published ones for everyone."""

from __future__ import annotations

from typing import Any

from projections.base import EventContext, Projector, handles
from projections.models import UpdateEntry


class UpdatesProjector(Projector):
    name = "updates"
    models = (UpdateEntry,)

    @handles("CommissionUpdate.Drafted")
    def drafted(self, event: Any, context: EventContext) -> None:
        context.rows.add(
            UpdateEntry(
                id=context.aggregate_id,
                commission_id=event.commission_id,
                kind=event.kind,
                title=event.title,
                summary=event.summary,
                body=event.body,
                state="draft",
                author=event.actor,
                drafted_at=context.timestamp,
                updated_at=context.timestamp,
                version=context.version,
                position=context.position,
            )
        )

    @handles("CommissionUpdate.Revised")
    def revised(self, event: Any, context: EventContext) -> None:
        self._change(context, title=event.title, summary=event.summary, body=event.body)

    @handles("CommissionUpdate.Published")
    def published(self, event: Any, context: EventContext) -> None:
        self._change(context, state="published", published_at=context.timestamp, withdrawn_at=None)

    @handles("CommissionUpdate.Withdrawn")
    def withdrawn(self, event: Any, context: EventContext) -> None:
        self._change(context, state="withdrawn", withdrawn_at=context.timestamp)

    @staticmethod
    def _change(context: EventContext, **fields: Any) -> None:
        entry = context.rows.require(UpdateEntry, context.aggregate_id)
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.updated_at = context.timestamp
        entry.version = context.version
        entry.position = context.position
        context.rows.changed(entry)
