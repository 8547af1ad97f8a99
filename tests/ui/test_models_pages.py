"""The models list at ``/`` and a model's page, with every form on them."""

from __future__ import annotations

import re

import pytest

from modelreg.backend import LocalBackend
from modelreg.errors import RegisteredModelNotFound
from tests.ui.conftest import Ui, page


def names_listed(html: str) -> list[str]:
    """The model names of the list's rows, in order."""
    return re.findall(r'<td><a href="/models/[^"]+">([^<]+)</a></td>', html)


@pytest.fixture
def zoo(backend: LocalBackend) -> LocalBackend:
    """Five models: three Uni*, two with team tags."""
    registry = backend.registry
    for name, team in [
        ("Unicorn", "a"),
        ("Unicycle", "b"),
        ("Uniform", None),
        ("fraud-detector", "a"),
        ("churn", None),
    ]:
        registry.create_registered_model(name, tags={"team": team} if team else None)
    return backend


def test_the_list_shows_every_model_by_name(ui: Ui, zoo: LocalBackend) -> None:
    html = page(ui.get("/"))
    assert names_listed(html) == ["Unicorn", "Unicycle", "Uniform", "churn", "fraud-detector"]
    assert "team: a" in html


def test_a_like_filter_searches_names(ui: Ui, zoo: LocalBackend) -> None:
    html = page(ui.get("/", params={"q": "name LIKE 'Uni%'"}))
    assert names_listed(html) == ["Unicorn", "Unicycle", "Uniform"]
    assert 'value="name LIKE &#39;Uni%&#39;"' in html  # the box keeps the query


def test_a_tag_filter_searches_tags(ui: Ui, zoo: LocalBackend) -> None:
    html = page(ui.get("/", params={"q": "tags.team = 'a'"}))
    assert names_listed(html) == ["Unicorn", "fraud-detector"]


def test_plain_text_matches_names_containing_it_in_any_case(ui: Ui, zoo: LocalBackend) -> None:
    assert names_listed(page(ui.get("/", params={"q": "UNI"}))) == [
        "Unicorn",
        "Unicycle",
        "Uniform",
    ]
    assert names_listed(page(ui.get("/", params={"q": "detect"}))) == ["fraud-detector"]


def test_a_broken_filter_is_shown_as_an_error_in_the_page(ui: Ui, zoo: LocalBackend) -> None:
    html = page(ui.get("/", params={"q": "name LIKE Uni%"}), 400)
    assert "Invalid filter string" in html
    assert "Traceback" not in html


def test_no_match_says_so(ui: Ui, zoo: LocalBackend) -> None:
    assert "No model matches this search." in page(ui.get("/", params={"q": "zebra"}))


def test_sorting_by_last_update_puts_the_newest_first(ui: Ui, zoo: LocalBackend) -> None:
    zoo.registry.update_registered_model("Uniform", "touched")
    html = page(ui.get("/", params={"order_by": "last_updated_timestamp DESC"}))
    assert names_listed(html)[0] == "Uniform"
    # The header offers the opposite order next.
    assert "order_by=last_updated_timestamp+ASC" in html


def test_sorting_by_name_descending(ui: Ui, zoo: LocalBackend) -> None:
    html = page(ui.get("/", params={"order_by": "name DESC"}))
    assert names_listed(html) == ["fraud-detector", "churn", "Uniform", "Unicycle", "Unicorn"]


def test_pages_follow_the_page_token(ui: Ui, zoo: LocalBackend) -> None:
    first = page(ui.get("/", params={"max_results": 2}))
    assert names_listed(first) == ["Unicorn", "Unicycle"]
    seen = names_listed(first)
    html = first
    while match := re.search(r'<a href="([^"]+)" rel="next">', html):
        html = page(ui.get(match.group(1).replace("&amp;", "&")))
        seen += names_listed(html)
    assert seen == ["Unicorn", "Unicycle", "Uniform", "churn", "fraud-detector"]
    assert "First page" in html


def test_the_list_shows_latest_versions_per_stage_and_aliases(
    ui: Ui, unicorn: LocalBackend
) -> None:
    html = page(ui.get("/"))
    assert 'href="/models/Unicorn/versions/2">v2</a>' in html  # latest
    assert 'class="badge stage-staging" href="/models/Unicorn/versions/2"' in html
    assert 'class="badge stage-production" href="/models/Unicorn/versions/1"' in html
    assert "@champion → v2" in html


def test_create_a_model(ui: Ui, backend: LocalBackend) -> None:
    html = page(ui.post("/models", name="Unicorn", description="A *horse*"))
    assert "Model &#39;Unicorn&#39; created." in html
    assert "<em>horse</em>" in html
    assert backend.registry.get_registered_model("Unicorn").description == "A *horse*"


def test_creating_a_duplicate_shows_the_error(ui: Ui, zoo: LocalBackend) -> None:
    response = ui.post("/models", name="Unicorn")
    assert response.url.path == "/"
    assert "already exists" in page(response)


def test_the_model_page_shows_description_tags_aliases_and_versions(
    ui: Ui, unicorn: LocalBackend, run_id: str
) -> None:
    html = page(ui.get("/models/Unicorn"))
    assert "<strong>profit</strong>" in html
    assert "<code>team</code>" in html
    assert "@champion → v2" in html
    assert html.index("Version 2</a>") < html.index("Version 1</a>")  # newest first
    assert '<span class="badge stage-production">Production</span>' in html
    assert f'href="/runs/{run_id}"' in html
    assert "READY" in html


def test_a_model_without_versions_says_how_to_add_one(ui: Ui, zoo: LocalBackend) -> None:
    assert "No versions yet." in page(ui.get("/models/churn"))


def test_a_missing_model_is_a_404_page(ui: Ui) -> None:
    html = page(ui.get("/models/nope"), 404)
    assert "Registered Model with name=nope not found" in html


def test_names_with_spaces_and_symbols_round_trip(ui: Ui, backend: LocalBackend) -> None:
    backend.registry.create_registered_model("Fraud model #2 (50%)?")
    html = page(ui.get("/"))
    assert 'href="/models/Fraud%20model%20%232%20%2850%25%29%3F"' in html
    assert "<h1>Fraud model #2 (50%)?</h1>" in page(
        ui.get("/models/Fraud%20model%20%232%20%2850%25%29%3F")
    )


def test_edit_the_description(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.post("/models/Unicorn/description", description="# Title\n\nNew text"))
    assert "Description saved." in html
    assert "<h1>Title</h1>" in html
    assert unicorn.registry.get_registered_model("Unicorn").description == "# Title\n\nNew text"


def test_add_and_remove_a_tag(ui: Ui, unicorn: LocalBackend) -> None:
    assert "Tag &#39;owner&#39; set." in page(
        ui.post("/models/Unicorn/tags", key="owner", value="ana")
    )
    assert unicorn.registry.get_registered_model("Unicorn").tags["owner"] == "ana"
    assert "Tag &#39;owner&#39; removed." in page(
        ui.post("/models/Unicorn/tags/delete", key="owner")
    )
    assert "owner" not in unicorn.registry.get_registered_model("Unicorn").tags


def test_an_invalid_tag_key_is_refused_in_the_page(ui: Ui, unicorn: LocalBackend) -> None:
    response = ui.post("/models/Unicorn/tags", key="bad*key", value="x")
    assert response.url.path == "/models/Unicorn"
    assert 'class="flash flash-error"' in page(response)
    assert "Invalid value &#39;bad*key&#39;" in response.text


def test_set_and_remove_an_alias(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.post("/models/Unicorn/aliases", alias="stable", version="1"))
    assert "Alias &#39;stable&#39; now points at version 1." in html
    assert unicorn.registry.get_model_version_by_alias("Unicorn", "stable").version == 1
    page(ui.post("/models/Unicorn/aliases/delete", alias="stable"))
    assert "stable" not in unicorn.registry.get_registered_model("Unicorn").aliases


def test_an_alias_to_a_missing_version_is_refused_in_the_page(
    ui: Ui, unicorn: LocalBackend
) -> None:
    html = page(ui.post("/models/Unicorn/aliases", alias="stable", version="9"))
    assert "version=9) not found" in html


def test_rename_asks_first_then_renames(ui: Ui, unicorn: LocalBackend) -> None:
    confirm = page(ui.post("/models/Unicorn/rename", new_name="Pegasus"))
    assert "Rename Unicorn?" in confirm
    assert "models:/Unicorn/1 stop working" in confirm
    assert unicorn.registry.get_registered_model("Unicorn")  # nothing changed yet
    response = ui.post("/models/Unicorn/rename", new_name="Pegasus", confirmed="yes")
    assert response.url.path == "/models/Pegasus"
    assert "Renamed to &#39;Pegasus&#39;." in page(response)
    assert unicorn.registry.get_model_version("Pegasus", 2).aliases == ["champion"]


def test_delete_asks_first_then_deletes(ui: Ui, unicorn: LocalBackend) -> None:
    confirm = page(ui.post("/models/Unicorn/delete"))
    assert "Delete Unicorn?" in confirm
    assert "up to version 2" in confirm
    unicorn.registry.get_registered_model("Unicorn")
    response = ui.post("/models/Unicorn/delete", confirmed="yes")
    assert response.url.path == "/"
    assert "Model &#39;Unicorn&#39; deleted." in page(response)
    with pytest.raises(RegisteredModelNotFound):
        unicorn.registry.get_registered_model("Unicorn")


def test_a_form_on_a_missing_model_leads_to_its_404(ui: Ui) -> None:
    assert "not found" in page(ui.post("/models/nope/tags", key="a", value="b"), 404)
