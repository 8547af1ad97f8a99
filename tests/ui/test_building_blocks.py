"""The UI's pure parts: the search box, Markdown, charts, formatting and links."""

from __future__ import annotations

import pytest

from modelreg.entities import Metric
from modelreg.errors import InvalidFilter
from modelreg.search import REGISTERED_MODELS, RUNS
from modelreg.server.ui import links
from modelreg.server.ui.charts import HEIGHT, WIDTH, metric_chart
from modelreg.server.ui.formatting import duration, file_size, short_time
from modelreg.server.ui.markdown import MarkdownRenderer
from modelreg.server.ui.rendering import Pages
from modelreg.server.ui.search_box import filter_for


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("", ""),
        ("  ", ""),
        ("Unicorn", "name ILIKE '%Unicorn%'"),
        ("fraud in production", "name ILIKE '%fraud in production%'"),
        ("it's", "name ILIKE '%it''s%'"),
        ("a < b", "name ILIKE '%a < b%'"),
        ("name LIKE 'Uni%'", "name LIKE 'Uni%'"),
        ("tags.team = 'a' AND name != 'x'", "tags.team = 'a' AND name != 'x'"),
    ],
)
def test_the_search_box_takes_filters_or_plain_text(typed: str, meant: str) -> None:
    assert filter_for(typed, REGISTERED_MODELS) == meant


@pytest.mark.parametrize("typed", ["name LIKE Uni%", "tags.team", "NAME = x", "`name` = 1"])
def test_a_mistyped_filter_is_an_error_not_a_text_search(typed: str) -> None:
    with pytest.raises(InvalidFilter):
        filter_for(typed, REGISTERED_MODELS)


def test_plain_text_searches_the_given_attribute() -> None:
    assert filter_for("base", RUNS, text_key="run_name") == "run_name ILIKE '%base%'"


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("**bold**", "<p><strong>bold</strong></p>\n"),
        ("<script>x()</script>", "<p>&lt;script&gt;x()&lt;/script&gt;</p>\n"),
        ("[a](javascript:alert(1))", "<p>[a](javascript:alert(1))</p>\n"),
        (
            "[a](https://example.com)",
            '<p><a href="https://example.com" rel="nofollow noopener noreferrer">a</a></p>\n',
        ),
        ("| a |\n|---|\n| 1 |", "<table>\n<thead>\n<tr>\n<th>a</th>"),
        ("", ""),
    ],
)
def test_markdown_is_rendered_safely(source: str, html: str) -> None:
    assert str(MarkdownRenderer()(source)).startswith(html)


def test_markdown_never_loads_images() -> None:
    assert "<img" not in MarkdownRenderer()("![pixel](https://tracker.example/p.gif)")


def test_a_chart_spans_its_box_by_step() -> None:
    history = [Metric("loss", value, 0, step) for step, value in [(0, 4.0), (5, 1.0), (10, 2.0)]]
    chart = metric_chart("loss", history)
    assert chart is not None
    # x by step (0, 5, 10) across the box; y from the maximum (top) to the minimum (bottom).
    assert chart.points == "4.0,4.0 120.0,60.0 236.0,41.33"
    assert (WIDTH, HEIGHT) == (240, 64)
    assert (chart.minimum, chart.maximum, chart.last, chart.count) == (1.0, 4.0, 2.0, 3)


def test_a_chart_of_one_value_or_equal_steps_is_drawn_by_order() -> None:
    flat = metric_chart("x", [Metric("x", 3.0, 0, 0), Metric("x", 3.0, 1, 0)])
    assert flat is not None
    assert flat.points == f"4.0,{HEIGHT / 2} {WIDTH - 4.0},{HEIGHT / 2}"
    assert metric_chart("x", [Metric("x", float("nan"), 0, 0)]) is None


def test_formatting() -> None:
    assert short_time(0) == "1970-01-01 00:00:00 UTC"
    assert short_time(None) == "—"
    assert duration(0, 3_200) == "3.2 s"
    assert duration(0, 3_723_000) == "1 h 02 min"
    assert duration(0, None) == "—"
    assert file_size(512) == "512 B"
    assert file_size(1_234_567) == "1.2 MB"
    assert file_size(None) == "—"


def test_links_quote_names() -> None:
    assert links.model("a b/c?") == "/models/a%20b%2Fc%3F"
    assert links.version("M", 3) == "/models/M/versions/3"
    assert links.models(q="name LIKE 'U%'", page_token="") == "/?q=name+LIKE+%27U%25%27"
    assert links.artifact_file("r1", "model/MLmodel") == "/runs/r1/artifact?path=model%2FMLmodel"


def test_every_template_compiles() -> None:
    environment = Pages().environment
    names = environment.list_templates()
    assert {"base.html", "models.html", "model.html", "version.html", "error.html"} <= set(names)
    for name in names:
        environment.get_template(name)
