"""The web client's pages, through Django's test client on the demo world:
who may open what, what forms do, and what each language shows."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from core.demo import DEMO_PDF
from events.ids import commission_id
from projections.models import (
    DocumentEntry,
    MessageEntry,
    PartnerEntry,
    ProposalEntry,
    ThreadEntry,
    UpdateEntry,
    WorkspaceEntry,
)
from tests.web.conftest import user

Browse = Callable[..., Client]


def digital_workspace() -> WorkspaceEntry:
    return WorkspaceEntry.objects.get(name__contains="Digital education")


def kickoff() -> ThreadEntry:
    return ThreadEntry.objects.get(title__contains="kickoff")


def heritage_workspace() -> WorkspaceEntry:
    return WorkspaceEntry.objects.get(name="Heritage Week 2026")


def text(response: Any) -> str:
    return response.content.decode()


# --- signing in and out, languages -----------------------------------------------------------


def test_a_signed_out_visit_to_a_workspace_redirects_to_sign_in(browse: Browse) -> None:
    workspace = digital_workspace()
    response = browse("-").get(f"/workspaces/{workspace.id}/")
    assert response.status_code == 302
    assert response["Location"] == f"/signin/?next=/workspaces/{workspace.id}/"


def test_signing_in_opens_the_home_page_in_the_persons_own_language(demo: Callable[[], int]) -> None:
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = browser.post("/signin/", {"username": "staff.ma", "password": "tawasul-demo"}, follow=True)
    assert response.status_code == 200
    assert "Mes espaces de travail" in text(response)
    assert "Heritage Week 2026" in text(response)


def test_a_wrong_password_is_refused_with_a_message_in_the_page_language(demo: Callable[[], int]) -> None:
    browser = Client(HTTP_ACCEPT_LANGUAGE="fr")
    response = browser.post("/signin/", {"username": "staff.tn", "password": "wrong"})
    assert response.status_code == 200
    assert "Le nom d’utilisateur ou le mot de passe est incorrect." in text(response)


def test_signing_out_takes_a_post(browse: Browse) -> None:
    browser = browse("staff.tn")
    assert browser.get("/signout/").status_code == 405
    assert browser.post("/signout/").status_code == 302
    assert browser.get("/workspaces/").status_code == 302


def test_arabic_is_the_default_and_reads_right_to_left(demo: Callable[[], int]) -> None:
    response = Client().get("/directory/")
    page = text(response)
    assert '<html lang="ar" dir="rtl">' in page
    assert "دليل اللجان الوطنية" in page
    assert "اللجان الوطنية" in page


@pytest.mark.parametrize(
    ("language", "heading", "direction"),
    [
        ("en", "Directory of the National Commissions", "ltr"),
        ("fr", "Annuaire des commissions nationales", "ltr"),
    ],
)
def test_the_language_switch_changes_the_page_language(
    demo: Callable[[], int], language: str, heading: str, direction: str
) -> None:
    browser = Client()
    response = browser.post("/language/", {"language": language, "next": "/directory/"}, follow=True)
    page = text(response)
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert heading in page


def test_the_language_switch_is_remembered_on_the_account(browse: Browse) -> None:
    browser = browse("staff.ma", "ar")
    browser.post("/language/", {"language": "en", "next": "/"})
    assert user("staff.ma").language == "en"


# --- public pages ---------------------------------------------------------------------------------


def test_the_public_pages_work_signed_out(browse: Browse) -> None:
    browser = browse("-")
    tunisia = commission_id("TN")
    published = UpdateEntry.objects.get(state="published", commission_id=tunisia)
    for path in (
        "/",
        "/directory/",
        "/directory/?q=tunis",
        f"/commissions/{tunisia}/",
        f"/updates/{published.id}/",
    ):
        assert browser.get(path).status_code == 200, path
    commission_page = text(browser.get(f"/commissions/{tunisia}/"))
    assert "Lancement du réseau des écoles associées" in commission_page or "انطلاق" in commission_page
    assert "programme.txt" in commission_page


def test_a_public_document_downloads_signed_out_and_an_internal_one_does_not(browse: Browse) -> None:
    browser = browse("-")
    public = DocumentEntry.objects.get(name="programme.txt")
    internal = DocumentEntry.objects.get(name="guidelines-2026.pdf")
    response = browser.get(f"/documents/{public.id}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().startswith("برنامج الدورة")
    assert browser.get(f"/documents/{internal.id}/download/").status_code == 404


def test_drafts_are_not_shown_to_the_public(browse: Browse) -> None:
    draft = UpdateEntry.objects.get(state="draft")
    assert browse("-").get(f"/updates/{draft.id}/").status_code == 404
    assert browse("staff.tn").get(f"/updates/{draft.id}/").status_code == 200


def test_public_pages_count_their_visitors(browse: Browse) -> None:
    from api.models import PageView

    browse("-").get(f"/commissions/{commission_id('TN')}/")
    assert PageView.objects.filter(page_kind="commission", commission_id=commission_id("TN")).exists()


def test_the_directory_finds_a_commission_by_its_name_in_any_script(browse: Browse) -> None:
    page = text(browse("-").get("/directory/?q=التونسية"))
    assert f"/commissions/{commission_id('TN')}/" in page
    assert f"/commissions/{commission_id('MA')}/" not in page


def test_the_directory_finds_a_country_and_a_partner_kind_by_their_names_in_every_language(
    browse: Browse,
) -> None:
    def partner(name: str) -> str:
        return f"/partners/{PartnerEntry.objects.get(name__fr=name).id}/"

    lycee, college, club = (
        partner("Lycée Ibn Khaldoun"),
        partner("Collège pilote de l'Ariana"),
        partner("Club UNESCO de Sfax"),
    )
    for query in ("Morocco", "maroc", "المغرب"):
        page = text(browse("-").get(f"/directory/?q={query}"))
        assert f"/commissions/{commission_id('MA')}/" in page, query
        assert f"/commissions/{commission_id('TN')}/" not in page, query
        assert lycee in page and college not in page, query
    for query in ("school", "école", "مدرسة"):
        page = text(browse("-").get(f"/directory/?q={query}"))
        assert lycee in page and college in page and club not in page, query
    page = text(browse("-").get("/directory/?q=school morocco"))
    assert lycee in page and college not in page


# --- workspaces and threads ----------------------------------------------------------------------


def test_a_partner_cannot_open_a_workspace_they_are_not_a_member_of(browse: Browse) -> None:
    assert browse("partner.tn").get(f"/workspaces/{heritage_workspace().id}/").status_code == 404


def test_a_thread_page_shows_its_messages_with_automatic_direction(browse: Browse) -> None:
    page = text(browse("partner.tn").get(f"/threads/{kickoff().id}/"))
    assert "Merci ! Notre collège est prêt" in page
    assert 'class="text" dir="auto"' in page
    assert 'id="live-config"' in page


def test_posting_through_the_form_shows_the_message_in_the_thread(browse: Browse) -> None:
    browser = browse("partner.tn")
    thread = kickoff()
    response = browser.post(
        f"/threads/{thread.id}/post/",
        {"text": "سؤال: what time? — à quelle heure ?", "form_key": str(uuid.uuid4())},
        follow=True,
    )
    assert response.status_code == 200
    assert "سؤال: what time? — à quelle heure ?" in text(response)


def test_posting_twice_with_the_same_form_key_posts_once(browse: Browse) -> None:
    browser = browse("staff.tn")
    thread = kickoff()
    key = str(uuid.uuid4())
    for _ in range(2):
        browser.post(f"/threads/{thread.id}/post/", {"text": "Once only", "form_key": key})
    assert MessageEntry.objects.filter(thread_id=thread.id, text="Once only").count() == 1


def test_an_empty_message_is_refused_and_changes_nothing(browse: Browse) -> None:
    browser = browse("staff.tn")
    thread = kickoff()
    before = MessageEntry.objects.filter(thread_id=thread.id).count()
    response = browser.post(f"/threads/{thread.id}/post/", {"text": "   "}, follow=True)
    assert "Write a message first." in text(response)
    assert MessageEntry.objects.filter(thread_id=thread.id).count() == before


def test_only_its_author_edits_a_message(browse: Browse) -> None:
    message = MessageEntry.objects.get(text__startswith="Merci")
    refused = browse("staff.tn").post(f"/messages/{message.id}/edit/", {"text": "Hijacked"}, follow=True)
    assert "You are not allowed to do this." in text(refused)
    browse("partner.tn").post(f"/messages/{message.id}/edit/", {"text": "Merci beaucoup !"})
    message.refresh_from_db()
    assert message.text == "Merci beaucoup !"


def test_an_edited_message_opens_its_earlier_versions_to_the_threads_readers(browse: Browse) -> None:
    message = MessageEntry.objects.get(text__startswith="Merci")
    original = message.text
    browse("partner.tn").post(f"/messages/{message.id}/edit/", {"text": "Merci beaucoup !"})
    page = text(browse("staff.tn").get(f"/threads/{message.thread_id}/"))
    item = page.split(f'id="m-{message.id}"')[1].split("</li>\n")[0]
    assert '<details class="edited">' in item
    assert "(edited)</summary>" in item and "Earlier versions" in item
    assert original.replace("'", "&#x27;") in item
    assert '"history": "/api/v1/messages/00000000-0000-0000-0000-000000000000/history/"' in page
    # What thread.js fetches when "(edited)" is opened, with the reader's session.
    address = f"/api/v1/messages/{message.id}/history/"
    history = browse("staff.tn").get(address, HTTP_ACCEPT="application/json")
    assert history.status_code == 200
    assert [version["text"] for version in history.json()["history"]] == [original]
    assert browse("-").get(address).status_code in {401, 403}


def test_a_message_never_edited_offers_no_earlier_versions(browse: Browse) -> None:
    message = (
        MessageEntry.objects.filter(history=[], workspace_id=digital_workspace().id)
        .exclude(retracted=True)
        .order_by("position")
        .first()
    )
    assert message is not None
    page = text(browse("staff.tn").get(f"/threads/{message.thread_id}/"))
    item = page.split(f'id="m-{message.id}"')[1].split("</li>\n")[0]
    assert '<details class="edited" hidden>' in item


def test_retracting_a_message_hides_its_text(browse: Browse) -> None:
    browser = browse("partner.tn")
    message = MessageEntry.objects.get(text__startswith="Merci")
    browser.post(f"/messages/{message.id}/retract/")
    page = text(browser.get(f"/threads/{message.thread_id}/"))
    assert "Merci ! Notre collège" not in page
    assert "This message was retracted." in page


def test_home_shows_unread_counts_that_reading_the_thread_clears(browse: Browse) -> None:
    browser = browse("partner.tn")
    assert 'class="badge unread">3' in text(browser.get("/"))
    browser.get(f"/threads/{kickoff().id}/")
    assert 'class="badge unread"' not in text(browser.get("/"))


def test_starting_a_thread_opens_it(browse: Browse) -> None:
    response = browse("staff.tn").post(
        f"/workspaces/{digital_workspace().id}/threads/", {"title": "Budget 2026"}, follow=True
    )
    assert response.status_code == 200
    assert "Budget 2026" in text(response)


# --- the activity feed ---------------------------------------------------------------------------------


def test_the_secretariat_filters_the_feed_by_commission_and_kind(browse: Browse) -> None:
    browser = browse("secretariat")
    page = text(browser.get(f"/activity/?commission={commission_id('MA')}&kind=update"))
    assert (
        "Rapport d&#x27;activité 2025" in page or "تقرير النشاط 2025" in page or "Rapport d’activité" in page
    )
    assert "Partnership 1" not in page
    assert '"stream": "feed:all"' in page


def test_commission_staff_read_their_own_commission_feed_only(browse: Browse) -> None:
    page = text(browse("staff.ma").get(f"/activity/?commission={commission_id('TN')}"))
    assert '"stream": "feed:commission:' + str(commission_id("MA")) in page
    assert "Lancement du réseau" not in page


def test_a_partner_has_no_activity_feed(browse: Browse) -> None:
    assert browse("partner.tn").get("/activity/").status_code == 403


# --- updates ---------------------------------------------------------------------------------------------


def test_previewing_an_update_saves_nothing(browse: Browse) -> None:
    before = UpdateEntry.objects.count()
    response = browse("staff.tn").post(
        "/updates/new/",
        {
            "kind": "news",
            "title_ar": "عنوان",
            "title_en": "A title",
            "body_ar": "نص الخبر",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    assert "Preview: this is how readers will see it" in text(response)
    assert UpdateEntry.objects.count() == before


def test_publishing_an_update_puts_it_on_the_public_commission_page(browse: Browse) -> None:
    response = browse("staff.tn").post(
        "/updates/new/",
        {
            "kind": "news",
            "title_fr": "Journée du patrimoine",
            "body_fr": "Programme de la journée.",
            "action": "publish",
            "form_key": str(uuid.uuid4()),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert UpdateEntry.objects.get(title__fr="Journée du patrimoine").state == "published"
    assert "Journée du patrimoine" in text(browse("-").get(f"/commissions/{commission_id('TN')}/"))


def test_an_update_without_a_title_is_refused_next_to_the_field(browse: Browse) -> None:
    response = browse("staff.tn").post("/updates/new/", {"kind": "news", "body_en": "Text", "action": "save"})
    assert "Give a title in at least one language." in text(response)


def test_a_partner_cannot_write_updates(browse: Browse) -> None:
    assert browse("partner.tn").get("/updates/new/").status_code == 403


def publish_update(browse: Browse, **texts: str) -> UpdateEntry:
    browse("staff.tn").post(
        "/updates/new/",
        {"kind": "news", **texts, "action": "publish", "form_key": str(uuid.uuid4())},
    )
    return UpdateEntry.objects.get(title__ar=texts["title_ar"])


def update_body(page: str) -> str:
    return page.split('class="update-body"')[1].split("</section>")[0]


def test_an_update_is_read_in_the_readers_language_with_links_to_the_others(browse: Browse) -> None:
    update = publish_update(
        browse,
        title_ar="يوم التراث",
        title_en="Heritage day",
        title_fr="Journée du patrimoine",
        body_ar="برنامج اليوم",
        body_en="The day's programme",
        body_fr="Programme de la journée",
    )
    page = text(browse("partner.tn", "en").get(f"/updates/{update.id}/"))
    assert "The day's programme" in update_body(page).replace("&#x27;", "'")
    assert "برنامج اليوم" not in page and "Programme de la journée" not in page
    assert "Shown in English." in page
    assert 'href="?lang=ar" hreflang="ar"' in page and 'href="?lang=fr" hreflang="fr"' in page
    assert '<h1 lang="en" dir="auto">Heritage day</h1>' in page
    chosen = text(browse("partner.tn", "en").get(f"/updates/{update.id}/?lang=fr"))
    assert "Programme de la journée" in update_body(chosen)
    assert '<h1 lang="fr" dir="auto">Journée du patrimoine</h1>' in chosen
    assert 'href="?lang=en" hreflang="en"' in chosen


def test_a_missing_language_falls_back_to_english_then_french_then_arabic(browse: Browse) -> None:
    update = publish_update(
        browse, title_ar="ورشة", title_en="Workshop", body_ar="نص الورشة", body_en="Workshop text"
    )
    french = text(browse("partner.tn", "fr").get(f"/updates/{update.id}/"))
    assert "Workshop text" in update_body(french) and "نص الورشة" not in french
    assert "Pas écrit en français : affiché en anglais." in french
    assert 'href="?lang=ar" hreflang="ar"' in french
    only_french = UpdateEntry.objects.get(title__fr="Rapport d'activité 2025")
    arabic = text(browse("partner.tn", "ar").get(f"/updates/{only_french.id}/"))
    assert "Bilan des activités" in update_body(arabic)
    assert "?lang=" not in arabic


# --- partnerships ---------------------------------------------------------------------------------------


def under_review() -> ProposalEntry:
    return ProposalEntry.objects.get(state="under_review")


def test_the_board_shows_proposals_in_columns_by_state(browse: Browse) -> None:
    page = text(browse("secretariat").get("/partnerships/"))
    for column in ("Submitted", "Under review", "Accepted", "Concluded", "Rejected", "Withdrawn"):
        assert column in page
    assert 'data-action="accept"' in page
    assert 'id="decision-dialog"' in page


def test_staff_see_no_decision_buttons_on_the_board(browse: Browse) -> None:
    page = text(browse("staff.ma").get("/partnerships/"))
    assert 'data-action="accept"' not in page


def test_accepting_without_a_rationale_is_refused_and_changes_nothing(browse: Browse) -> None:
    proposal = under_review()
    response = browse("secretariat").post(
        f"/partnerships/{proposal.id}/decide/", {"action": "accept", "rationale": ""}
    )
    assert response.status_code == 400
    assert "Explain the decision" in text(response)
    proposal.refresh_from_db()
    assert proposal.state == "under_review"


def test_the_secretariat_accepts_a_proposal_with_its_rationale(browse: Browse) -> None:
    proposal = under_review()
    response = browse("secretariat").post(
        f"/partnerships/{proposal.id}/decide/",
        {
            "action": "accept",
            "rationale": "Fits the 2026 plan.",
            "expected_version": proposal.version,
            "form_key": str(uuid.uuid4()),
        },
        follow=True,
    )
    assert "Fits the 2026 plan." in text(response)
    proposal.refresh_from_db()
    assert proposal.state == "accepted"


def test_a_stale_decision_is_refused_as_a_conflict(browse: Browse) -> None:
    proposal = under_review()
    response = browse("secretariat").post(
        f"/partnerships/{proposal.id}/decide/",
        {"action": "reject", "rationale": "No.", "expected_version": proposal.version - 1},
    )
    assert response.status_code == 400
    assert "Someone changed this while you were working on it." in text(response)


def test_staff_cannot_decide_proposals(browse: Browse) -> None:
    proposal = ProposalEntry.objects.filter(state="under_review").first() or under_review()
    owner = "staff.tn" if proposal.commission_id == commission_id("TN") else "staff.ma"
    response = browse(owner).post(
        f"/partnerships/{proposal.id}/decide/", {"action": "accept", "rationale": "Me"}
    )
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.state == "under_review"


def test_staff_submit_a_proposal_with_an_affiliated_partner(browse: Browse) -> None:
    from projections.models import PartnerEntry

    partner = PartnerEntry.objects.filter(country="TN").first()
    assert partner is not None
    response = browse("staff.tn").post(
        "/partnerships/new/",
        {
            "partner_ids": [str(partner.id)],
            "title_en": "Reading clubs",
            "summary_en": "Clubs in ten schools.",
            "form_key": str(uuid.uuid4()),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert ProposalEntry.objects.filter(title__en="Reading clubs", state="submitted").exists()


# --- documents ------------------------------------------------------------------------------------------


def test_an_uploaded_document_downloads_identical(browse: Browse) -> None:
    browser = browse("partner.tn")
    content = bytes(range(256)) * 0 + DEMO_PDF
    upload = io.BytesIO(content)
    upload.name = "minutes.pdf"
    response = browser.post(
        "/documents/upload/",
        {"resource": f"workspace:{digital_workspace().id}", "content": upload, "form_key": str(uuid.uuid4())},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201, response.content
    document = DocumentEntry.objects.get(name="minutes.pdf")
    download = browser.get(f"/documents/{document.id}/download/")
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="minutes.pdf"' in download["Content-Disposition"]


def test_a_refused_file_kind_answers_with_a_translated_message(browse: Browse) -> None:
    upload = io.BytesIO(b"<script>alert(1)</script>")
    upload.name = "page.html"
    response = browse("partner.tn", "fr").post(
        "/documents/upload/",
        {"resource": f"workspace:{digital_workspace().id}", "content": upload},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Les fichiers se terminant par .html ne sont pas acceptés."


def test_a_new_version_is_listed_and_both_versions_download(browse: Browse) -> None:
    browser = browse("secretariat")
    document = DocumentEntry.objects.get(name="guidelines-2026.pdf")
    upload = io.BytesIO(b"Guidelines, second edition\n")
    upload.name = "guidelines-2026-v2.txt"
    browser.post(f"/documents/{document.id}/versions/", {"content": upload})
    page = text(browser.get(f"/documents/{document.id}/"))
    assert "guidelines-2026-v2.txt" in page
    first = browser.get(f"/documents/{document.id}/download/?version=1")
    assert b"".join(first.streaming_content) == DEMO_PDF
    latest = browser.get(f"/documents/{document.id}/download/")
    assert b"".join(latest.streaming_content) == b"Guidelines, second edition\n"


# --- audit and dashboard -----------------------------------------------------------------------------


def test_audit_pages_are_for_auditors_and_the_secretariat(browse: Browse) -> None:
    proposal = ProposalEntry.objects.get(state="concluded")
    assert browse("staff.tn").get("/audit/").status_code == 403
    assert browse("staff.tn").get(f"/audit/proposal/{proposal.id}/").status_code == 403
    page = text(browse("auditor").get(f"/audit/proposal/{proposal.id}/"))
    assert "Timeline of changes" in page
    assert "Aligned with the 2026 plan." in page
    assert "proposal.concluded" in page


def test_the_state_as_of_a_moment_before_the_resource_existed_is_explained(browse: Browse) -> None:
    proposal = ProposalEntry.objects.get(state="concluded")
    page = text(browse("auditor").get(f"/audit/proposal/{proposal.id}/?as_of=2000-01-01T00:00"))
    assert "The resource did not exist yet at that moment." in page


def test_the_decision_timeline_lists_decisions_with_their_rationale(browse: Browse) -> None:
    page = text(browse("auditor").get("/audit/decisions/?kind=proposal"))
    assert "Aligned with the 2026 plan." in page


def test_the_dashboard_draws_charts_for_the_secretariat(browse: Browse) -> None:
    page = text(browse("secretariat").get("/dashboard/"))
    assert page.count("<svg") >= 3
    assert "Activity per commission" in page


def test_commission_staff_see_their_commission_dashboard_only(browse: Browse) -> None:
    page = text(browse("staff.ma").get(f"/dashboard/?commission={commission_id('TN')}"))
    assert "Activity per commission" not in page
    assert "Moroccan National Commission" in page
    assert browse("partner.tn").get("/dashboard/").status_code == 403


# --- invitations ---------------------------------------------------------------------------------------


def test_an_invitation_link_creates_the_account_and_signs_in(browse: Browse) -> None:
    from api import invitations
    from projections import queries

    secretariat = queries.actor_for(str(user("secretariat").pk))
    sent = invitations.invite(
        secretariat,
        command_id="invite-new-staff",
        email="new.staff@example.org",
        scope="commission",
        scope_id=commission_id("TN"),
        role="staff",
        language="fr",
        site="http://testserver",
    )
    browser = Client()
    form = browser.get(f"/join/{sent.token}/")
    assert form.status_code == 200
    assert "Rejoindre Tawasul" in text(form)
    response = browser.post(
        f"/join/{sent.token}/",
        {
            "display_name": "Nouvelle Collègue",
            "username": "new.staff",
            "password": "a-long-enough-Pa55word",
            "language": "fr",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Mes espaces de travail" in text(response)
    assert browser.get(f"/join/{sent.token}/").status_code == 404


def test_commission_staff_comment_on_a_published_update(browse: Browse) -> None:
    update = UpdateEntry.objects.get(state="published", commission_id=commission_id("TN"))
    response = browse("staff.ma").post(
        f"/updates/{update.id}/comments/", {"text": "Bravo ! مبروك"}, follow=True
    )
    assert "Bravo ! مبروك" in text(response)
    assert 'id="comment-text"' not in text(browse("-").get(f"/updates/{update.id}/"))


def test_the_creator_of_a_workspace_adds_a_member_by_username(browse: Browse) -> None:
    from projections import queries

    workspace = digital_workspace()
    response = browse("staff.tn").post(
        f"/workspaces/{workspace.id}/members/", {"username": "Auditor"}, follow=True
    )
    assert response.status_code == 200
    assert str(user("auditor").pk) in queries.workspace_member_ids(workspace.id)
    refused = browse("partner.tn").post(
        f"/workspaces/{workspace.id}/members/", {"username": "staff.ma"}, follow=True
    )
    assert "You are not allowed to do this." in text(refused)


def test_a_missing_page_is_explained_in_the_page_language(browse: Browse, settings: Any) -> None:
    settings.DEBUG = False
    response = browse("-", "fr").get("/commissions/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "Page introuvable" in text(response)
