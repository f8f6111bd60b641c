"""What people write and may later edit or retract: messages and comments.

The rules are shared here; each aggregate declares its own ``Edited`` and
``Retracted`` events (so that their topics name the aggregate) and applies them
with :meth:`AuthoredText._apply_edit`.
"""

from __future__ import annotations

from typing import ClassVar

from events.errors import IllegalTransition


class AuthoredText:
    KIND: ClassVar[str]
    text: str
    retracted: bool
    # Earlier texts, oldest first: the edit history.
    history: list[str]

    def edit(self, text: str, *, actor: str, command_id: str) -> None:
        if self.retracted:
            raise IllegalTransition(self.KIND, "retracted", "edit")
        if text != self.text:
            self._edited(text=text, actor=actor, command_id=command_id)

    def retract(self, *, actor: str, command_id: str) -> None:
        if self.retracted:
            raise IllegalTransition(self.KIND, "retracted", "retract")
        self._retracted(actor=actor, command_id=command_id)

    def _apply_edit(self, text: str) -> None:
        self.history.append(self.text)
        self.text = text

    # Declared with @event("Edited") / @event("Retracted") by each aggregate.
    def _edited(self, text: str, actor: str, command_id: str) -> None:
        raise NotImplementedError

    def _retracted(self, actor: str, command_id: str) -> None:
        raise NotImplementedError
