"""Signing in and out, joining by invitation, choosing the language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from events.errors import DomainError
from projections import service
from web.errors import translate_errors


class SignInView(LoginView):
    template_name = "web/signin.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_mode"] = settings.DEMO_MODE
        context["section"] = "signin"
        form = context.get("form")
        if form is not None and form.is_bound and form.errors:
            context["last_attempt"] = attempts_left(self.request, form.data.get("username", "")) == 1
            context["lockout_duration"] = lockout_duration(self.request)
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # A person's own language wins over the visitor's guess, unless they chose here.
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.get_user().language, samesite="Lax")
        return response


def attempts_left(request: HttpRequest, username: str) -> int:
    """How many more wrong passwords this username may try from here before the lockout."""
    credentials = {"username": username}
    limit = get_failure_limit(request, credentials)
    return limit - AxesProxyHandler.get_failures(request, credentials)


def lockout_duration(request: HttpRequest) -> str:
    """How long a lockout lasts (AXES_COOLOFF_TIME), as words: "15 minutes"."""
    cool_off = get_cool_off(request) or timedelta(0)
    now = timezone.now()
    return timeuntil(now + cool_off, now)


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout answer for the web client (AXES_LOCKOUT_CALLABLE): a page of the
    site, in the reader's language, saying how long the lockout lasts."""
    cool_off = get_cool_off(request)
    response = render(
        request,
        "web/locked_out.html",
        {"section": "signin", "lockout_duration": lockout_duration(request)},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out."))
    return HttpResponseRedirect(reverse("web:home"))


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the account of a signed-in person."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        get_user_model().objects.filter(pk=request.user.pk).update(language=language)
    return response


class JoinForm(forms.Form):
    display_name = forms.CharField(label=gettext_lazy("Your name, as others will see it"), max_length=200)
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        help_text=gettext_lazy("Letters, digits and . _ - only; you sign in with it."),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 8 characters, not only digits, not a common password."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=[("ar", "العربية"), ("en", "English"), ("fr", "Français")]
    )


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation e-mail links to: choose a name and password, and join."""
    from api import invitations

    invitation = invitations.pending_invitation(token)
    if invitation is None:
        return render(request, "web/join_invalid.html", {"section": "join"}, status=404)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # The invitee has not chosen yet: the page speaks the language they were invited in.
        translation.activate(invitation.language)
        request.LANGUAGE_CODE = invitation.language
    errors: dict[str, list[str]] = {}
    detail = ""
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                user, result = invitations.accept(
                    token,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    display_name=form.cleaned_data["display_name"],
                    language=form.cleaned_data["language"],
                )
            except DomainError as error:
                detail, errors = translate_errors(error)
                for name, texts in errors.items():
                    if name in form.fields:
                        for text in texts:
                            form.add_error(name, text)
            else:
                service.wait_for(result.position)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome to Tawasul! You have joined."))
                response = HttpResponseRedirect(reverse("web:home"))
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
                return response
    else:
        form = JoinForm(initial={"language": invitation.language})
    return render(
        request,
        "web/join.html",
        {"form": form, "invitation": invitation, "detail": detail, "section": "join"},
    )

