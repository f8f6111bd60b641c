"""Hostile content in a real browser: what one person writes never runs in another's.

Script and event-handler payloads go in through the web client itself (a message
over the socket, a thread title, a comment, a file name); other people then open
every page that shows them. The payloads must show as text, no element they
describe may exist, and the Content Security Policy must never have had to block
anything (a blocked script means escaping failed and only the policy saved us).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.test_web_client import live, open_kickoff_thread, post

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

NewPage = Callable[..., Any]

MARK = "xss-" + uuid.uuid4().hex[:8]
PAYLOADS = [
    f'<img src=x id="{MARK}-img" onerror="document.documentElement.dataset.pwned=1">',
    f'<script id="{MARK}-script">document.documentElement.dataset.pwned=1</script>',
    f'"><svg id="{MARK}-svg" onload="document.documentElement.dataset.pwned=1">',
    f"javascript:document.documentElement.dataset.pwned=1//{MARK}",
]
# Recorded before any page script runs: every policy violation on the page.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""


def watched(page: Any) -> Any:
    page.add_init_script(WATCH)
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    return page


def assert_inert(page: Any, where: str) -> None:
    page.wait_for_load_state("networkidle")
    injected = page.evaluate(f"document.querySelectorAll('[id^=\"{MARK}\"]').length")
    assert injected == 0, f"{where}: a payload became an element"
    assert page.evaluate("document.documentElement.dataset.pwned") is None, f"{where}: a payload ran"
    assert page.evaluate("window.__violations") == [], f"{where}: the policy had to block something"
    scripted_links = page.evaluate(
        "[...document.querySelectorAll('a[href]')].filter(a => a.href.startsWith('javascript:')).length"
    )
    assert scripted_links == 0, f"{where}: a javascript: link"


def test_payloads_written_by_one_person_stay_text_for_everyone_else(new_page: NewPage) -> None:
    salma = watched(new_page("staff.tn"))
    # A message per payload, posted live over the socket.
    open_kickoff_thread(salma)
    for payload in PAYLOADS:
        post(salma, payload)
    salma.locator("#messages .message:not(.pending) .text", has_text=PAYLOADS[-1]).wait_for()
    assert_inert(salma, "the author's thread")
    # A thread whose title is a payload.
    salma.fill("#new-thread-title", PAYLOADS[0])
    salma.press("#new-thread-title", "Enter")
    salma.wait_for_url("**/threads/*-*/")
    assert salma.locator("#thread-title").inner_text() == PAYLOADS[0]
    # A document whose file name is a payload.
    salma.goto("/documents/")
    salma.select_option("#upload-resource", label="التعليم الرقمي — Digital education")
    salma.set_input_files(
        "#upload-file",
        {
            "name": f'"><img src=x id="{MARK}-file" onerror=alert(1)>.txt',
            "mimeType": "text/plain",
            "buffer": b"minutes of the meeting\n",
        },
    )
    salma.click("#upload-submit")
    salma.wait_for_url("**/documents/*-*/")
    assert MARK in salma.locator("h1").inner_text()
    # A comment on a published update.
    salma.goto("/updates/?state=published")
    salma.locator("table a").first.click()
    salma.fill("#comment-text", PAYLOADS[1])
    salma.get_by_role("button", name="Post the comment").click()
    salma.locator("section[aria-labelledby=comments-heading] li", has_text=MARK).first.wait_for()
    assert_inert(salma, "the update's comments")

    amine = watched(new_page("partner.tn"))
    open_kickoff_thread(amine)
    for payload in PAYLOADS:
        assert amine.locator("#messages .message .text", has_text=payload).count() == 1
    assert_inert(amine, "a member's thread")
    amine.goto("/documents/")
    assert_inert(amine, "the library")
    amine.goto("/workspaces/")
    amine.get_by_role("link", name="Digital education").first.click()
    assert_inert(amine, "the workspace")

    secretariat = watched(new_page("secretariat"))
    secretariat.goto("/activity/")
    live(secretariat)
    assert_inert(secretariat, "the activity feed")
    # A payload arriving live is also only text.
    open_kickoff_thread(salma)
    post(salma, PAYLOADS[2])
    secretariat.locator("#feed li").first.wait_for()
    assert_inert(secretariat, "the live activity feed")
    auditor = watched(new_page("auditor"))
    auditor.goto("/audit/decisions/")
    assert_inert(auditor, "the decision timeline")


SIGNED_OUT = ["/", "/directory/", "/signin/", "/api/docs/"]
SIGNED_IN = {
    "staff.tn": ["/", "/workspaces/", "/documents/", "/updates/", "/updates/new/"],
    "secretariat": ["/activity/", "/dashboard/", "/partnerships/"],
    "auditor": ["/audit/", "/audit/decisions/"],
}


def test_every_main_page_runs_under_the_content_security_policy(new_page: NewPage) -> None:
    visits: list[tuple[str | None, str]] = [(None, path) for path in SIGNED_OUT]
    visits += [(user, path) for user, paths in SIGNED_IN.items() for path in paths]
    pages: dict[str | None, Any] = {}
    for user, path in visits:
        if user not in pages:
            pages[user] = watched(new_page(user))
        page = pages[user]
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        policy = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy, path
        assert "default-src 'self'" in policy, path
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == [], path
    # The thread page, with its live socket, too.
    open_kickoff_thread(pages["staff.tn"])
    assert pages["staff.tn"].evaluate("window.__violations") == []
