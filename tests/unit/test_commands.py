"""Use cases, straight on the application (no HTTP, no Django database)."""

from __future__ import annotations

import io
from dataclasses import fields
from uuid import uuid4

import pytest

from events.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    IdempotencyKeyReused,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    TooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from events.platform import AGGREGATE_CLASSES, Tawasul
from events.roles import Actor, Role
from events.store.ledger import iter_chain
from events.workspaces import Message, Workspace
from tests.builders import build_world, cid, pdf_bytes


def stored_count(app: Tawasul) -> int:
    return app.recorder.max_notification_id() or 0


def test_every_event_class_records_actor_and_command_id() -> None:
    event_classes = [
        value
        for aggregate in AGGREGATE_CLASSES
        for name, value in vars(aggregate).items()
        if (
            isinstance(value, type)
            and value.__qualname__ == f"{aggregate.__qualname__}.{name}"
            and name not in {"Event", "Snapshot", "Created"}
        )
        or (name == "Created" and aggregate is Workspace)
    ]
    assert len(event_classes) > 30
    for event_class in event_classes:
        names = {f.name for f in fields(event_class)}
        assert {"actor", "command_id", "timestamp"} <= names, event_class


def test_stored_events_carry_who_acted_and_the_command(app: Tawasul) -> None:
    world = build_world(app)
    result = app.post_message(world.staff_tn, command_id="cmd-42", thread_id=world.thread_id, text="hi")
    event = next(iter(app.events.get(result.id)))
    assert event.actor == "u-staff-tn"
    assert event.command_id == "cmd-42"
    assert event.timestamp.tzinfo is not None


# --- commissions and the directory ---------------------------------------------------------


def test_a_second_commission_for_the_same_country_is_refused(app: Tawasul) -> None:
    world = build_world(app)
    before = stored_count(app)
    with pytest.raises(AlreadyExists):
        app.register_commission(world.system, command_id=cid(), country="tn", name={"ar": "x"})
    assert stored_count(app) == before


def test_registering_a_commission_needs_the_secretariat(app: Tawasul) -> None:
    world = build_world(app)
    with pytest.raises(PermissionDenied):
        app.register_commission(world.staff_tn, command_id=cid(), country="EG", name={"ar": "مصر"})


@pytest.mark.parametrize(
    ("country", "name", "field"),
    [
        ("Tunisia", {"ar": "x"}, "country"),
        ("EG", {}, "name"),
        ("EG", {"de": "Ägypten"}, "name"),
        ("EG", {"ar": "   "}, "name"),
        ("EG", {"en": "x" * 201}, "name.en"),
        ("EG", {"en": "Egypt\u202e"}, "name.en"),
        ("EG", {"en": "Egypt\x07"}, "name.en"),
    ],
)
def test_bad_commission_input_is_refused_with_a_field_message(
    app: Tawasul, system: Actor, country: str, name: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        app.register_commission(system, command_id=cid(), country=country, name=name)
    assert field in refused.value.errors
    assert stored_count(app) == 0


def test_a_profile_update_changes_only_what_differs(app: Tawasul) -> None:
    world = build_world(app)
    result = app.update_commission_profile(
        world.sg_tn,
        command_id=cid(),
        commission_id=world.tn,
        changes={"website": "https://natcom.tn", "name": {"ar": "تونس"}},
    )
    commission = app.commission(world.tn)
    assert commission.profile["website"] == "https://natcom.tn"
    last = list(app.events.get(world.tn))[-1]
    assert last.changes == {"website": "https://natcom.tn"}
    assert result.version == commission.version


def test_staff_cannot_manage_their_commissions_members(app: Tawasul) -> None:
    world = build_world(app)
    with pytest.raises(PermissionDenied):
        app.add_commission_member(
            world.staff_tn, command_id=cid(), commission_id=world.tn, user_id="u-new", role="staff"
        )
    app.add_commission_member(
        world.sg_tn, command_id=cid(), commission_id=world.tn, user_id="u-new", role="staff"
    )
    assert app.commission(world.tn).members["u-new"] == "staff"


def test_appointing_a_secretary_general_with_an_account_makes_them_a_member_through_membership_events(
    app: Tawasul,
) -> None:
    world = build_world(app)
    result = app.appoint_secretary_general(
        world.secretariat, command_id=cid(), commission_id=world.tn, name={"ar": "ليلى"}, user_id="u-sg-new"
    )
    commission = app.commission(world.tn)
    assert commission.members["u-sg-new"] == "secretary_general"
    assert commission.secretary_general == {"name": {"ar": "ليلى"}, "user_id": "u-sg-new"}
    # The history shows the joining as its own event, before the appointment.
    names = [type(e).__name__ for e in app.events.get(world.tn)][-2:]
    assert names == ["MemberJoined", "SecretaryGeneralAppointed"]
    assert result.position == stored_count(app)
    # A member already: their role changes, and nobody joins twice.
    app.appoint_secretary_general(
        world.secretariat,
        command_id=cid(),
        commission_id=world.tn,
        name={"en": "Staff"},
        user_id="u-staff-tn",
    )
    names = [type(e).__name__ for e in app.events.get(world.tn)][-2:]
    assert names == ["MemberRoleChanged", "SecretaryGeneralAppointed"]
    assert app.commission(world.tn).members["u-staff-tn"] == "secretary_general"


def test_partner_kinds_are_checked(app: Tawasul) -> None:
    world = build_world(app)
    with pytest.raises(ValidationFailed) as refused:
        app.register_partner(
            world.staff_tn,
            command_id=cid(),
            kind="pub",
            country="TN",
            name={"ar": "x"},
            commission_id=world.tn,
        )
    assert "kind" in refused.value.errors


# --- commission updates ----------------------------------------------------------------------


def test_an_update_is_drafted_published_and_withdrawn(app: Tawasul) -> None:
    world = build_world(app)
    draft = app.draft_update(
        world.staff_tn,
        command_id=cid(),
        commission_id=world.tn,
        kind="news",
        title={"ar": "خبر"},
        body={"ar": "نص"},
    )
    with pytest.raises(IllegalTransition):
        app.withdraw_update(world.staff_tn, command_id=cid(), update_id=draft.id)
    app.publish_update(world.staff_tn, command_id=cid(), update_id=draft.id)
    with pytest.raises(IllegalTransition):
        app.publish_update(world.staff_tn, command_id=cid(), update_id=draft.id)
    app.withdraw_update(world.staff_tn, command_id=cid(), update_id=draft.id, reason="outdated")
    assert app.repository.get(draft.id).state == "withdrawn"


def test_only_the_commissions_staff_write_its_updates(app: Tawasul) -> None:
    world = build_world(app)
    for outsider in (world.staff_ma, world.secretariat, world.partner_tn):
        with pytest.raises(PermissionDenied):
            app.draft_update(
                outsider,
                command_id=cid(),
                commission_id=world.tn,
                kind="news",
                title={"ar": "x"},
                body={"ar": "y"},
            )


def test_auditors_never_write(app: Tawasul) -> None:
    world = build_world(app)
    before = stored_count(app)
    with pytest.raises(PermissionDenied):
        app.post_message(world.auditor, command_id=cid(), thread_id=world.thread_id, text="x")
    with pytest.raises(PermissionDenied):
        app.post_message(Actor.public(), command_id=cid(), thread_id=world.thread_id, text="x")
    assert stored_count(app) == before


# --- workspaces and messages ------------------------------------------------------------------


def test_posting_to_a_closed_thread_is_refused(app: Tawasul) -> None:
    world = build_world(app)
    app.close_thread(world.staff_tn, command_id=cid(), thread_id=world.thread_id)
    before = stored_count(app)
    with pytest.raises(IllegalTransition, match="closed"):
        app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="late")
    assert stored_count(app) == before


def test_only_members_post_in_a_workspace(app: Tawasul) -> None:
    world = build_world(app)
    with pytest.raises(PermissionDenied):
        app.post_message(world.staff_ma, command_id=cid(), thread_id=world.thread_id, text="hello")
    app.post_message(world.partner_tn, command_id=cid(), thread_id=world.thread_id, text="مرحبا")


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 10_001, "bell\x07"])
def test_empty_or_over_long_messages_are_refused(app: Tawasul, text: str) -> None:
    world = build_world(app)
    before = stored_count(app)
    with pytest.raises(ValidationFailed) as refused:
        app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text=text)
    assert "text" in refused.value.errors
    assert stored_count(app) == before


def test_an_unknown_thread_is_not_found(app: Tawasul) -> None:
    world = build_world(app)
    with pytest.raises(NotFound):
        app.post_message(world.staff_tn, command_id=cid(), thread_id=uuid4(), text="x")
    with pytest.raises(ValidationFailed):
        app.post_message(world.staff_tn, command_id=cid(), thread_id="not-a-uuid", text="x")


def test_editing_a_message_keeps_its_history_and_only_its_author_may(app: Tawasul) -> None:
    world = build_world(app)
    posted = app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="v1")
    app.edit_message(world.staff_tn, command_id=cid(), message_id=posted.id, text="v2")
    app.edit_message(world.staff_tn, command_id=cid(), message_id=posted.id, text="v3")
    with pytest.raises(PermissionDenied):
        app.edit_message(world.partner_tn, command_id=cid(), message_id=posted.id, text="hijack")
    message = app.load(Message, posted.id)
    assert (message.text, message.history) == ("v3", ["v1", "v2"])
    app.retract_message(world.staff_tn, command_id=cid(), message_id=posted.id)
    with pytest.raises(IllegalTransition):
        app.edit_message(world.staff_tn, command_id=cid(), message_id=posted.id, text="v4")


def test_mentions_must_be_members_of_the_workspace(app: Tawasul) -> None:
    world = build_world(app)
    with pytest.raises(ValidationFailed):
        app.post_message(
            world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="@x", mentions=["u-staff-ma"]
        )
    app.post_message(
        world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="@a", mentions=["u-partner-tn"]
    )


def test_a_removed_member_can_no_longer_post(app: Tawasul) -> None:
    world = build_world(app)
    app.remove_workspace_member(
        world.staff_tn, command_id=cid(), workspace_id=world.workspace_id, user_id="u-partner-tn"
    )
    with pytest.raises(PermissionDenied):
        app.post_message(world.partner_tn, command_id=cid(), thread_id=world.thread_id, text="x")


def test_an_archived_workspace_takes_no_new_threads(app: Tawasul) -> None:
    world = build_world(app)
    app.archive_workspace(world.staff_tn, command_id=cid(), workspace_id=world.workspace_id)
    with pytest.raises(IllegalTransition):
        app.start_thread(world.staff_tn, command_id=cid(), workspace_id=world.workspace_id, title="t")


# --- documents -----------------------------------------------------------------------------------


def test_a_document_is_stored_by_its_digest_with_the_sniffed_type(app: Tawasul) -> None:
    world = build_world(app)
    uploaded = app.upload_document(
        world.staff_tn,
        command_id=cid(),
        resource_kind="workspace",
        resource_id=world.workspace_id,
        name="plan.txt",
        content=pdf_bytes(),
    )
    document = app.repository.get(uploaded.id)
    current = document.current
    assert current["media_type"] == "application/pdf"  # sniffed, whatever the name says
    assert (
        current["storage_key"]
        == f"sha256/{current['sha256'][:2]}/{current['sha256'][2:4]}/{current['sha256']}"
    )
    with app.content_store.open(current["storage_key"]) as stored:
        assert stored.read() == pdf_bytes().getvalue()


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 200, UnsupportedMediaType),  # an .exe renamed
        ("tool.exe", b"%PDF-1.4\n%%EOF\n", UnsupportedMediaType),
        ("page.html", b"<script>alert(1)</script>", UnsupportedMediaType),
        ("blob.bin", bytes(range(256)) * 4, UnsupportedMediaType),
        ("empty.txt", b"", ValidationFailed),
        ("../../etc/passwd", b"root", ValidationFailed),
        ("big.txt", b"a" * (1024 * 1024 + 1), TooLarge),
    ],
)
def test_refused_uploads_leave_no_event_and_no_file(
    app: Tawasul, name: str, content: bytes, error: type[Exception]
) -> None:
    world = build_world(app)
    before = stored_count(app)
    with pytest.raises(error):
        app.upload_document(
            world.staff_tn,
            command_id=cid(),
            resource_kind="workspace",
            resource_id=world.workspace_id,
            name=name,
            content=io.BytesIO(content),
        )
    assert stored_count(app) == before
    storage = app.content_store.storage
    assert not storage.exists("sha256") or not storage.listdir("sha256")[0]


def test_documents_of_a_workspace_cannot_be_public(app: Tawasul) -> None:
    world = build_world(app)
    with pytest.raises(ValidationFailed) as refused:
        app.upload_document(
            world.staff_tn,
            command_id=cid(),
            resource_kind="workspace",
            resource_id=world.workspace_id,
            name="a.txt",
            content=io.BytesIO(b"hello"),
            visibility="public",
        )
    assert "visibility" in refused.value.errors


def test_a_new_version_of_a_document_keeps_the_earlier_ones(app: Tawasul) -> None:
    world = build_world(app)
    uploaded = app.upload_document(
        world.staff_tn,
        command_id=cid(),
        resource_kind="workspace",
        resource_id=world.workspace_id,
        name="plan.txt",
        content=io.BytesIO(b"version one"),
    )
    result = app.add_document_version(
        world.partner_tn,
        command_id=cid(),
        document_id=uploaded.id,
        name="plan.txt",
        content=io.BytesIO(b"version two"),
    )
    versions = app.repository.get(uploaded.id).versions
    assert [v["number"] for v in versions] == [1, 2]
    assert result.data == {"version_number": 2}


# --- idempotency and conflicts --------------------------------------------------------------------


def test_a_repeated_command_has_its_effect_once_and_returns_the_first_result(app: Tawasul) -> None:
    world = build_world(app)
    first = app.post_message(world.staff_tn, command_id="same", thread_id=world.thread_id, text="once")
    before = stored_count(app)
    again = app.post_message(world.staff_tn, command_id="same", thread_id=world.thread_id, text="once")
    assert stored_count(app) == before
    assert (again.id, again.version, again.position) == (first.id, first.version, first.position)
    assert again.repeated and not first.repeated


def test_a_repeat_returns_the_first_result_even_when_the_state_has_moved_on(app: Tawasul) -> None:
    world = build_world(app)
    first = app.post_message(world.staff_tn, command_id="early", thread_id=world.thread_id, text="hi")
    app.close_thread(world.staff_tn, command_id=cid(), thread_id=world.thread_id)
    again = app.post_message(world.staff_tn, command_id="early", thread_id=world.thread_id, text="hi")
    assert again.id == first.id and again.repeated


def test_a_command_id_reused_for_another_command_is_refused(app: Tawasul) -> None:
    world = build_world(app)
    app.post_message(world.staff_tn, command_id="k1", thread_id=world.thread_id, text="one")
    with pytest.raises(IdempotencyKeyReused):
        app.post_message(world.staff_tn, command_id="k1", thread_id=world.thread_id, text="two")
    with pytest.raises(IdempotencyKeyReused):
        app.post_message(world.partner_tn, command_id="k1", thread_id=world.thread_id, text="one")


def test_a_command_repeated_after_a_crash_between_save_and_reply_has_one_effect(
    app: Tawasul, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(app)
    original = Tawasul._commit

    def save_then_die(self: Tawasul, *args: object, **kwargs: object) -> object:
        original(self, *args, **kwargs)  # the events are stored...
        raise SystemExit("process killed before replying")  # ...and the reply never leaves

    monkeypatch.setattr(Tawasul, "_commit", save_then_die)
    with pytest.raises(SystemExit):
        app.post_message(world.staff_tn, command_id="crash-1", thread_id=world.thread_id, text="hi")
    monkeypatch.setattr(Tawasul, "_commit", original)
    after_crash = stored_count(app)
    retried = app.post_message(world.staff_tn, command_id="crash-1", thread_id=world.thread_id, text="hi")
    assert retried.repeated
    assert stored_count(app) == after_crash
    assert retried.position == after_crash


def test_a_stale_version_is_a_conflict_naming_the_aggregate_and_versions(app: Tawasul) -> None:
    world = build_world(app)
    current = app.commission(world.tn).version
    with pytest.raises(ConcurrencyConflict) as conflict:
        app.update_commission_profile(
            world.sg_tn,
            command_id=cid(),
            commission_id=world.tn,
            changes={"phone": "+216 71 000 000"},
            expected_version=current - 1,
        )
    assert conflict.value.kind == "commission"
    assert conflict.value.aggregate_id == world.tn
    assert (conflict.value.expected_version, conflict.value.actual_version) == (current - 1, current)
    assert str(current) in conflict.value.detail


@pytest.mark.parametrize("command_id", ["", "x" * 129, "has space", None, 42])
def test_a_command_needs_a_valid_command_id(app: Tawasul, command_id: object) -> None:
    world = build_world(app)
    with pytest.raises(ValidationFailed) as refused:
        app.post_message(world.staff_tn, command_id=command_id, thread_id=world.thread_id, text="x")
    assert "command_id" in refused.value.errors


def test_the_chain_links_every_stored_event(app: Tawasul) -> None:
    build_world(app)
    links = list(iter_chain(app.ledger))
    assert [link.position for link in links] == list(range(1, stored_count(app) + 1))
    assert len({link.digest for link in links}) == len(links)


def test_an_actor_with_no_role_cannot_create_workspaces(app: Tawasul) -> None:
    build_world(app)
    newcomer = Actor.holding("u-nobody", Role.PUBLIC)
    with pytest.raises(PermissionDenied):
        app.create_workspace(newcomer, command_id=cid(), name="w")
