"""Server-rendered SVG charts (DESIGN.md: no JS bundle; printable; accessible).

Each builder returns safe markup: an `<svg role="img">` with a title, a `<title>` tooltip on every mark and, where
a mark has a `url`, a link to the records behind it (drill-down). Colours come from CSS classes
(`analytics/charts.css`), so light and dark themes both work. Labels are escaped here; pass translated text.

    bar_chart([Bar(label="Won", value=12, url="/opportunities/?status=won", display="12")], title=_("Deals"))
    line_chart(labels=["Jan", "Feb"], series=[Series(name=_("Revenue"), values=[10.0, 12.5])], title=…)
    curve_chart(points=[(0, 0), (0.2, 0.8), (1, 1)], title=…, x_label=…, y_label=…)
    heatmap(rows=[…], columns=[…], values=[[0.9, 0.5], …], title=…)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
PALETTE_SIZE = 6


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    url: str = ""
    display: str = ""  # the value as the reader should see it (money, percent); defaults to the number


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    urls: Sequence[str] | None = None
    dashed: bool = False


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis ticks covering [low, high] (0 included when the data does not cross it)."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    return ticks


def short_number(value: float) -> str:
    """1234567 → 1.2M, for axis labels (the exact figures are in the tooltips and tables)."""
    magnitude = abs(value)
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if magnitude >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    if magnitude and magnitude < 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.0f}"


def _svg(title: str, height: int, body: str, *, css: str = "") -> SafeString:
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMidYMid meet">'
        "<title>{}</title>{}</svg>",
        css,
        WIDTH,
        height,
        title,
        title,
        mark_safe(body),
    )


def _link(url: str, inner: str) -> str:
    return f'<a href="{escape(url)}">{inner}</a>' if url else inner


def _y_axis(ticks: list[float], y_of: Callable[[float], float], left: int, right: int, fmt: Callable) -> str:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line class="chart__grid" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart__tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(tick))}</text>'
        )
    return "".join(parts)


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    horizontal: bool = False,
    value_format: Callable[[float], str] = short_number,
) -> SafeString:
    """Vertical bars (a few categories or periods) or horizontal bars (ranked, long labels)."""
    if horizontal:
        return _hbar_chart(bars, title=title, value_format=value_format)
    height, top, bottom, left, right = 260, 16, 48, 56, WIDTH - 12
    values = [b.value for b in bars] or [0.0]
    ticks = nice_ticks(min(0.0, min(values)), max(0.0, max(values)))
    low, high = ticks[0], ticks[-1]

    def y_of(v: float) -> float:
        return top + (high - v) / (high - low) * (height - top - bottom)

    parts = [_y_axis(ticks, y_of, left, right, value_format)]
    slot = (right - left) / max(len(bars), 1)
    width = max(2.0, slot * 0.7)
    label_every = max(1, math.ceil(len(bars) / 12))
    for i, bar in enumerate(bars):
        x = left + i * slot + (slot - width) / 2
        y0, y1 = y_of(max(bar.value, 0)), y_of(min(bar.value, 0))
        shown = bar.display or value_format(bar.value)
        rect = (
            f'<rect class="chart__bar chart__c{i % PALETTE_SIZE if len(bars) <= PALETTE_SIZE else 1}" x="{x:.1f}" '
            f'y="{y0:.1f}" width="{width:.1f}" height="{max(y1 - y0, 0.5):.1f}">'
            f"<title>{escape(bar.label)}: {escape(shown)}</title></rect>"
        )
        parts.append(_link(bar.url, rect))
        if i % label_every == 0:
            parts.append(
                f'<text class="chart__tick" x="{x + width / 2:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{escape(_clip(bar.label, 14))}</text>'
            )
    return _svg(title, height, "".join(parts))


def _hbar_chart(bars: Sequence[Bar], *, title: str, value_format: Callable[[float], str]) -> SafeString:
    row, top, left, right = 26, 8, 170, WIDTH - 70
    height = top * 2 + row * max(len(bars), 1)
    high = max([b.value for b in bars] + [0.0]) or 1.0
    parts = []
    for i, bar in enumerate(bars):
        y = top + i * row
        width = max(bar.value, 0) / high * (right - left)
        shown = bar.display or value_format(bar.value)
        rect = (
            f'<rect class="chart__bar chart__c1" x="{left}" y="{y + 4}" width="{max(width, 0.5):.1f}" '
            f'height="{row - 8}"><title>{escape(bar.label)}: {escape(shown)}</title></rect>'
        )
        parts.append(
            f'<text class="chart__label" x="{left - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">'
            f"{escape(_clip(bar.label, 24))}</text>"
        )
        parts.append(_link(bar.url, rect))
        parts.append(
            f'<text class="chart__value" x="{left + width + 6:.1f}" y="{y + row / 2 + 4:.1f}">{escape(shown)}</text>'
        )
    return _svg(title, height, "".join(parts), css="chart--hbar")


def line_chart(
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    value_format: Callable[[float], str] = short_number,
) -> SafeString:
    """One or more series over the same ordered labels (periods); gaps where a value is None."""
    height, top, bottom, left, right = 260, 16, 56, 56, WIDTH - 12
    values = [v for s in series for v in s.values if v is not None] or [0.0]
    ticks = nice_ticks(min(0.0, min(values)), max(values))
    low, high = ticks[0], ticks[-1]

    def y_of(v: float) -> float:
        return top + (high - v) / (high - low) * (height - top - bottom)

    count = max(len(labels), 1)

    def x_of(i: int) -> float:
        return left + (i + 0.5) * (right - left) / count

    parts = [_y_axis(ticks, y_of, left, right, value_format)]
    label_every = max(1, math.ceil(len(labels) / 12))
    for i, label in enumerate(labels):
        if i % label_every == 0:
            parts.append(
                f'<text class="chart__tick" x="{x_of(i):.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                f"{escape(_clip(label, 10))}</text>"
            )
    for n, s in enumerate(series):
        css = f"chart__line chart__c{n % PALETTE_SIZE}" + (" chart__line--dashed" if s.dashed else "")
        path, pen_down = [], False
        for i, v in enumerate(s.values):
            if v is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{x_of(i):.1f},{y_of(v):.1f}")
            pen_down = True
        parts.append(f'<path class="{css}" d="{" ".join(path)}"/>')
        for i, v in enumerate(s.values):
            if v is None:
                continue
            url = s.urls[i] if s.urls and i < len(s.urls) else ""
            dot = (
                f'<circle class="chart__dot chart__c{n % PALETTE_SIZE}" cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="3.5">'
                f"<title>{escape(s.name)} · {escape(labels[i] if i < len(labels) else '')}: "
                f"{escape(value_format(v))}</title></circle>"
            )
            parts.append(_link(url, dot))
    parts.append(_legend([s.name for s in series], height - 18, left))
    return _svg(title, height, "".join(parts))


def curve_chart(
    *,
    points: Sequence[tuple[float, float]],
    title: str,
    x_label: str,
    y_label: str,
    reference: Sequence[tuple[float, float]] | None = None,
    marks: Sequence[tuple[float, float, str]] = (),
    x_format: Callable[[float], str] = short_number,
    y_format: Callable[[float], str] = short_number,
) -> SafeString:
    """A numeric x-y curve (Pareto's cumulative share, predicted vs actual); `reference` is drawn dashed (the
    diagonal, a perfect calibration); `marks` are labelled points (x, y, text)."""
    height, top, bottom, left, right = 300, 16, 56, 56, WIDTH - 16
    xs = [p[0] for p in (*points, *(reference or ()))] or [0.0, 1.0]
    ys = [p[1] for p in (*points, *(reference or ()))] or [0.0, 1.0]
    xt, yt = nice_ticks(min(0.0, min(xs)), max(xs)), nice_ticks(min(0.0, min(ys)), max(ys))

    def x_of(v: float) -> float:
        return left + (v - xt[0]) / (xt[-1] - xt[0]) * (right - left)

    def y_of(v: float) -> float:
        return top + (yt[-1] - v) / (yt[-1] - yt[0]) * (height - top - bottom)

    parts = [_y_axis(yt, y_of, left, right, y_format)]
    for tick in xt:
        parts.append(
            f'<text class="chart__tick" x="{x_of(tick):.1f}" y="{height - bottom + 16}" text-anchor="middle">'
            f"{escape(x_format(tick))}</text>"
        )
    if reference:
        d = " ".join(f"{'L' if i else 'M'}{x_of(x):.1f},{y_of(y):.1f}" for i, (x, y) in enumerate(reference))
        parts.append(f'<path class="chart__line chart__line--dashed chart__c5" d="{d}"/>')
    d = " ".join(f"{'L' if i else 'M'}{x_of(x):.1f},{y_of(y):.1f}" for i, (x, y) in enumerate(points))
    parts.append(f'<path class="chart__line chart__c0" d="{d}"/>')
    for x, y, text in marks:
        parts.append(
            f'<circle class="chart__dot chart__c1" cx="{x_of(x):.1f}" cy="{y_of(y):.1f}" r="4">'
            f"<title>{escape(text)}</title></circle>"
            f'<text class="chart__value" x="{x_of(x) + 6:.1f}" y="{y_of(y) + 14:.1f}">{escape(text)}</text>'
        )
    parts.append(
        f'<text class="chart__axis" x="{(left + right) / 2:.0f}" y="{height - 12}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
        f'<text class="chart__axis" x="12" y="{(top + height - bottom) / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {(top + height - bottom) / 2:.0f})">{escape(y_label)}</text>'
    )
    return _svg(title, height, "".join(parts))


def heatmap(
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    title: str,
    value_format: Callable[[float], str] = lambda v: f"{v:.0%}",
    urls: Sequence[Sequence[str]] | None = None,
) -> SafeString:
    """A grid shaded by value (0 → light, the maximum → the accent), e.g. cohort retention; empty cells blank."""
    cell_w = max(24.0, min(56.0, (WIDTH - 90) / max(len(columns), 1)))
    cell_h, left, top = 24, 90, 24
    width = left + cell_w * len(columns)
    height = top + cell_h * len(rows) + 4
    high = max([v for row in values for v in row if v is not None] + [0.0]) or 1.0
    parts = []
    for j, column in enumerate(columns):
        parts.append(
            f'<text class="chart__tick" x="{left + j * cell_w + cell_w / 2:.1f}" y="{top - 8}" '
            f'text-anchor="middle">{escape(column)}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * cell_h
        parts.append(
            f'<text class="chart__label" x="{left - 6}" y="{y + cell_h / 2 + 4:.1f}" text-anchor="end">'
            f"{escape(row)}</text>"
        )
        for j, v in enumerate(values[i] if i < len(values) else ()):
            if v is None:
                continue
            x = left + j * cell_w
            level = max(0.06, v / high)
            shown = value_format(v)
            cell = (
                f'<g><rect class="chart__cell" x="{x:.1f}" y="{y}" width="{cell_w - 2:.1f}" height="{cell_h - 2}" '
                f'fill-opacity="{level:.2f}"><title>{escape(row)} · {escape(columns[j])}: {escape(shown)}</title>'
                f'</rect><text class="chart__cell-text{" chart__cell-text--dark" if level > 0.55 else ""}" '
                f'x="{x + cell_w / 2 - 1:.1f}" y="{y + cell_h / 2 + 3:.1f}" text-anchor="middle">{escape(shown)}'
                "</text></g>"
            )
            url = urls[i][j] if urls and i < len(urls) and j < len(urls[i]) else ""
            parts.append(_link(url, cell))
    svg = format_html(
        '<svg class="chart chart--heatmap" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMinYMin meet"><title>{}</title>{}</svg>',
        f"{width:.0f}",
        height,
        title,
        title,
        mark_safe("".join(parts)),
    )
    return svg


def _legend(names: Sequence[str], y: int, left: int) -> str:
    if len(names) < 2:
        return ""
    parts, x = [], float(left)
    for n, name in enumerate(names):
        parts.append(
            f'<rect class="chart__bar chart__c{n % PALETTE_SIZE}" x="{x:.0f}" y="{y - 9}" width="10" height="10"/>'
            f'<text class="chart__label" x="{x + 14:.0f}" y="{y}">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    return "".join(parts)


def _clip(text: str, size: int) -> str:
    text = str(text)
    return text if len(text) <= size else text[: size - 1] + "…"
