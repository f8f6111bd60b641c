"""What people read stays readable: words and button labels never split mid-word,
fields draw dark text on light paper even on the white-text hero, and long file
names wrap instead of widening the page on a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_web_client import open_kickoff_thread_ar

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

NewPage = Callable[..., Any]

# The number of lines the element's own text (not its hidden helpers) is laid out on.
LABEL_LINES = """element => {
  const tops = new Set();
  for (const node of element.childNodes) {
    if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
  }
  return tops.size;
}"""

COLOURS = """element => {
  const style = getComputedStyle(element);
  return [style.color, style.backgroundColor];
}"""


def label_lines(locator: Any) -> list[int]:
    return [int(element.evaluate(LABEL_LINES)) for element in locator.all()]


@pytest.mark.parametrize(("language", "send"), [("ar", "إرسال"), ("en", "Send")])
def test_button_labels_stay_on_one_line_on_a_phone(new_page: NewPage, language: str, send: str) -> None:
    salma = new_page("staff.tn", language=language, phone=True)
    open_kickoff_thread_ar(salma)
    button = salma.get_by_role("button", name=send)
    assert button.inner_text().strip() == send
    assert label_lines(button) == [1], f"the {send!r} button's label splits"
    salma.goto("/documents/")
    downloads = salma.locator("a.button[download]")
    assert downloads.count() > 0
    assert set(label_lines(downloads)) == {1}, "a download button's label splits"
    assert salma.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(salma, f"documents-phone-{language}")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_search_fields_and_menus_draw_dark_text_on_light_paper(new_page: NewPage, language: str) -> None:
    visitor = new_page(None, language=language)
    visitor.goto("/")
    visitor.fill("#landing-q", "Tunis")
    assert visitor.locator("#landing-q").evaluate(COLOURS) == ["rgb(27, 36, 48)", "rgb(255, 255, 255)"]
    visitor.goto("/directory/")
    visitor.fill("#directory-q", "Tunis")
    for field in ("#directory-q", "#directory-kind"):
        assert visitor.locator(field).evaluate(COLOURS) == ["rgb(27, 36, 48)", "rgb(255, 255, 255)"], field
    screenshot(visitor, f"directory-search-{language}")


def test_a_long_unbroken_title_and_link_wrap_instead_of_widening_a_phone_page(new_page: NewPage) -> None:
    salma = new_page("staff.tn", phone=True)
    open_kickoff_thread_ar(salma)
    link = "https://example.org/programme/" + "digitalschools_" * 8 + "minutes.pdf"
    salma.fill("#new-thread-title", link)
    salma.press("#new-thread-title", "Enter")
    salma.wait_for_url("**/threads/*-*/")
    salma.fill("#composer-text", link)
    salma.press("#composer-text", "Enter")
    salma.locator("#messages .message:not(.pending) .text", has_text=link).wait_for()
    assert salma.evaluate("document.documentElement.scrollWidth") <= 390
    thread = salma.url
    salma.goto(thread)
    assert salma.evaluate("document.documentElement.scrollWidth") <= 390
    salma.locator(".threads-nav a").first.click()  # the workspace, listing the new thread
    salma.locator("main li", has_text=link).first.wait_for()
    assert salma.evaluate("document.documentElement.scrollWidth") <= 390
    salma.goto(thread)
    screenshot(salma, "thread-long-title-phone-en")
