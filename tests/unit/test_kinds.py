"""The vocabulary of event kinds (events/kinds.py): every event is declared once,
with what the other layers need of it."""

from __future__ import annotations

from events.platform import EVENT_KINDS
from events.vocabulary import all_event_classes, kind_by_topic


def test_every_event_of_every_aggregate_is_declared_and_nothing_else_is() -> None:
    declared, existing = set(EVENT_KINDS), set(all_event_classes())
    assert existing - declared == set(), "declare these in EVENT_KINDS of their context"
    assert declared - existing == set(), "these are declared but no event has this kind"


def test_who_is_told_names_a_field_of_the_event_or_the_proposer() -> None:
    classes = all_event_classes()
    for kind, meaning in EVENT_KINDS.items():
        if meaning.tells and meaning.tells != "proposer":
            fields = set(getattr(classes[kind], "__annotations__", {})) | set(
                getattr(classes[kind], "__dataclass_fields__", {})
            )
            assert meaning.tells in fields, (kind, meaning.tells, fields)


def test_a_membership_change_anywhere_makes_sockets_check_access_again() -> None:
    from projections.projectors.live import ACCESS_CHANGING

    for scope in ("organisation", "commission", "partner"):
        for change in ("member_joined", "member_left", "member_role_changed"):
            assert f"{scope}.{change}" in ACCESS_CHANGING
    assert {"workspace.member_added", "workspace.member_removed"} <= ACCESS_CHANGING
    assert "message.posted" not in ACCESS_CHANGING


def test_kinds_are_one_per_stored_topic() -> None:
    kinds = list(kind_by_topic().values())
    assert len(kinds) == len(set(kinds))
