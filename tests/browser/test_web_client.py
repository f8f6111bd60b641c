"""The web client in a real browser against a real server: live threads across
two people, reconnecting without losing anything, uploads, languages, public pages."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import Server, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

NewPage = Callable[..., Any]


def open_kickoff_thread(page: Any) -> None:
    """From the home page to the seeded thread, as a person would."""
    page.goto("/workspaces/")
    page.get_by_role("link", name="Digital education").first.click()
    page.locator("#thread-list a", has_text="Programme kickoff").click()
    page.wait_for_selector("#messages")
    live(page)


def live(page: Any, timeout: float = 15_000) -> None:
    # A locator, not wait_for_function: the page's CSP (no 'unsafe-eval') forbids the
    # string predicate Playwright would compile in the page.
    page.locator("html[data-live='open']").wait_for(state="attached", timeout=timeout)


def post(page: Any, text: str) -> None:
    page.fill("#composer-text", text)
    page.press("#composer-text", "Enter")


def messages_text(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#messages .message:not(.pending) .text").all_inner_texts()]


# --- live threads ---------------------------------------------------------------------------


def test_a_message_from_one_person_appears_for_the_other_within_a_second(new_page: NewPage) -> None:
    salma = new_page("staff.tn")
    amine = new_page("partner.tn")
    open_kickoff_thread(salma)
    open_kickoff_thread(amine)
    text = f"موعد الورشة الخميس — workshop on Thursday {uuid.uuid4().hex[:6]}"
    post(salma, text)
    started = time.monotonic()
    amine.locator("#messages .message .text", has_text=text).wait_for(timeout=1_000)
    assert time.monotonic() - started < 1.0
    # Mixed Arabic and Latin text is shown with its own direction.
    assert amine.locator("#messages .message .text", has_text=text).get_attribute("dir") == "auto"
    # Salma's own message is marked as hers, Amine's copy is not.
    assert salma.locator(".message.mine .text", has_text=text).count() == 1
    assert amine.locator(".message.mine .text", has_text=text).count() == 0


def test_nothing_is_missed_when_the_connection_drops_and_comes_back(new_page: NewPage) -> None:
    salma = new_page("staff.tn")
    amine = new_page("partner.tn")
    open_kickoff_thread(salma)
    open_kickoff_thread(amine)
    amine.context.set_offline(True)
    amine.evaluate("window.tawasulSocket.drop()")
    amine.locator("#connection-status").wait_for(state="visible", timeout=5_000)
    tag = uuid.uuid4().hex[:6]
    sent = [f"while you were away {tag} #{n}" for n in range(3)]
    for text in sent:
        post(salma, text)
        salma.locator(".message:not(.pending) .text", has_text=text).wait_for()
    assert not any(tag in t for t in messages_text(amine))
    amine.context.set_offline(False)
    live(amine, timeout=20_000)
    for text in sent:
        amine.locator("#messages .message .text", has_text=text).wait_for(timeout=5_000)
    received = [t for t in messages_text(amine) if tag in t]
    assert received == sent  # each once, in order
    assert amine.locator("#connection-status").inner_text() != ""


def test_the_thread_resumes_after_the_server_restarts(new_page: NewPage, server: Server) -> None:
    salma = new_page("staff.tn")
    amine = new_page("partner.tn")
    open_kickoff_thread(salma)
    open_kickoff_thread(amine)
    server.restart()
    live(salma, timeout=30_000)
    live(amine, timeout=30_000)
    text = f"after the restart {uuid.uuid4().hex[:6]}"
    post(salma, text)
    amine.locator("#messages .message .text", has_text=text).wait_for(timeout=5_000)
    assert [t for t in messages_text(amine) if t == text] == [text]


def test_editing_and_retracting_show_live_for_the_other_person(new_page: NewPage) -> None:
    salma = new_page("staff.tn")
    amine = new_page("partner.tn")
    open_kickoff_thread(salma)
    open_kickoff_thread(amine)
    text = f"first draft {uuid.uuid4().hex[:6]}"
    post(salma, text)
    mine = salma.locator(".message.mine:not(.pending)", has=salma.locator(".text", has_text=text))
    mine.wait_for()
    mine.locator(".message-actions summary").click()
    mine.locator("textarea").fill(f"{text} (corrected)")
    mine.locator(".edit-form button[type=submit]").click()
    amine.locator(".message .text", has_text=f"{text} (corrected)").wait_for(timeout=5_000)
    salma.on("dialog", lambda dialog: dialog.accept())
    mine.locator(".message-actions summary").click()
    mine.locator(".retract-form button[type=submit]").click()
    amine.locator(".message.retracted", has_text="This message was retracted.").last.wait_for(timeout=5_000)
    assert amine.locator(".message .text", has_text=f"{text} (corrected)").count() == 0


def test_edited_opens_the_earlier_versions_for_the_other_person(new_page: NewPage) -> None:
    salma = new_page("staff.tn")
    amine = new_page("partner.tn")
    open_kickoff_thread(salma)
    open_kickoff_thread(amine)
    text = f"meeting at ten {uuid.uuid4().hex[:6]}"
    post(salma, text)
    mine = salma.locator(".message.mine:not(.pending)", has=salma.locator(".text", has_text=text))
    mine.wait_for()
    mine.locator(".message-actions summary").click()
    mine.locator("textarea").fill(f"{text}, not nine")
    mine.locator(".edit-form button[type=submit]").click()
    theirs = amine.locator(".message", has=amine.locator(".text", has_text=f"{text}, not nine"))
    theirs.wait_for(timeout=5_000)
    # Live: "(edited)" appears on the edited message and opens what it said before.
    edited = theirs.locator("details.edited summary")
    edited.wait_for(timeout=5_000)
    edited.click()
    earlier = theirs.locator(".history-list li")
    earlier.first.wait_for(timeout=5_000)
    assert [t.strip() for t in theirs.locator(".history-list li p").all_inner_texts()] == [text]
    assert theirs.locator(".history-list time").first.get_attribute("datetime")
    # After a reload, the page's own rendering opens the same versions.
    amine.reload()
    live(amine)
    theirs = amine.locator(".message", has=amine.locator(".text", has_text=f"{text}, not nine"))
    theirs.locator("details.edited summary").click()
    theirs.locator(".history-list li p", has_text=text).wait_for(timeout=5_000)
    screenshot(amine, "thread-edit-history-en")


def test_a_signed_out_visit_to_a_workspace_redirects_to_sign_in(new_page: NewPage) -> None:
    salma = new_page("staff.tn")
    salma.goto("/workspaces/")
    salma.get_by_role("link", name="Digital education").first.click()
    salma.wait_for_url("**/workspaces/*-*/")
    address = urlparse(salma.url).path
    visitor = new_page(None)
    visitor.goto(address)
    assert "/signin/?next=" in visitor.url
    assert visitor.locator("#id_username").is_visible()


# --- documents ------------------------------------------------------------------------------------


def test_a_document_dropped_on_the_library_downloads_back_identical(new_page: NewPage) -> None:
    amine = new_page("partner.tn")
    amine.goto("/documents/")
    content = ("Compte rendu — محضر الاجتماع\n" + "ligne de texte\n" * 20000).encode()
    name = f"compte-rendu-{uuid.uuid4().hex[:6]}.txt"
    amine.select_option("#upload-resource", label="التعليم الرقمي — Digital education")
    # Drop the file on the zone, as a person dragging it from their desktop would.
    amine.evaluate(
        """([name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, { type: "text/plain" }));
            const zone = document.getElementById("dropzone");
            zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true }));
            zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
        }""",
        [name, content.decode()],
    )
    assert name in amine.locator("#upload-chosen").inner_text()
    # The progress bar shows while the bytes go; it may come and go between two looks
    # (the document's own page, reached next, has a hidden one of its own): the
    # script's state is read at the click, and the upload is judged by where it lands.
    with amine.expect_request(lambda r: r.method == "POST" and "/documents/" in r.url) as posted:
        amine.click("#upload-submit")
    assert posted.value.headers.get("accept") == "application/json"  # sent by the script, with progress
    amine.wait_for_url("**/documents/*-*/")
    assert amine.locator("h1 bdi").inner_text() == name
    with amine.expect_download() as downloading:
        amine.get_by_role("link", name="Download the latest version").click()
    download = downloading.value
    assert download.suggested_filename == name
    with open(download.path(), "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(content).hexdigest()


# --- languages, public pages, screenshots -------------------------------------------------------------


def test_arabic_pages_read_right_to_left_with_translated_labels(new_page: NewPage) -> None:
    salma = new_page("staff.tn", language="ar")
    open_kickoff_thread_ar(salma)
    assert salma.evaluate("document.documentElement.dir") == "rtl"
    assert salma.evaluate("document.documentElement.lang") == "ar"
    assert salma.get_by_role("link", name="فضاءات العمل").first.is_visible()
    assert salma.get_by_role("button", name="إرسال").is_visible()
    assert salma.locator("#composer-text").get_attribute("placeholder") == "اكتب رسالة…"
    # The layout mirrors: the threads' column is on the right, the members' on the left.
    threads = salma.locator(".threads-nav").bounding_box()
    people = salma.locator(".people").bounding_box()
    assert threads["x"] > people["x"]


def open_kickoff_thread_ar(page: Any) -> None:
    page.goto("/workspaces/")
    page.locator("a", has_text="Digital education").first.click()
    page.locator("#thread-list a", has_text="Programme kickoff").click()
    page.wait_for_selector("#messages")


def test_the_public_pages_work_signed_out(new_page: NewPage) -> None:
    visitor = new_page(None, language="fr")
    visitor.goto("/")
    assert visitor.get_by_role("heading", name="Découvrez les commissions nationales").is_visible()
    visitor.fill("#landing-q", "tunisienne")
    visitor.press("#landing-q", "Enter")
    visitor.locator("a.commission-card", has_text="Commission nationale tunisienne").click()
    assert visitor.get_by_role("heading", name="Actualités publiées").is_visible()
    visitor.get_by_role("link", name="Lancement du réseau des écoles associées").click()
    assert visitor.locator("h1").inner_text() == "Lancement du réseau des écoles associées"
    with visitor.expect_download() as downloading:
        visitor.locator("a[download]", has_text="Télécharger").first.click()
    assert downloading.value.suggested_filename == "programme.txt"


def test_the_decision_dialog_asks_for_the_rationale(new_page: NewPage) -> None:
    secretariat = new_page("secretariat")
    secretariat.goto("/partnerships/")
    card = secretariat.locator("#column-under_review").locator("xpath=..").locator(".proposal-card").first
    title = card.locator("h3").inner_text()
    card.get_by_role("link", name="Accept").click()
    dialog = secretariat.locator("#decision-dialog")
    assert dialog.is_visible()
    assert secretariat.evaluate("document.activeElement.id") == "decision-rationale"
    secretariat.click("#decision-confirm")
    assert dialog.is_visible()  # the rationale is required
    secretariat.fill("#decision-rationale", "Matches the 2026 plan for digital schools.")
    secretariat.click("#decision-confirm")
    secretariat.wait_for_load_state()
    accepted = secretariat.locator("#column-accepted").locator("xpath=..")
    accepted.locator(".proposal-card h3", has_text=title).wait_for()


def test_the_menu_opens_on_a_phone(new_page: NewPage) -> None:
    amine = new_page("partner.tn", phone=True)
    amine.goto("/")
    assert not amine.locator("#site-nav").is_visible()
    amine.click(".menu-toggle")
    assert amine.locator("#site-nav").is_visible()
    assert amine.locator(".menu-toggle").get_attribute("aria-expanded") == "true"
    width = amine.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


MAIN_PAGES = [
    ("landing", None, "/"),
    ("directory", None, "/directory/"),
    ("commission", None, "/directory/?q=tunis"),
    ("home", "staff.tn", "/"),
    ("thread", "staff.tn", "thread"),
    ("activity", "secretariat", "/activity/"),
    ("partnerships", "secretariat", "/partnerships/"),
    ("documents", "staff.tn", "/documents/"),
    ("update-writing", "staff.tn", "/updates/new/"),
    ("dashboard", "secretariat", "/dashboard/"),
    ("audit-decisions", "auditor", "/audit/decisions/"),
]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_screenshots_of_the_main_pages(new_page: NewPage, language: str) -> None:
    pages: dict[str | None, Any] = {}
    for name, user, path in MAIN_PAGES:
        if user not in pages:
            pages[user] = new_page(user, language=language)
        page = pages[user]
        if path == "thread":
            open_kickoff_thread_ar(page)
        else:
            page.goto(path)
        if name == "commission":
            page.locator("a.commission-card").first.click()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == language
        assert unlabelled_controls(page) == [], name
        screenshot(page, f"{name}-{language}")
    phone = new_page("partner.tn", language=language, phone=True)
    open_kickoff_thread_ar(phone)
    screenshot(phone, f"thread-phone-{language}")


UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea, button, a[href]")]
    .filter((el) => el.type !== "hidden" && !el.closest("template") && el.checkVisibility())
    .filter((el) => {
        const named = (el.labels && el.labels.length) || el.getAttribute("aria-label")
            || el.getAttribute("aria-labelledby") || el.getAttribute("title");
        const text = (el.innerText ?? el.textContent ?? el.value ?? "").trim() || (el.value || "").trim();
        return !named && !(["BUTTON", "A"].includes(el.tagName.toUpperCase()) && text);
    })
    .map((el) => el.outerHTML.slice(0, 120))"""


def unlabelled_controls(page: Any) -> list[str]:
    """Form controls, buttons and links that a screen reader could not name."""
    return list(page.evaluate(UNLABELLED))


def test_the_activity_feed_shows_new_activity_live(new_page: NewPage) -> None:
    secretariat = new_page("secretariat")
    secretariat.goto("/activity/?kind=message")
    live(secretariat)
    salma = new_page("staff.tn")
    open_kickoff_thread(salma)
    post(salma, f"for the feed {uuid.uuid4().hex[:6]}")
    first = secretariat.locator("#feed li").first
    first.locator(".verb", has_text="posted a message in").wait_for(timeout=5_000)
    assert "سلمى بن علي" in first.inner_text()
    assert first.locator("a.object").get_attribute("href", timeout=1_000)


def test_who_is_present_and_who_is_typing_show_in_the_thread(new_page: NewPage) -> None:
    amine = new_page("partner.tn")
    open_kickoff_thread(amine)
    salma = new_page("staff.tn")
    open_kickoff_thread(salma)
    amine.locator(".presence li.online", has_text="سلمى بن علي").wait_for(timeout=5_000)
    salma.type("#composer-text", "جاري الكتابة")
    amine.locator("#typing", has_text="سلمى بن علي is typing…").wait_for(timeout=5_000)
    salma.close()
    amine.locator(".presence li:not(.online)", has_text="سلمى بن علي").wait_for(timeout=10_000)
