"""Small, accessible, dependency-free inline SVG charts for the staff review pages.

Every chart is returned as :class:`markupsafe.Markup` holding one ``<figure class="chart">``:

* a visible ``<figcaption class="chart-title">`` with the title;
* an ``<svg role="img">`` labelled by its own ``<title>`` and described by a ``<desc>``,
  with a fixed ``viewBox`` and ``width="100%"`` so it scales with the page;
* a ``<table class="chart-data">`` (caption = title) listing every label and value, for
  screen readers and for staff who want the numbers, inside a closed ``<details>``.

The pages run under a strict Content-Security-Policy, so the markup never contains a
``style`` attribute or a script: the look comes from CSS classes, with SVG presentation
attributes (``fill``, ``stroke``, ...) as defaults a stylesheet can override.

Labels come from stored conversation data, which visitors can influence, so every label,
series name and title is escaped; the markup is assembled with ``Markup.format`` only.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

__all__ = ["EMPTY_MESSAGE", "Point", "bar_chart", "line_chart", "stacked_bar_chart"]

EMPTY_MESSAGE = "No data for this period."

# Geometry, in viewBox units.
WIDTH = 600
HEIGHT = 300
FONT_SIZE = 11
CHAR_WIDTH = 6.6  # rough average glyph width at FONT_SIZE, used to fit and truncate text
MARGIN_LEFT = 52
MARGIN_RIGHT = 16
MARGIN_TOP = 18
MARGIN_BOTTOM = 34
MIN_LABEL_CHARS = 10  # a category label gets room for at least this many characters
MAX_TICKS = 5  # at most this many intervals on the value axis

# Horizontal bar charts: one row per bar, labels in a column on the left.
LABEL_COLUMN = 160
VALUE_COLUMN = 56
ROW_HEIGHT = 26
ROW_BAR_HEIGHT = 16
H_MARGIN_TOP = 8
H_MARGIN_BOTTOM = 28

# Legend of the stacked bar chart.
LEGEND_ROW = 18
LEGEND_SWATCH = 12
LEGEND_MAX_CHARS = 28

# Default colours (Okabe-Ito, distinguishable with common colour-vision deficiencies).
# Series i is drawn with class ``chart-bar-{i}`` (1-based, cycling after len(PALETTE)).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
GRID_COLOUR = "#d0d7de"
AXIS_COLOUR = "#57606a"

Formatter = Callable[[float], str]

_chart_numbers = itertools.count(1)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Point:
    """One labelled value of a bar or line chart.

    Attributes:
        label: What the value belongs to, e.g. ``"2026-11-20"`` or ``"faq/addiction"``.
        value: The value itself.
    """

    label: str
    value: float


def bar_chart(
    points: Sequence[Point],
    title: str,
    value_format: str = "{:.0f}",
    horizontal: bool = False,
) -> Markup:
    """Renders one bar per point.

    Args:
        points: The bars, in display order.
        title: The chart's title (escaped).
        value_format: A ``str.format`` pattern for values, in labels, ticks and the table.
        horizontal: Draws bars left to right, one row each, with the labels in a column on
            the left: better for long category names than the default upright bars.

    Returns:
        The ``<figure class="chart">`` markup.
    """
    if not points:
        return _empty_figure(title)
    fmt = _formatter(value_format)
    labels = [_one_line(point.label) for point in points]
    values = [_drawable(point.value) for point in points]
    top, ticks = _scale(max(values), fmt)
    texts = [fmt(point.value) for point in points]
    draw = _horizontal_bars if horizontal else _vertical_bars
    body, height = draw(labels, values, texts, top, ticks, fmt)
    count = len(points)
    description = f"Bar chart with {count} bar{'s' if count != 1 else ''}."
    table = _table(
        title,
        ["Label", "Value"],
        [(label, [text]) for label, text in zip(labels, texts, strict=True)],
    )
    return _figure("bar", title, description, body, height, table)


def stacked_bar_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    title: str,
) -> Markup:
    """Renders one stack of bars per label, one segment per series, with a legend.

    Args:
        labels: The stacks, in display order, e.g. week labels.
        series: Values per series name, each with one value per label, e.g.
            ``{"Emergencies": [...], "Crises": [...]}``. Segments are stacked bottom-up in
            the mapping's order.
        title: The chart's title (escaped).

    Returns:
        The ``<figure class="chart">`` markup.

    Raises:
        ValueError: If a series does not have exactly one value per label.
    """
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    if not labels or not series:
        return _empty_figure(title)
    names = [_one_line(name) for name in series]
    columns = [[_drawable(value) for value in values] for values in series.values()]
    clean_labels = [_one_line(label) for label in labels]
    totals = [sum(column[index] for column in columns) for index in range(len(labels))]
    top, ticks = _scale(max(totals), _plain_number)

    legend, legend_height = _legend(names)
    plot = _Plot(
        left=MARGIN_LEFT,
        right=WIDTH - MARGIN_RIGHT,
        top=MARGIN_TOP + legend_height,
        bottom=HEIGHT + legend_height - MARGIN_BOTTOM,
    )
    slot = plot.width / len(labels)
    bar_width = slot * 0.7
    parts: list[Markup] = [legend, _value_axis(plot, top, ticks, _plain_number)]
    bars: list[Markup] = []
    for index, label in enumerate(clean_labels):
        x = plot.left + index * slot + (slot - bar_width) / 2
        base = plot.bottom
        for number, (name, column, raw) in enumerate(
            zip(names, columns, series.values(), strict=True)
        ):
            height = plot.height * min(column[index], top) / top
            height = min(height, base - plot.top)
            bars.append(
                Markup(
                    '<rect class="chart-bar {series_class}" x="{x}" y="{y}" width="{w}"'
                    ' height="{h}" fill="{fill}"><title>{label} \u2013 {name}: {value}</title>'
                    "</rect>"
                ).format(
                    series_class=_series_class(number),
                    x=_num(x),
                    y=_num(base - height),
                    w=_num(bar_width),
                    h=_num(height),
                    fill=PALETTE[number % len(PALETTE)],
                    label=label,
                    name=name,
                    value=_plain_number(raw[index]),
                )
            )
            base -= height
        total_text = _plain_number(totals[index])
        if _fits(total_text, slot):
            bars.append(
                Markup(
                    '<text class="chart-value" x="{x}" y="{y}" text-anchor="middle">{text}</text>'
                ).format(x=_num(x + bar_width / 2), y=_num(base - 4), text=total_text)
            )
    parts.append(Markup('<g class="chart-bars">{}</g>').format(Markup("").join(bars)))
    centres = [plot.left + (index + 0.5) * slot for index in range(len(labels))]
    parts.append(_category_axis(plot, clean_labels, centres, slot))

    count = len(labels)
    description = (
        f"Stacked bar chart with {count} bar{'s' if count != 1 else ''} of "
        f"{len(names)} series: {', '.join(names)}."
    )
    rows = [
        (
            label,
            [_plain_number(values[index]) for values in series.values()]
            + [_plain_number(totals[index])],
        )
        for index, label in enumerate(clean_labels)
    ]
    table = _table(title, ["Label", *names, "Total"], rows)
    body = Markup("").join(parts)
    return _figure("stacked", title, description, body, HEIGHT + legend_height, table)


def line_chart(
    points: Sequence[Point],
    title: str,
    value_format: str = "{:.0%}",
    maximum: float | None = None,
) -> Markup:
    """Renders the points as a line, e.g. a fallback rate per week.

    Args:
        points: The points, in display order (evenly spaced left to right).
        title: The chart's title (escaped).
        value_format: A ``str.format`` pattern for values, in labels, ticks and the table.
        maximum: The top of the value axis, e.g. ``1.0`` for rates; values above it are
            drawn at the top (the table and hover text keep the real value). By default
            the axis reaches the largest value, and at least 1.

    Returns:
        The ``<figure class="chart">`` markup.

    Raises:
        ValueError: If ``maximum`` is not a positive number.
    """
    if not points:
        return _empty_figure(title)
    fmt = _formatter(value_format)
    labels = [_one_line(point.label) for point in points]
    values = [_drawable(point.value) for point in points]
    top, ticks = _scale(max(values), fmt, maximum)
    plot = _Plot(
        left=MARGIN_LEFT, right=WIDTH - MARGIN_RIGHT, top=MARGIN_TOP, bottom=HEIGHT - MARGIN_BOTTOM
    )
    slot = plot.width / len(points)
    centres = [plot.left + (index + 0.5) * slot for index in range(len(points))]
    ys = [plot.y(value, top) for value in values]

    parts: list[Markup] = [_value_axis(plot, top, ticks, fmt)]
    if len(points) > 1:
        parts.append(
            Markup(
                '<polyline class="chart-line" points="{points}" fill="none" stroke="{colour}"'
                ' stroke-width="2" stroke-linejoin="round"/>'
            ).format(
                points=" ".join(f"{_num(x)},{_num(y)}" for x, y in zip(centres, ys, strict=True)),
                colour=PALETTE[0],
            )
        )
    markers: list[Markup] = []
    for label, point, x, y in zip(labels, points, centres, ys, strict=True):
        text = fmt(point.value)
        markers.append(
            Markup(
                '<circle class="chart-point" cx="{x}" cy="{y}" r="3.5" fill="{colour}">'
                "<title>{label}: {value}</title></circle>"
            ).format(x=_num(x), y=_num(y), colour=PALETTE[0], label=label, value=text)
        )
        if _fits(text, slot):
            markers.append(
                Markup(
                    '<text class="chart-value" x="{x}" y="{y}" text-anchor="middle">{text}</text>'
                ).format(x=_num(x), y=_num(y - 7), text=text)
            )
    parts.append(Markup('<g class="chart-points">{}</g>').format(Markup("").join(markers)))
    parts.append(_category_axis(plot, labels, centres, slot))

    count = len(points)
    description = f"Line chart with {count} point{'s' if count != 1 else ''}."
    table = _table(
        title,
        ["Label", "Value"],
        [(label, [fmt(p.value)]) for label, p in zip(labels, points, strict=True)],
    )
    return _figure("line", title, description, Markup("").join(parts), HEIGHT, table)


# --- Layout -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plot:
    """The plotting area inside the viewBox (y grows downwards)."""

    left: float
    right: float
    top: float
    bottom: float

    @property
    def width(self) -> float:
        """Width of the plotting area."""
        return self.right - self.left

    @property
    def height(self) -> float:
        """Height of the plotting area."""
        return self.bottom - self.top

    def y(self, value: float, top: float) -> float:
        """The y coordinate of ``value`` on an axis from 0 (bottom) to ``top``."""
        return self.bottom - self.height * min(value, top) / top


def _vertical_bars(
    labels: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    top: float,
    ticks: Sequence[float],
    fmt: Formatter,
) -> tuple[Markup, int]:
    """Upright bars over the category labels; returns the SVG body and its height."""
    plot = _Plot(
        left=MARGIN_LEFT, right=WIDTH - MARGIN_RIGHT, top=MARGIN_TOP, bottom=HEIGHT - MARGIN_BOTTOM
    )
    slot = plot.width / len(values)
    bar_width = slot * 0.7
    bars: list[Markup] = []
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        x = plot.left + index * slot + (slot - bar_width) / 2
        y = plot.y(value, top)
        bars.append(_bar(x, y, bar_width, plot.bottom - y, label, text))
        if _fits(text, slot):
            bars.append(
                Markup(
                    '<text class="chart-value" x="{x}" y="{y}" text-anchor="middle">{text}</text>'
                ).format(x=_num(x + bar_width / 2), y=_num(y - 4), text=text)
            )
    centres = [plot.left + (index + 0.5) * slot for index in range(len(values))]
    body = Markup("").join(
        [
            _value_axis(plot, top, ticks, fmt),
            Markup('<g class="chart-bars">{}</g>').format(Markup("").join(bars)),
            _category_axis(plot, labels, centres, slot),
        ]
    )
    return body, HEIGHT


def _horizontal_bars(
    labels: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    top: float,
    ticks: Sequence[float],
    fmt: Formatter,
) -> tuple[Markup, int]:
    """One row per bar, labels on the left; returns the SVG body and its height."""
    height = H_MARGIN_TOP + ROW_HEIGHT * len(values) + H_MARGIN_BOTTOM
    left = LABEL_COLUMN
    right = WIDTH - VALUE_COLUMN
    bottom = height - H_MARGIN_BOTTOM
    width = right - left

    parts: list[Markup] = []
    for tick in ticks:
        x = left + width * tick / top
        parts.append(
            Markup(
                '<line class="chart-grid" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}"/>'
                '<text class="chart-tick" x="{x}" y="{ty}" text-anchor="middle">{text}</text>'
            ).format(
                x=_num(x),
                y1=_num(H_MARGIN_TOP),
                y2=_num(bottom),
                c=GRID_COLOUR,
                ty=_num(bottom + 16),
                text=fmt(tick),
            )
        )
    parts.append(
        Markup(
            '<line class="chart-axis-line" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}"/>'
        ).format(x=_num(left), y1=_num(H_MARGIN_TOP), y2=_num(bottom), c=AXIS_COLOUR)
    )
    axis = Markup('<g class="chart-axis chart-axis-value">{}</g>').format(Markup("").join(parts))

    max_chars = max(1, int((LABEL_COLUMN - 12) / CHAR_WIDTH))
    bars: list[Markup] = []
    names: list[Markup] = []
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        row_top = H_MARGIN_TOP + index * ROW_HEIGHT
        centre = row_top + ROW_HEIGHT / 2
        bar_length = width * min(value, top) / top
        bars.append(
            _bar(left, centre - ROW_BAR_HEIGHT / 2, bar_length, ROW_BAR_HEIGHT, label, text)
        )
        bars.append(
            Markup(
                '<text class="chart-value" x="{x}" y="{y}" dy="0.35em" text-anchor="start">'
                "{text}</text>"
            ).format(x=_num(left + bar_length + 4), y=_num(centre), text=text)
        )
        names.append(_label_text(label, max_chars, left - 8, centre, anchor="end", dy="0.35em"))
    body = Markup("").join(
        [
            axis,
            Markup('<g class="chart-bars">{}</g>').format(Markup("").join(bars)),
            Markup('<g class="chart-axis chart-axis-category">{}</g>').format(
                Markup("").join(names)
            ),
        ]
    )
    return body, height


def _bar(x: float, y: float, width: float, height: float, label: str, text: str) -> Markup:
    """A single-series bar, with its full label and value as hover text."""
    return Markup(
        '<rect class="chart-bar" x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}">'
        "<title>{label}: {value}</title></rect>"
    ).format(
        x=_num(x),
        y=_num(y),
        w=_num(width),
        h=_num(height),
        fill=PALETTE[0],
        label=label,
        value=text,
    )


def _value_axis(plot: _Plot, top: float, ticks: Sequence[float], fmt: Formatter) -> Markup:
    """Horizontal grid lines with tick labels on the left, and the baseline."""
    parts: list[Markup] = []
    for tick in ticks:
        y = plot.y(tick, top)
        parts.append(
            Markup(
                '<line class="chart-grid" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}"/>'
                '<text class="chart-tick" x="{tx}" y="{y}" dy="0.35em" text-anchor="end">'
                "{text}</text>"
            ).format(
                x1=_num(plot.left),
                x2=_num(plot.right),
                y=_num(y),
                c=GRID_COLOUR,
                tx=_num(plot.left - 6),
                text=fmt(tick),
            )
        )
    parts.append(
        Markup(
            '<line class="chart-axis-line" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}"/>'
        ).format(x1=_num(plot.left), x2=_num(plot.right), y=_num(plot.bottom), c=AXIS_COLOUR)
    )
    return Markup('<g class="chart-axis chart-axis-value">{}</g>').format(Markup("").join(parts))


def _category_axis(
    plot: _Plot, labels: Sequence[str], centres: Sequence[float], slot: float
) -> Markup:
    """Category labels under the plot: thinned out and truncated so they never overlap."""
    room = MIN_LABEL_CHARS * CHAR_WIDTH + 6
    every = max(1, math.ceil(room / slot))
    max_chars = max(1, int((every * slot - 6) / CHAR_WIDTH))
    parts = [
        _label_text(labels[index], max_chars, centres[index], plot.bottom + 16, anchor="middle")
        for index in range(0, len(labels), every)
    ]
    return Markup('<g class="chart-axis chart-axis-category">{}</g>').format(Markup("").join(parts))


def _label_text(
    label: str, max_chars: int, x: float, y: float, anchor: str, dy: str = "0"
) -> Markup:
    """A category label, truncated with an ellipsis; the full text is kept as hover text."""
    text = _truncate(label, max_chars)
    if anchor == "middle":  # keep centred labels inside the viewBox
        half = len(text) * CHAR_WIDTH / 2 + 2
        x = min(max(x, half), WIDTH - half)
    hover = Markup("<title>{}</title>").format(label) if text != label else Markup("")
    return Markup(
        '<text class="chart-label" x="{x}" y="{y}" dy="{dy}" text-anchor="{anchor}">'
        "{text}{hover}</text>"
    ).format(x=_num(x), y=_num(y), dy=dy, anchor=anchor, text=text, hover=hover)


def _legend(names: Sequence[str]) -> tuple[Markup, int]:
    """The series legend, wrapped onto rows above the plot; returns it and its height."""
    items: list[Markup] = []
    x = float(MARGIN_LEFT)
    y = float(MARGIN_TOP)
    for number, name in enumerate(names):
        text = _truncate(name, LEGEND_MAX_CHARS)
        item_width = LEGEND_SWATCH + 4 + len(text) * CHAR_WIDTH + 16
        if items and x + item_width > WIDTH - MARGIN_RIGHT:
            x = float(MARGIN_LEFT)
            y += LEGEND_ROW
        hover = Markup("<title>{}</title>").format(name) if text != name else Markup("")
        items.append(
            Markup(
                '<g class="chart-legend-item">'
                '<rect class="chart-legend-swatch {series_class}" x="{x}" y="{sy}" width="{s}"'
                ' height="{s}" fill="{fill}"/>'
                '<text class="chart-legend-label" x="{tx}" y="{y}" dy="0.35em">{text}{hover}</text>'
                "</g>"
            ).format(
                series_class=_series_class(number),
                x=_num(x),
                sy=_num(y - LEGEND_SWATCH / 2),
                s=LEGEND_SWATCH,
                fill=PALETTE[number % len(PALETTE)],
                tx=_num(x + LEGEND_SWATCH + 4),
                y=_num(y),
                text=text,
                hover=hover,
            )
        )
        x += item_width
    height = int(y - MARGIN_TOP) + LEGEND_ROW + 6
    return Markup('<g class="chart-legend">{}</g>').format(Markup("").join(items)), height


# --- Frame and table --------------------------------------------------------------------


def _figure(
    kind: str, title: str, description: str, body: Markup, height: int, table: Markup
) -> Markup:
    """Wraps a chart body into the figure, with its titles and its data table."""
    chart_id = _chart_id(title)
    return Markup(
        '<figure class="chart chart-{kind}">'
        '<figcaption class="chart-title">{title}</figcaption>'
        '<svg class="chart-svg" role="img" aria-labelledby="{id}-title"'
        ' aria-describedby="{id}-desc" viewBox="0 0 {width} {height}" width="100%"'
        ' preserveAspectRatio="xMidYMid meet" font-size="{font_size}" fill="currentColor">'
        '<title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{description} The values are listed in the table below.</desc>'
        "{body}</svg>{table}</figure>"
    ).format(
        kind=kind,
        title=_one_line(title),
        id=chart_id,
        width=WIDTH,
        height=height,
        font_size=FONT_SIZE,
        description=description,
        body=body,
        table=table,
    )


def _empty_figure(title: str) -> Markup:
    """The figure shown instead of a chart when there is nothing to draw."""
    return Markup(
        '<figure class="chart chart-empty">'
        '<figcaption class="chart-title">{title}</figcaption>'
        '<p class="chart-empty-message">{message}</p></figure>'
    ).format(title=_one_line(title), message=EMPTY_MESSAGE)


def _table(title: str, headers: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]) -> Markup:
    """The chart's data as a table: one row per label, one column per value."""
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(header) for header in headers)
    body = Markup("").join(
        Markup('<tr><th scope="row">{label}</th>{cells}</tr>').format(
            label=label,
            cells=Markup("").join(Markup("<td>{}</td>").format(cell) for cell in cells),
        )
        for label, cells in rows
    )
    return Markup(
        '<details class="chart-numbers"><summary>The numbers</summary>'
        '<table class="chart-data"><caption>{title}</caption>'
        "<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    ).format(title=_one_line(title), head=head, body=body)


# --- Scales and text --------------------------------------------------------------------


def _scale(
    data_max: float, fmt: Formatter, maximum: float | None = None
) -> tuple[float, list[float]]:
    """Chooses the top of the value axis and its ticks.

    Without ``maximum`` the axis reaches at least the largest value and at least 1,
    rounded up to a round tick; with it, the axis ends exactly at ``maximum``. The tick
    step is the smallest round step (1, 2 or 5 times a power of ten) giving at most
    ``MAX_TICKS`` intervals whose labels, formatted with ``fmt``, are all different.
    """
    if maximum is not None:
        if not math.isfinite(maximum) or maximum <= 0:
            raise ValueError(f"maximum must be a positive number, not {maximum!r}")
        top = float(maximum)
    else:
        top = max(data_max, 1.0)
    magnitude = 10.0 ** math.floor(math.log10(top / MAX_TICKS))
    for multiple in (1, 2, 5, 10, 20, 50, 100):
        step = multiple * magnitude
        if top / step > MAX_TICKS + 1e-9:
            continue
        axis_top = top if maximum is not None else step * math.ceil(top / step - 1e-9)
        ticks = _ticks(axis_top, step)
        labels = [fmt(tick) for tick in ticks]
        if len(set(labels)) == len(labels):
            return axis_top, ticks
    return top, [0.0, top]


def _ticks(top: float, step: float) -> list[float]:
    """Multiples of ``step`` from 0 up to ``top``, always ending with ``top`` itself."""
    ticks = [round(index * step, 12) for index in range(int(top / step + 1e-9) + 1)]
    if top - ticks[-1] > step * 1e-6:
        if len(ticks) > 1 and top - ticks[-1] < step / 3:
            ticks.pop()  # too close to the top to have its own label
        ticks.append(top)
    return ticks


def _formatter(value_format: str) -> Formatter:
    """Turns a ``str.format`` pattern into a function."""

    def format_value(value: float) -> str:
        return value_format.format(value)

    return format_value


def _plain_number(value: float) -> str:
    """A count or amount without needless decimals: ``3``, ``2.5``, ``1,200``."""
    if not math.isfinite(value):
        return str(value)
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _drawable(value: float) -> float:
    """The length to draw for a value: negative or non-finite values are drawn as 0."""
    value = float(value)
    return value if math.isfinite(value) and value > 0 else 0.0


def _fits(text: str, room: float) -> bool:
    """Whether ``text`` fits into ``room`` viewBox units."""
    return len(text) * CHAR_WIDTH + 2 <= room


def _one_line(text: object) -> str:
    """Text on one line, without control characters (they are invalid in SVG)."""
    return " ".join(_CONTROL_CHARACTERS.sub("\ufffd", str(text)).split())


def _truncate(text: str, max_chars: int) -> str:
    """Shortens ``text`` to ``max_chars`` characters, ending with an ellipsis if cut."""
    if len(text) <= max_chars:
        return text
    if max_chars <= 1:
        return "\u2026"
    return text[: max_chars - 1].rstrip() + "\u2026"


def _series_class(number: int) -> str:
    """The CSS class of the series at 0-based position ``number``."""
    return f"chart-bar-{number % len(PALETTE) + 1}"


def _chart_id(title: str) -> str:
    """An id unique within the process: a slug of the title and a counter."""
    slug = _NOT_SLUG.sub("-", title.lower()).strip("-")[:40].strip("-") or "chart"
    return f"chart-{slug}-{next(_chart_numbers)}"


def _num(value: float) -> str:
    """A compact SVG coordinate."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
