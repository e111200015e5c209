"""The dashboard's inline SVG charts: what a staff user sees, and what stays inert."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from review.charts import EMPTY_MESSAGE, Point, bar_chart, line_chart, stacked_bar_chart

SCRIPT_LABEL = "<script>alert(1)</script>"
ATTRIBUTE_LABEL = '"><img src=x onerror=alert(1)>'


def parse(chart: Markup) -> ET.Element:
    """The chart as an element tree (the markup is well-formed XML as well as HTML)."""
    return ET.fromstring(str(chart))


def by_class(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [
        element for element in root.iter(tag) if css_class in (element.get("class") or "").split()
    ]


def hover_text(element: ET.Element) -> str:
    title = element.find("title")
    assert title is not None, "bars and points carry their full label as hover text"
    return title.text or ""


def table_rows(root: ET.Element) -> list[list[str]]:
    table = root.find("details/table")  # the numbers, one click away
    assert table is not None
    assert "chart-data" in (table.get("class") or "")
    return [
        ["".join(cell.itertext()) for cell in row]
        for row in table.iter("tr")
        if row.find("th[@scope='row']") is not None
    ]


def every_chart(points: list[Point], title: str) -> list[Markup]:
    return [
        bar_chart(points, title),
        bar_chart(points, title, horizontal=True),
        line_chart(points, title),
        stacked_bar_chart(
            [point.label for point in points],
            {point.label: [point.value] * len(points) for point in points[:2]},
            title,
        ),
    ]


WEEKS = [
    Point("2026-11-06", 12),
    Point("2026-11-13", 30),
    Point("2026-11-20", 6),
    Point("2026-11-27", 18),
]


class TagCollector(HTMLParser):
    """Every start tag and attribute name, as a browser's HTML parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(name for name, _ in attrs)

    handle_startendtag = handle_starttag


def collect_tags(chart: Markup) -> TagCollector:
    collector = TagCollector()
    collector.feed(str(chart))
    collector.close()
    return collector


# --- Bar chart ---------------------------------------------------------------------------


def test_bar_chart_draws_one_bar_per_point_with_heights_proportional_to_values() -> None:
    root = parse(bar_chart(WEEKS, "Conversations per week"))

    bars = by_class(root, "rect", "chart-bar")
    assert len(bars) == len(WEEKS)
    heights = [float(bar.get("height", "nan")) for bar in bars]
    ratios = [height / point.value for height, point in zip(heights, WEEKS, strict=True)]
    assert max(ratios) == pytest.approx(min(ratios), rel=1e-3)

    tallest = bars[heights.index(max(heights))]
    assert hover_text(tallest) == "2026-11-13: 30"
    bottoms = {round(float(bar.get("y", "0")) + float(bar.get("height", "0")), 1) for bar in bars}
    assert len(bottoms) == 1, "all bars stand on the same baseline"
    xs = [float(bar.get("x", "0")) for bar in bars]
    assert xs == sorted(xs), "bars keep the order of the points, left to right"


def test_horizontal_bar_chart_draws_bar_lengths_proportional_to_values() -> None:
    topics = [Point("faq/addiction", 9), Point("faq/dosage", 3), Point("faq/withdrawal", 6)]
    root = parse(bar_chart(topics, "Top topics", horizontal=True))

    bars = by_class(root, "rect", "chart-bar")
    assert len(bars) == 3
    widths = [float(bar.get("width", "nan")) for bar in bars]
    assert widths[0] == pytest.approx(3 * widths[1], rel=1e-3)
    assert widths[2] == pytest.approx(2 * widths[1], rel=1e-3)
    assert len({bar.get("height") for bar in bars}) == 1
    labels = ["".join(label.itertext()) for label in by_class(root, "text", "chart-label")]
    assert labels == ["faq/addiction", "faq/dosage", "faq/withdrawal"]


def test_bar_chart_lists_every_label_and_value_in_a_table_captioned_with_the_title() -> None:
    root = parse(bar_chart(WEEKS, "Conversations per week"))

    assert root.tag == "figure" and "chart" in (root.get("class") or "").split()
    table = root.find("details/table")  # the numbers, one click away
    assert table is not None
    caption = table.find("caption")
    assert caption is not None and caption.text == "Conversations per week"
    assert table_rows(root) == [[point.label, f"{point.value:.0f}"] for point in WEEKS]
    details = root.find("details")
    assert list(root).index(details) > list(root).index(root.find("svg")), "numbers follow the svg"


def test_bar_chart_applies_the_value_format_to_values_and_ticks() -> None:
    root = parse(bar_chart([Point("a", 2.5), Point("b", 0.25)], "Hours", value_format="{:.2f} h"))

    assert table_rows(root) == [["a", "2.50 h"], ["b", "0.25 h"]]
    ticks = ["".join(tick.itertext()) for tick in by_class(root, "text", "chart-tick")]
    assert ticks[0] == "0.00 h"
    assert all(tick.endswith(" h") for tick in ticks)


def test_value_axis_reaches_at_least_one_and_has_distinct_tick_labels() -> None:
    root = parse(bar_chart([Point("a", 0), Point("b", 0)], "Nothing happened"))

    ticks = ["".join(tick.itertext()) for tick in by_class(root, "text", "chart-tick")]
    assert ticks == ["0", "1"]
    assert [float(bar.get("height", "nan")) for bar in by_class(root, "rect", "chart-bar")] == [
        0,
        0,
    ]

    root = parse(bar_chart([Point("a", 37)], "Counts"))
    ticks = ["".join(tick.itertext()) for tick in by_class(root, "text", "chart-tick")]
    assert 2 <= len(ticks) <= 6
    assert len(set(ticks)) == len(ticks)
    assert float(ticks[-1]) >= 37


def test_long_labels_are_truncated_in_the_chart_but_kept_whole_in_table_and_hover() -> None:
    long_label = "faq/what-happens-if-i-stop-taking-clonazepam-suddenly"
    points = [Point(long_label, 0.4)] + [Point(f"faq/{n}", 0.1) for n in range(5)]
    for chart in (
        bar_chart(points, "Topics"),
        bar_chart(points, "Topics", horizontal=True),
        line_chart(points, "Rates"),
    ):
        root = parse(chart)
        label = by_class(root, "text", "chart-label")[0]
        assert (label.text or "").endswith("\u2026")
        assert long_label.startswith((label.text or "").rstrip("\u2026"))
        assert hover_text(label) == long_label
        assert table_rows(root)[0][0] == long_label
        shape = by_class(root, "rect", "chart-bar") + by_class(root, "circle", "chart-point")
        assert hover_text(shape[0]).startswith(long_label + ": ")


def test_many_category_labels_are_thinned_out_instead_of_overlapping() -> None:
    year = [Point(f"2026-W{week:02d}", week) for week in range(1, 53)]
    root = parse(bar_chart(year, "A year"))

    labels = by_class(root, "text", "chart-label")
    assert 2 <= len(labels) < 52
    assert all(not (label.text or "").endswith("\u2026") for label in labels)
    assert len(table_rows(root)) == 52, "the table still lists every week"


# --- Escaping ----------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [SCRIPT_LABEL, ATTRIBUTE_LABEL])
def test_labels_titles_and_series_names_are_escaped(payload: str) -> None:
    points = [Point(payload, 3), Point("ok", 1)]
    for chart in every_chart(points, payload):
        output = str(chart)
        assert "<script" not in output
        assert "<img" not in output
        assert payload not in output
        assert "&lt;" in output

        seen = collect_tags(chart)
        assert "script" not in seen.tags and "img" not in seen.tags
        assert "onerror" not in seen.attributes

        root = parse(chart)  # still well-formed: nothing broke out of an attribute
        assert "".join(root.find("figcaption").itertext()) == payload  # type: ignore[union-attr]
        assert table_rows(root)[0][0] == payload, "the stored label reads back unchanged"
        svg_title = root.find("svg/title")
        assert svg_title is not None and svg_title.text == payload


def test_escaped_labels_stay_escaped_when_truncated() -> None:
    label = "&amp;" * 20 + "<b>"
    root = parse(bar_chart([Point(label, 1)], "Topics"))

    (text,) = by_class(root, "text", "chart-label")
    assert (text.text or "").endswith("\u2026")
    assert label.startswith((text.text or "").rstrip("\u2026"))


# --- Empty data --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chart",
    [
        bar_chart([], "Conversations per week"),
        bar_chart([], "Conversations per week", horizontal=True),
        line_chart([], "Conversations per week", maximum=1),
        stacked_bar_chart([], {"Emergencies": [], "Crises": []}, "Conversations per week"),
        stacked_bar_chart(["2026-11-20"], {}, "Conversations per week"),
    ],
)
def test_empty_data_shows_a_message_under_the_title(chart: Markup) -> None:
    root = parse(chart)

    assert "".join(root.itertext()) == "Conversations per week" + EMPTY_MESSAGE
    assert EMPTY_MESSAGE == "No data for this period."
    assert root.find(".//svg") is None


# --- Stacked bar chart -------------------------------------------------------------------


def test_stacked_chart_draws_both_series_stacked_with_a_legend() -> None:
    weeks = ["2026-11-06", "2026-11-13", "2026-11-20"]
    series = {"Emergencies": [2.0, 0.0, 1.0], "Crises": [3.0, 4.0, 1.0]}
    root = parse(stacked_bar_chart(weeks, series, "Safety events per week"))

    emergencies = by_class(root, "rect", "chart-bar-1")
    crises = by_class(root, "rect", "chart-bar-2")
    emergencies = [bar for bar in emergencies if "chart-bar" in (bar.get("class") or "").split()]
    crises = [bar for bar in crises if "chart-bar" in (bar.get("class") or "").split()]
    assert len(emergencies) == len(crises) == 3
    assert hover_text(crises[1]) == "2026-11-13 \u2013 Crises: 4"

    unit = float(crises[0].get("height", "nan")) / 3
    for lower, upper, (first, second) in zip(
        emergencies, crises, zip(*series.values(), strict=True), strict=True
    ):
        assert float(lower.get("height", "nan")) == pytest.approx(first * unit, abs=0.01)
        assert float(upper.get("height", "nan")) == pytest.approx(second * unit, abs=0.01)
        assert float(upper.get("y", "nan")) + float(upper.get("height", "nan")) == pytest.approx(
            float(lower.get("y", "nan")), abs=0.01
        ), "the second series sits on top of the first"

    legend = by_class(root, "g", "chart-legend")
    assert len(legend) == 1
    names = [
        "".join(label.itertext()) for label in by_class(legend[0], "text", "chart-legend-label")
    ]
    assert names == ["Emergencies", "Crises"]
    swatches = by_class(legend[0], "rect", "chart-legend-swatch")
    assert [swatch.get("fill") for swatch in swatches] == [
        emergencies[0].get("fill"),
        crises[0].get("fill"),
    ]
    assert emergencies[0].get("fill") != crises[0].get("fill")

    header = ["".join(cell.itertext()) for cell in root.iter("th") if cell.get("scope") == "col"]
    assert header == ["Label", "Emergencies", "Crises", "Total"]
    assert table_rows(root) == [
        ["2026-11-06", "2", "3", "5"],
        ["2026-11-13", "0", "4", "4"],
        ["2026-11-20", "1", "1", "2"],
    ]


def test_stacked_chart_rejects_a_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="Crises"):
        stacked_bar_chart(["a", "b"], {"Emergencies": [1, 2], "Crises": [1]}, "Safety")


# --- Line chart --------------------------------------------------------------------------


def line_points(root: ET.Element) -> list[ET.Element]:
    return by_class(root, "circle", "chart-point")


def plot_span(root: ET.Element) -> tuple[float, float]:
    """The y of the value axis' bottom (0) and top tick."""
    ticks = [float(tick.get("y", "nan")) for tick in by_class(root, "text", "chart-tick")]
    return max(ticks), min(ticks)


def test_line_chart_positions_points_by_value_and_honours_the_maximum() -> None:
    rates = [Point("2026-11-06", 0.5), Point("2026-11-13", 1.0), Point("2026-11-20", 0.0)]
    root = parse(line_chart(rates, "Fallback rate", maximum=1.0))

    circles = line_points(root)
    assert len(circles) == 3
    bottom, top = plot_span(root)
    ys = [float(circle.get("cy", "nan")) for circle in circles]
    assert ys[0] == pytest.approx((bottom + top) / 2, abs=0.01)
    assert ys[1] == pytest.approx(top, abs=0.01)
    assert ys[2] == pytest.approx(bottom, abs=0.01)
    xs = [float(circle.get("cx", "nan")) for circle in circles]
    assert xs == sorted(xs)

    polyline = by_class(root, "polyline", "chart-line")
    assert len(polyline) == 1 and polyline[0].get("fill") == "none"
    assert len((polyline[0].get("points") or "").split()) == 3

    ticks = ["".join(tick.itertext()) for tick in by_class(root, "text", "chart-tick")]
    assert ticks[0] == "0%" and ticks[-1] == "100%"
    assert table_rows(root) == [["2026-11-06", "50%"], ["2026-11-13", "100%"], ["2026-11-20", "0%"]]
    assert hover_text(circles[0]) == "2026-11-06: 50%"


def test_line_chart_maximum_sets_the_top_of_the_axis() -> None:
    rates = [Point("a", 0.1), Point("b", 0.25)]
    root = parse(line_chart(rates, "Fallback rate", maximum=0.25))

    bottom, top = plot_span(root)
    ys = [float(circle.get("cy", "nan")) for circle in line_points(root)]
    assert ys[1] == pytest.approx(top, abs=0.01), "0.25 reaches the top of a 25% axis"
    assert ys[0] == pytest.approx(bottom + (top - bottom) * 0.4, abs=0.01)
    ticks = ["".join(tick.itertext()) for tick in by_class(root, "text", "chart-tick")]
    assert ticks[-1] == "25%"


def test_line_chart_without_maximum_scales_to_at_least_one() -> None:
    root = parse(line_chart([Point("a", 0.2), Point("b", 0.1)], "Fallback rate"))

    bottom, top = plot_span(root)
    ys = [float(circle.get("cy", "nan")) for circle in line_points(root)]
    assert ys[0] == pytest.approx(bottom + (top - bottom) * 0.2, abs=0.01)
    ticks = ["".join(tick.itertext()) for tick in by_class(root, "text", "chart-tick")]
    assert ticks[-1] == "100%"


def test_line_chart_clamps_values_above_the_maximum_but_reports_them() -> None:
    root = parse(line_chart([Point("a", 1.5)], "Rate", maximum=1.0))

    _, top = plot_span(root)
    assert float(line_points(root)[0].get("cy", "nan")) == pytest.approx(top, abs=0.01)
    assert table_rows(root) == [["a", "150%"]]


@pytest.mark.parametrize("maximum", [0.0, -1.0, float("nan")])
def test_line_chart_rejects_a_maximum_that_is_not_positive(maximum: float) -> None:
    with pytest.raises(ValueError):
        line_chart([Point("a", 0.5)], "Rate", maximum=maximum)


# --- Page-level properties ---------------------------------------------------------------


def test_charts_never_use_style_attributes_or_scripts() -> None:
    charts = every_chart(WEEKS, "Conversations per week") + [
        bar_chart([], "Empty"),
        line_chart(WEEKS, "Rates", maximum=40),
    ]
    for chart in charts:
        seen = collect_tags(chart)
        assert "style" not in seen.attributes
        assert "style" not in seen.tags and "script" not in seen.tags
        assert not any(name.startswith("on") for name in seen.attributes)
        assert re.search(r"\sstyle\s*=", str(chart)) is None


def test_svg_is_an_accessible_image_scaled_to_the_page_width() -> None:
    for chart in every_chart(WEEKS, "Conversations per week"):
        root = parse(chart)
        svg = root.find("svg")
        assert svg is not None
        assert svg.get("role") == "img"
        assert svg.get("width") == "100%"
        assert re.fullmatch(r"0 0 \d+ \d+", svg.get("viewBox") or "")
        ids = {element.get("id"): element for element in root.iter() if element.get("id")}
        label = ids[svg.get("aria-labelledby")]
        assert label.tag == "title" and label.text == "Conversations per week"
        assert ids[svg.get("aria-describedby")].tag == "desc"


def test_two_charts_on_one_page_have_distinct_ids() -> None:
    page = Markup("<main>{}{}{}</main>").format(
        bar_chart(WEEKS, "Conversations per week"),
        bar_chart(WEEKS, "Conversations per week"),
        line_chart(WEEKS, "Conversations per week", maximum=40),
    )
    root = parse(page)

    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) >= 6
    assert len(ids) == len(set(ids))
    references = [svg.get("aria-labelledby") for svg in root.iter("svg")]
    assert len(set(references)) == 3
    assert all(reference in ids for reference in references)
