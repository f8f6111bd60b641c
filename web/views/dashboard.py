"""The dashboard: the indicators as charts, per commission and over time.

The secretariat and auditors see the whole platform; a commission's staff see
their commission's figures (events.policy.may_read_indicators)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from api.models import PageView
from events import policy
from projections import queries
from web import charts, labels
from web.access import actor_of, parse_uuid, signin_required
from web.templatetags.tawasul import local

DAYS = 30


@signin_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    everything = policy.may_read_indicators(actor, None)
    commission_id = parse_uuid(request.GET.get("commission")) if everything else actor.commission_id
    if not everything and not (commission_id and policy.may_read_indicators(actor, commission_id)):
        return render(request, "web/forbidden.html", {"section": "dashboard"}, status=403)
    today = dt.datetime.now(dt.UTC).date()
    figures = queries.indicators(commission_id, days=DAYS, today=today)
    commission = queries.commission_entry(commission_id) if commission_id else None
    rtl = get_language_bidi()
    series = figures["series"]
    activity_chart = charts.line_chart(
        [
            charts.Series(
                str(labels.METRICS["actions"]),
                charts.daily(series.get("actions", []), days=DAYS, today=today),
            ),
            charts.Series(
                str(labels.METRICS["messages_posted"]),
                charts.daily(series.get("messages_posted", []), days=DAYS, today=today),
                alt=True,
            ),
        ],
        title=_("Actions and messages per day, last %(days)s days") % {"days": DAYS},
        chart_id="chart-days",
    )
    commissions = list(queries.commissions())
    per_commission = None
    per_commission_rows: list[charts.Bar] = []
    if everything and commission is None:
        totals = queries.indicator_totals("actions", days=DAYS, today=today)
        short = short_names({c.id: local(c.name) for c in commissions})
        per_commission_rows = sorted(
            (
                charts.Bar(
                    short[c.id], totals.get(str(c.id), 0), reverse("web:dashboard") + f"?commission={c.id}"
                )
                for c in commissions
            ),
            key=lambda bar: -bar.value,
        )
        per_commission = charts.bar_chart(
            per_commission_rows,
            title=_("Actions per commission, last %(days)s days") % {"days": DAYS},
            rtl=rtl,
            chart_id="chart-commissions",
        )
    proposals = figures["proposals_by_state"]
    state_rows = [
        charts.Bar(str(labels.PROPOSAL_STATES[s]), int(proposals.get(s, 0))) for s in labels.PROPOSAL_STATES
    ]
    proposals_chart = charts.bar_chart(
        state_rows, title=_("Proposals by state"), rtl=rtl, chart_id="chart-proposals"
    )
    views = PageView.objects.filter(day__gte=today - dt.timedelta(days=DAYS - 1))
    if commission_id:
        views = views.filter(commission_id=commission_id)
    view_total = views.aggregate(total=Sum("count"))["total"] or 0
    return render(
        request,
        "web/dashboard.html",
        {
            "section": "dashboard",
            "figures": figures,
            "commission": commission,
            "commissions": commissions if everything else [],
            "activity_chart": activity_chart,
            "per_commission": per_commission,
            "per_commission_rows": per_commission_rows,
            "proposals_chart": proposals_chart,
            "state_rows": state_rows,
            "days": DAYS,
            "daily_rows": charts.daily(series.get("actions", []), days=DAYS, today=today),
            "message_rows": dict(charts.daily(series.get("messages_posted", []), days=DAYS, today=today)),
            "view_total": view_total,
        },
    )


def short_names(names: dict[Any, str]) -> dict[Any, str]:
    """Names without the words every one of them shares ("National Commission for
    Education..."), so that a chart's labels show what tells them apart."""
    words = [set(name.split()) for name in names.values()]
    shared = set.intersection(*words) if len(words) > 1 else set()
    short = {key: " ".join(w for w in name.split() if w not in shared) or name for key, name in names.items()}
    return short
