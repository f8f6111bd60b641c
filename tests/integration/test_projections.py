"""Read models: built live from the events, exactly once, equal to a rebuild."""

from __future__ import annotations

import io
import logging
import random
from collections.abc import Callable
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from events.errors import DomainError
from events.platform import Tawasul
from events.roles import Actor
from projections import models as m
from projections.projectors import all_projectors
from projections.projectors.workspaces import WorkspacesProjector
from projections.queries import actor_for
from projections.rebuild import check, rebuild
from projections.runner import ProjectionRunner
from tests.builders import World, build_world, cid, pdf_bytes

pytestmark = pytest.mark.both_backends


def random_commands(world: World, count: int, seed: int = 7) -> None:
    """A few hundred commands of every kind, some of them refused."""
    app, rng = world.app, random.Random(seed)
    messages: list = []
    updates: list = []
    proposals: list = []
    for _ in range(count):
        choice = rng.randrange(10)
        try:
            if choice <= 3:
                author = rng.choice([world.staff_tn, world.partner_tn])
                messages.append(
                    app.post_message(
                        author,
                        command_id=cid(),
                        thread_id=world.thread_id,
                        text=rng.choice(["مرحبا", "hello", "bonjour"]) + str(rng.random()),
                    )
                )
            elif choice == 4 and messages:
                target = rng.choice(messages)
                app.edit_message(world.staff_tn, command_id=cid(), message_id=target.id, text="edited")
            elif choice == 5:
                updates.append(
                    app.draft_update(
                        world.staff_tn,
                        command_id=cid(),
                        commission_id=world.tn,
                        kind="news",
                        title={"ar": "خبر"},
                        body={"en": "body"},
                    )
                )
            elif choice == 6 and updates:
                app.publish_update(world.staff_tn, command_id=cid(), update_id=rng.choice(updates).id)
            elif choice == 7:
                proposals.append(
                    app.submit_proposal(
                        world.staff_tn,
                        command_id=cid(),
                        commission_id=world.tn,
                        partner_ids=[world.partner_id],
                        title={"en": "p"},
                        summary={"en": "s"},
                    )
                )
            elif choice == 8 and proposals:
                action = rng.choice(["start_proposal_review", "accept_proposal", "reject_proposal"])
                extra = {} if action == "start_proposal_review" else {"rationale": "because"}
                getattr(app, action)(
                    world.secretariat, command_id=cid(), proposal_id=rng.choice(proposals).id, **extra
                )
            else:
                app.post_comment(
                    world.staff_ma,
                    command_id=cid(),
                    resource_kind="commission",
                    resource_id=world.tn,
                    text="تعليق",
                )
        except DomainError:
            pass  # refused commands change nothing, and that is part of the test


def test_the_read_models_show_the_world(tawasul: Tawasul, project: Callable[[], int]) -> None:
    world = build_world(tawasul)
    posted = tawasul.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="v1")
    tawasul.edit_message(world.staff_tn, command_id=cid(), message_id=posted.id, text="v2")
    project()
    message = m.MessageEntry.objects.get(id=posted.id)
    assert (message.text, [h["text"] for h in message.history]) == ("v2", ["v1"])
    assert m.ThreadEntry.objects.get(id=world.thread_id).message_count == 1
    assert set(
        m.WorkspaceMember.objects.filter(workspace_id=world.workspace_id).values_list("user_id", flat=True)
    ) == {"u-staff-tn", "u-partner-tn"}
    assert m.CommissionEntry.objects.count() == 2
    assert m.PartnerEntry.objects.get(id=world.partner_id).commission_ids == [str(world.tn)]
    assert actor_for("u-partner-tn") == world.partner_tn
    assert actor_for("u-staff-tn") == world.staff_tn
    assert actor_for("u-secretariat").role.value == "secretariat"
    assert m.ActivityItem.objects.count() == tawasul.recorder.max_notification_id()
    assert m.StreamItem.objects.filter(stream=f"thread:{world.thread_id}").count() == 3


def test_the_pipeline_keeps_every_decision_with_its_rationale(
    tawasul: Tawasul, project: Callable[[], int]
) -> None:
    world = build_world(tawasul)
    proposal = tawasul.submit_proposal(
        world.staff_tn,
        command_id=cid(),
        commission_id=world.tn,
        partner_ids=[world.partner_id],
        title={"en": "t"},
        summary={"en": "s"},
    )
    tawasul.start_proposal_review(world.secretariat, command_id=cid(), proposal_id=proposal.id)
    tawasul.reject_proposal(
        world.secretariat, command_id=cid(), proposal_id=proposal.id, rationale="Out of scope"
    )
    project()
    assert m.ProposalEntry.objects.get(id=proposal.id).state == "rejected"
    decisions = list(m.ProposalDecision.objects.filter(proposal_id=proposal.id).order_by("position"))
    assert [(d.action, d.decided_by, d.rationale) for d in decisions] == [
        ("start_review", "u-secretariat", ""),
        ("reject", "u-secretariat", "Out of scope"),
    ]


def test_names_are_found_in_arabic_without_diacritics_and_in_latin_without_accents(
    tawasul: Tawasul, project: Callable[[], int]
) -> None:
    from projections.search import query_words

    world = build_world(tawasul)
    tawasul.register_partner(
        world.staff_tn,
        command_id=cid(),
        kind="university",
        country="TN",
        name={"ar": "جامعة تونس المَنار", "fr": "Université de Tunis El Manar"},
        commission_id=world.tn,
    )
    project()
    for query in ("المنار", "universite manar", "TUNIS EL MANAR"):
        found = m.PartnerEntry.objects.all()
        for word in query_words(query):
            found = found.filter(search_text__icontains=word)
        assert found.count() == 1, query


def test_countries_and_partner_kinds_are_found_by_their_names_in_arabic_english_and_french(
    tawasul: Tawasul, project: Callable[[], int]
) -> None:
    from projections.queries import directory

    world = build_world(tawasul)
    university = tawasul.register_partner(
        world.staff_ma,
        command_id=cid(),
        kind="university",
        country="MA",
        name={"fr": "Université Mohammed V"},
        commission_id=world.ma,
    )
    project()
    for query in ("Morocco", "maroc", "المغرب", "MAROC"):
        assert [str(c.country) for c in directory.commissions(q=query)] == ["MA"], query
        assert [p.id for p in directory.partners(q=query)] == [university.id], query
    for query in ("Tunisia", "tunisie", "تونس"):
        assert [str(c.country) for c in directory.commissions(q=query)] == ["TN"], query
    for query in ("school", "école", "ecole", "مدرسة", "School Tunisia"):
        assert [p.id for p in directory.partners(q=query)] == [world.partner_id], query
    for query in ("university", "université", "جامعة", "university morocco"):
        assert [p.id for p in directory.partners(q=query)] == [university.id], query
    assert list(directory.partners(q="school morocco")) == []


def test_rebuilt_read_models_equal_the_live_ones(tawasul: Tawasul, project: Callable[[], int]) -> None:
    world = build_world(tawasul)
    tawasul.upload_document(
        world.staff_tn,
        command_id=cid(),
        resource_kind="workspace",
        resource_id=world.workspace_id,
        name="a.pdf",
        content=pdf_bytes(),
    )
    random_commands(world, 300)
    project()
    assert check() is None
    rebuild()
    assert check() is None


def test_a_difference_between_live_and_rebuilt_is_named(tawasul: Tawasul, project: Callable[[], int]) -> None:
    world = build_world(tawasul)
    project()
    m.ThreadEntry.objects.filter(id=world.thread_id).update(title="tampered")
    difference = check()
    assert difference is not None
    assert "rm_thread" in difference and str(world.thread_id) in difference and "title" in difference


def test_an_exception_half_way_through_a_batch_leaves_no_trace_and_the_batch_is_retried(
    tawasul: Tawasul, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(tawasul)
    for index in range(10):
        tawasul.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text=str(index))
    runner = ProjectionRunner(tawasul, all_projectors(), batch_size=1000)
    calls = {"n": 0}
    original = WorkspacesProjector.message_posted

    def failing(self: WorkspacesProjector, event: object, context: object) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("the database went away half-way")
        original(self, event, context)

    monkeypatch.setattr(WorkspacesProjector, "message_posted", failing)
    runner = ProjectionRunner(tawasul, all_projectors(), batch_size=1000)
    with pytest.raises(RuntimeError):
        runner.catch_up()
    assert m.MessageEntry.objects.count() == 0
    assert set(m.ProjectionPosition.objects.values_list("position", flat=True)) <= {0}
    runner.catch_up()  # retried: the 5th call has passed, the rest succeed
    assert m.MessageEntry.objects.count() == 10
    assert m.ThreadEntry.objects.get(id=world.thread_id).message_count == 10
    assert len(set(m.MessageEntry.objects.values_list("text", flat=True))) == 10
    assert check() is None


def test_feeding_the_same_events_twice_changes_nothing(tawasul: Tawasul, project: Callable[[], int]) -> None:
    world = build_world(tawasul)
    project()
    notifications = tawasul.recorder.select_notifications(start=1, limit=1000)
    runner = ProjectionRunner(tawasul, all_projectors())
    runner.apply(notifications)  # positions say these are done: nothing happens
    assert check() is None
    assert m.ActivityItem.objects.count() == len(notifications)
    assert world


def test_an_event_of_an_unknown_type_is_skipped_with_a_log_line(
    tawasul: Tawasul, project: Callable[[], int], caplog: pytest.LogCaptureFixture
) -> None:
    world = build_world(tawasul)
    tawasul.recorder.insert_events(
        [
            StoredEvent(
                originator_id=uuid4(),
                originator_version=1,
                topic="events.retired:Gadget.Invented",
                state=b"{}",
            )
        ]
    )
    tawasul.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="after")
    with caplog.at_level(logging.WARNING):
        reached = project()
    assert reached == tawasul.recorder.max_notification_id()
    assert "events.retired:Gadget.Invented" in caplog.text
    assert m.MessageEntry.objects.filter(text="after").exists()


def test_documents_and_comments_are_listed_by_resource(tawasul: Tawasul, project: Callable[[], int]) -> None:
    world = build_world(tawasul)
    update = tawasul.draft_update(
        world.staff_tn,
        command_id=cid(),
        commission_id=world.tn,
        kind="news",
        title={"ar": "خبر"},
        body={"ar": "نص"},
    )
    document = tawasul.upload_document(
        world.staff_tn,
        command_id=cid(),
        resource_kind="update",
        resource_id=update.id,
        name="n.txt",
        content=io.BytesIO(b"one"),
    )
    tawasul.add_document_version(
        world.staff_tn, command_id=cid(), document_id=document.id, name="n.txt", content=io.BytesIO(b"two")
    )
    tawasul.post_comment(
        world.staff_tn, command_id=cid(), resource_kind="update", resource_id=update.id, text="ok"
    )
    project()
    entry = m.DocumentEntry.objects.get(id=document.id)
    assert (entry.commission_id, entry.version_count) == (world.tn, 2)
    assert list(
        m.DocumentVersion.objects.filter(document_id=document.id)
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2]
    assert m.CommentEntry.objects.filter(resource_kind="update", resource_id=update.id).count() == 1


def test_indicators_count_per_day_per_commission_and_platform_wide(
    tawasul: Tawasul, project: Callable[[], int]
) -> None:
    world = build_world(tawasul)
    for _ in range(3):
        tawasul.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="x")
    project()
    by_scope = {c.scope: c.value for c in m.DailyCounter.objects.filter(metric="messages_posted")}
    assert by_scope == {"all": 3, str(world.tn): 3}


def test_public_actor_for_someone_without_membership() -> None:
    assert actor_for(None) == Actor.public()


def test_a_member_removed_and_added_again_in_one_batch_is_a_member(
    tawasul: Tawasul, project: Callable[[], int]
) -> None:
    world = build_world(tawasul)
    for _ in range(2):
        tawasul.remove_workspace_member(
            world.staff_tn, command_id=cid(), workspace_id=world.workspace_id, user_id="u-partner-tn"
        )
        tawasul.add_workspace_member(
            world.staff_tn, command_id=cid(), workspace_id=world.workspace_id, user_id="u-partner-tn"
        )
    project()  # one batch holds the whole story
    assert m.WorkspaceMember.objects.filter(workspace_id=world.workspace_id, user_id="u-partner-tn").exists()
    assert m.WorkspaceEntry.objects.get(id=world.workspace_id).member_count == 2
    assert check() is None
