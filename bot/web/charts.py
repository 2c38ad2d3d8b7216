"""Server-rendered SVG charts (pygal), inlined in the pages: no script, no external service.

pygal adds a small configuration ``<script>`` for its optional tooltips; it is
removed, so a chart is plain SVG with its own CSS. Each chart comes with a data
table in the page for screen readers and for reading exact numbers.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

# pygal appends a legacy import hook (for its map plugins, unused here) to sys.meta_path;
# from then on every failed import anywhere in the process warns "find_spec() not found"
# (an error under -W error) instead of raising ImportError. Take it out again.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#7b8794",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=16,
    value_font_size=12,
    colors=("#1b6ca8", "#d9822b", "#3f9142", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d"),
)


def _options(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 720,
        "height": 360,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "show_minor_x_labels": True,
        "truncate_legend": -1,
        "print_zeroes": False,
        "explicit_size": False,
        **extra,
    }


def _svg(chart: Any) -> Markup:
    svg = str(chart.render(is_unicode=True))
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))


def activity_chart(
    labels: Sequence[str], series: Mapping[str, Sequence[int]], title: str
) -> Markup:
    """Points per contribution type for each month, stacked."""
    chart = pygal.StackedBar(**_options(title, y_title="points", min_scale=1, max_scale=6))
    chart.x_labels = list(labels)
    if not series:
        chart.add("no contributions", [0 for _ in labels])
    for name, values in series.items():
        chart.add(name, list(values))
    return _svg(chart)


def line_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | int]],
    title: str,
    *,
    percent: bool = False,
    bars: bool = False,
) -> Markup:
    """A line (or grouped bar) chart of a few series over months."""
    extra: dict[str, Any] = {"x_label_rotation": 30, "min_scale": 1, "max_scale": 6}
    if percent:
        extra["value_formatter"] = lambda v: f"{v:.0f}%"
        extra["range"] = (0, 100)
    kind = pygal.Bar if bars else pygal.Line
    chart = kind(**_options(title, **extra))
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    return _svg(chart)
