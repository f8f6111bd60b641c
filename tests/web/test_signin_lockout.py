"""Too many wrong passwords: a warning before the last attempt, then a page of the site
(header, the reader's language and direction) saying how long signing in is locked."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client, override_settings

Demo = Callable[[], int]


def visitor(language: str) -> Client:
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    browser.cookies["django_language"] = language
    return browser


def sign_in(browser: Client, password: str = "wrong") -> str:
    response = browser.post("/signin/", {"username": "staff.tn", "password": password})
    return f"{response.status_code} {response.content.decode()}"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_sign_in_form_warns_when_one_attempt_is_left(demo: Demo) -> None:
    browser = visitor("en")
    first = sign_in(browser)
    assert first.startswith("200 ")
    assert "signin-last-attempt" not in first
    second = sign_in(browser)
    assert second.startswith("200 ")
    assert "One attempt left: after another wrong password, signing in is locked for 15\xa0minutes." in second


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_last_attempt_warning_is_in_the_readers_language(demo: Demo) -> None:
    browser = visitor("fr")
    sign_in(browser)
    assert "Il vous reste une tentative" in sign_in(browser)


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_lockout_page_is_a_right_to_left_page_of_the_site_in_arabic_naming_the_duration(
    demo: Demo,
) -> None:
    browser = visitor("ar")
    sign_in(browser)
    response = browser.post("/signin/", {"username": "staff.tn", "password": "wrong"})
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert '<header class="topbar">' in page
    assert "تسجيل الدخول موقوف مؤقتًا" in page
    assert "15\xa0دقيقة" in page
    assert int(response["Retry-After"]) == 15 * 60


@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=0.5)
def test_the_lockout_page_names_the_configured_duration_and_holds_even_the_right_password(
    demo: Demo,
) -> None:
    browser = visitor("en")
    sign_in(browser)
    sign_in(browser)
    locked = sign_in(browser, "tawasul-demo")
    assert locked.startswith("429 ")
    assert "signing in is locked for 30\xa0minutes." in locked
    assert '<html lang="en" dir="ltr">' in locked
