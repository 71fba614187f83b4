"""Inline SVG charts (no script, no style attributes: CSP-safe), with text alternatives."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from headlinez.web.html import Markup, el


def velocity_text(value: float) -> str:
    """A velocity as the pages write it: one decimal, and never "0" for a story still moving."""
    if 0 < value < 0.05:  # moving, if slowly: "0" read as stopped
        return "<0.01" if value < 0.005 else f"{value:.2f}".rstrip("0")
    return f"{value:.1f}".rstrip("0").rstrip(".")


def sparkline(values: Sequence[float], *, label: str, width: int = 120, height: int = 28) -> Markup:
    """A small polyline of the values (oldest first); flat when there is nothing to show."""
    peak = max(values, default=0.0)
    count = len(values)
    points = []
    for index, value in enumerate(values):
        x = width * index / (count - 1) if count > 1 else width / 2
        y = height - 2 - (height - 4) * (value / peak if peak > 0 else 0.0)
        points.append(f"{x:.1f},{y:.1f}")
    if count == 1:
        points.append(f"{width:.1f},{points[0].split(',')[1]}")
    shape = (
        el(
            "polyline",
            {
                "points": " ".join(points),
                "fill": "none",
                "class": "spark-line",
                "stroke-width": "2",
                "stroke-linejoin": "round",
            },
        )
        if points
        else el(
            "line",
            {
                "x1": 0,
                "y1": height - 2,
                "x2": width,
                "y2": height - 2,
                "class": "spark-line",
                "stroke-width": "1",
            },
        )
    )
    return el(
        "svg",
        {
            "class": "sparkline",
            "viewBox": f"0 0 {width} {height}",
            "width": width,
            "height": height,
            "role": "img",
            "aria-label": label,
            "focusable": "false",
        },
        el("title", {}, label),
        shape,
    )


def velocity_chart(series: Sequence[tuple[datetime, float]], *, title: str) -> Markup:
    """Hourly velocity as bars with a y-axis maximum and three hour labels (UTC)."""
    # left: room for a four-character maximum ("12.4") at the 20px axis labels of a phone
    # (site.css), where the 640-unit chart is drawn about 330px wide
    width, height, left, bottom, top = 640, 200, 60, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max((value for _, value in series), default=0.0)
    bars = []
    count = max(len(series), 1)
    bar_w = plot_w / count
    for index, (hour, value) in enumerate(series):
        bar_h = plot_h * (value / peak) if peak > 0 else 0.0
        x = left + index * bar_w
        bars.append(
            el(
                "rect",
                {
                    "x": f"{x + bar_w * 0.1:.1f}",
                    "y": f"{top + plot_h - bar_h:.1f}",
                    "width": f"{max(bar_w * 0.8, 1):.1f}",
                    "height": f"{max(bar_h, 0.5):.1f}",
                    "class": "bar",
                },
                # The bar is the hour; its value is read at the hour's end, after its articles
                el("title", {}, f"{hour.astimezone(UTC):%b %d %H:00}–"
                                f"{hour.astimezone(UTC) + timedelta(hours=1):%H:00} UTC: "
                                f"velocity {velocity_text(value)} at its end"),
            )
        )
    labels = []
    if series:
        last = len(series) - 1
        for index in sorted({0, len(series) // 2, last}):
            hour = series[index][0].astimezone(UTC)
            x = left + index * bar_w + bar_w / 2
            anchor = "start" if index == 0 and last > 0 else "end" if index == last and last > 0 else "middle"
            labels.append(
                el(
                    "text",
                    {"x": f"{x:.1f}", "y": height - 8, "text-anchor": anchor, "class": "axis"},
                    f"{hour:%d %H:00}",
                )
            )
    axis = [
        el(
            "line",
            {"x1": left, "y1": top + plot_h, "x2": width - 8, "y2": top + plot_h, "class": "axis-line"},
        ),
        el("line", {"x1": left, "y1": top, "x2": left, "y2": top + plot_h, "class": "axis-line"}),
        el("text", {"x": left - 4, "y": top + 10, "text-anchor": "end", "class": "axis"},
           velocity_text(peak)),
        el("text", {"x": left - 4, "y": top + plot_h, "text-anchor": "end", "class": "axis"}, "0"),
    ]
    return el(
        "svg",
        {
            "class": "chart",
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "aria-labelledby": "velocity-chart-title",
            "focusable": "false",
        },
        el("title", {"id": "velocity-chart-title"}, title),
        axis,
        bars,
        labels,
    )
