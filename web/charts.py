"""Charts as inline SVG, drawn here: no script, no CDN, readable by screen readers
(each chart is an image with a title and a description, and its data is a table)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def svg(template: str, *args: object) -> SafeString:
    """format_html with numbers written to one decimal (coordinates)."""
    return format_html(template, *(f"{a:.1f}" if isinstance(a, float) else a for a in args))


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str = ""


def _ticks(top: int, count: int = 4) -> list[int]:
    if top <= 0:
        return [0]
    step = max(1, -(-top // count))
    # Round the step to 1, 2 or 5 times a power of ten.
    magnitude = 10 ** (len(str(step)) - 1)
    for nice in (1, 2, 5, 10):
        if step <= nice * magnitude:
            step = nice * magnitude
            break
    return list(range(0, top + step, step))


def bar_chart(
    bars: Sequence[Bar], *, title: str, rtl: bool, chart_id: str, width: int = 640, label_width: int = 200
) -> SafeString:
    """Horizontal bars, one per row; in right-to-left pages they grow from the right.
    Coordinates and anchors are computed here for either direction (the SVG itself is
    laid out left to right)."""
    row, gap = 22, 6
    plot = width - label_width - 50
    height = len(bars) * (row + gap) + 30
    top = max([b.value for b in bars] + [1])
    ticks = _ticks(top)
    scale = plot / max(ticks[-1], 1)

    def x(value: float) -> float:
        """Distance from the label side, mirrored in RTL."""
        return width - label_width - value if rtl else label_width + value

    parts: list[SafeString] = []
    for tick in ticks:
        tx = x(tick * scale)
        parts.append(
            svg(
                '<line class="grid-line" x1="{0}" x2="{0}" y1="0" y2="{1}"/>'
                '<text x="{0}" y="{2}" text-anchor="middle">{3}</text>',
                tx,
                height - 22,
                height - 8,
                tick,
            )
        )
    for index, bar in enumerate(bars):
        y = index * (row + gap) + 4
        length = bar.value * scale
        start = x(length) if rtl else label_width
        label_x = width - label_width + 8 if rtl else label_width - 8
        anchor = "start" if rtl else "end"
        value_x = x(length) - 6 if rtl else x(length) + 6
        value_anchor = "end" if rtl else "start"
        label = svg(
            '<text x="{}" y="{}" text-anchor="{}" dominant-baseline="middle">{}</text>',
            label_x,
            y + row / 2,
            anchor,
            bar.label[:40],
        )
        if bar.href:
            label = svg('<a href="{}">{}</a>', bar.href, label)
        parts.append(label)
        parts.append(
            svg(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}" rx="3"><title>{}: {}</title></rect>'
                '<text class="value-label" x="{}" y="{}" text-anchor="{}" '
                'dominant-baseline="middle">{}</text>',
                start,
                y,
                max(length, 0.5),
                row,
                bar.label,
                bar.value,
                value_x,
                y + row / 2,
                value_anchor,
                bar.value,
            )
        )
    parts.append(svg('<line class="axis" x1="{0}" x2="{0}" y1="0" y2="{1}"/>', x(0), height - 22))
    return svg(
        '<svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" direction="ltr" '
        'preserveAspectRatio="xMidYMin meet">'
        '<title id="{}-title">{}</title>{}</svg>',
        width,
        height,
        chart_id,
        chart_id,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - parts are format_html
    )


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[dt.date, int]]
    alt: bool = False


def line_chart(
    series: Sequence[Series], *, title: str, chart_id: str, date_format: str = "%d/%m"
) -> SafeString:
    """Daily values over time, one line per series (time runs left to right, as numbers do)."""
    width, height, left, right, top_pad, bottom = 640, 240, 40, 12, 12, 28
    days = [day for day, _v in series[0].points] if series and series[0].points else []
    top = max([v for s in series for _d, v in s.points] + [1])
    ticks = _ticks(top)
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    step = plot_w / max(len(days) - 1, 1)

    def point(index: int, value: int) -> tuple[float, float]:
        return left + index * step, top_pad + plot_h - value * plot_h / max(ticks[-1], 1)

    parts: list[SafeString] = []
    for tick in ticks:
        _x, ty = point(0, tick)
        parts.append(
            svg(
                '<line class="grid-line" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
                left,
                width - right,
                ty,
                ty,
                left - 6,
                ty,
                tick,
            )
        )
    label_every = max(1, len(days) // 6)
    for index, day in enumerate(days):
        if index % label_every == 0 or index == len(days) - 1:
            tx, _y = point(index, 0)
            parts.append(
                svg(
                    '<text x="{}" y="{}" text-anchor="middle" direction="ltr">{}</text>',
                    tx,
                    height - 8,
                    day.strftime(date_format),
                )
            )
    for item in series:
        coordinates = [point(i, v) for i, (_d, v) in enumerate(item.points)]
        if not coordinates:
            continue
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in coordinates)
        parts.append(
            svg(
                '<polyline class="line{}" points="{}"><title>{}</title></polyline>',
                " alt" if item.alt else "",
                path,
                item.label,
            )
        )
        for i, (px, py) in enumerate(coordinates):
            day, value = item.points[i]
            parts.append(
                svg(
                    '<circle cx="{}" cy="{}" r="2.5" class="dot{}"><title>{}: {}</title></circle>',
                    px,
                    py,
                    " alt" if item.alt else "",
                    day.isoformat(),
                    value,
                )
            )
    parts.append(
        svg(
            '<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            left,
            width - right,
            top_pad + plot_h,
            top_pad + plot_h,
        )
    )
    return svg(
        '<svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" direction="ltr">'
        '<title id="{}-title">{}</title>{}</svg>',
        width,
        height,
        chart_id,
        chart_id,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - parts are format_html
    )


def daily(points: list[dict[str, object]], *, days: int, today: dt.date) -> list[tuple[dt.date, int]]:
    """A complete daily series (zeros where nothing happened) from {"day", "value"} rows."""
    values = {str(p["day"]): int(p["value"]) for p in points}  # type: ignore[call-overload]
    start = today - dt.timedelta(days=days - 1)
    return [
        (start + dt.timedelta(days=i), values.get((start + dt.timedelta(days=i)).isoformat(), 0))
        for i in range(days)
    ]
