"""A version's page: what it shows, and its stage, alias, tag, description and delete forms."""

from __future__ import annotations

import shutil

import pytest

from modelreg.artifacts import artifact_store_for
from modelreg.backend import LocalBackend
from modelreg.entities import Stage
from modelreg.errors import ModelVersionNotFound
from tests.ui.conftest import Ui, page


def test_the_page_shows_stage_uri_and_source_run(
    ui: Ui, unicorn: LocalBackend, run_id: str
) -> None:
    html = page(ui.get("/models/Unicorn/versions/2"))
    assert '<span class="badge stage-staging">Staging</span>' in html
    assert "<code>models:/Unicorn/2</code>" in html
    assert "<code>models:/Unicorn@champion</code>" in html
    assert 'data-copy="model-uri"' in html
    assert f'href="/runs/{run_id}"' in html
    assert "<code>alpha</code>" in html  # the run's params...
    assert "0.88" in html  # ...and latest metrics


def test_the_page_shows_the_signature_example_and_files(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.get("/models/Unicorn/versions/1"))
    assert "<code>R&amp;D Spend</code></td><td>double</td>" in html
    assert "<code>State</code></td><td>string</td>" in html
    assert '<span class="muted">(unnamed)</span></td><td>double</td>' in html
    assert "&#34;New York&#34;" in html  # the input example
    assert "<code>MLmodel</code>" in html
    assert "<code>input_example.json</code>" in html
    assert "<code>checksums</code>" in html
    assert " B</td>" in html  # sizes


def test_the_page_has_a_ready_made_serve_and_curl(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.get("/models/Unicorn/versions/1"))
    assert "modelreg models serve -m models:/Unicorn/1 --port 5001" in html
    assert "curl -X POST http://127.0.0.1:5001/invocations" in html
    assert "&#34;dataframe_split&#34;: {&#34;columns&#34;: [&#34;R&amp;D Spend&#34;" in html


def test_missing_files_are_tolerated(ui: Ui, unicorn: LocalBackend) -> None:
    location = unicorn.registry.get_model_version("Unicorn", 1).storage_location
    assert location is not None
    shutil.rmtree(artifact_store_for(location).uri().removeprefix("file://"))
    html = page(ui.get("/models/Unicorn/versions/1"))
    assert "Could not read MLmodel: No such artifact" in html
    assert "No signature was saved with this model." in html
    assert "Traceback" not in html


def test_a_version_with_an_unusable_source_still_renders(ui: Ui, backend: LocalBackend) -> None:
    backend.registry.create_registered_model("Legacy")
    backend.registry.create_model_version("Legacy", "hdfs://old-cluster/model")
    html = page(ui.get("/models/Legacy/versions/1"))
    assert "Could not find the files" in html
    assert "This version was not registered from a run." in html


def test_a_missing_version_is_a_404_page(ui: Ui, unicorn: LocalBackend) -> None:
    assert "version=7) not found" in page(ui.get("/models/Unicorn/versions/7"), 404)
    assert "must be an integer" in page(ui.get("/models/Unicorn/versions/seven"), 400)


def test_a_transition_asks_first_and_names_what_will_be_archived(
    ui: Ui, unicorn: LocalBackend
) -> None:
    html = page(
        ui.post(
            "/models/Unicorn/versions/2/stage", stage="Production", archive_existing_versions="on"
        )
    )
    assert "Move Unicorn version 2 to Production?" in html
    assert "Version 2: Staging → Production." in html
    assert "will be moved to Archived (the latest is version 1)" in html
    assert unicorn.registry.get_model_version("Unicorn", 2).current_stage == Stage.STAGING


def test_a_confirmed_transition_archives_the_previous_holder(ui: Ui, unicorn: LocalBackend) -> None:
    response = ui.post(
        "/models/Unicorn/versions/2/stage",
        stage="Production",
        archive_existing_versions="yes",
        confirmed="yes",
    )
    assert response.url.path == "/models/Unicorn/versions/2"
    assert "Version 2 moved to Production; the other versions in Production were archived." in page(
        response
    )
    registry = unicorn.registry
    assert registry.get_model_version("Unicorn", 2).current_stage == Stage.PRODUCTION
    assert registry.get_model_version("Unicorn", 1).current_stage == Stage.ARCHIVED


def test_a_transition_without_archiving_leaves_the_others(ui: Ui, unicorn: LocalBackend) -> None:
    confirm = page(ui.post("/models/Unicorn/versions/2/stage", stage="production"))
    assert "Version 1 stays in Production as well." in confirm
    ui.post("/models/Unicorn/versions/2/stage", stage="Production", confirmed="yes")
    assert unicorn.registry.get_model_version("Unicorn", 1).current_stage == Stage.PRODUCTION


def test_an_invalid_stage_is_refused_in_the_page(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.post("/models/Unicorn/versions/2/stage", stage="Prod"))
    assert "Invalid Model Version stage: Prod" in html


def test_archiving_existing_into_archived_is_refused_in_the_page(
    ui: Ui, unicorn: LocalBackend
) -> None:
    html = page(
        ui.post(
            "/models/Unicorn/versions/2/stage",
            stage="Archived",
            archive_existing_versions="yes",
            confirmed="yes",
        )
    )
    assert "cannot archive existing model versions" in html
    assert unicorn.registry.get_model_version("Unicorn", 2).current_stage == Stage.STAGING


def test_set_and_remove_an_alias_here(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.post("/models/Unicorn/versions/1/aliases", alias="champion"))
    assert "Alias &#39;champion&#39; now points at version 1." in html
    assert unicorn.registry.get_model_version_by_alias("Unicorn", "champion").version == 1
    page(ui.post("/models/Unicorn/versions/1/aliases/delete", alias="champion"))
    assert unicorn.registry.get_registered_model("Unicorn").aliases == {}


def test_a_reserved_alias_is_refused_in_the_page(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.post("/models/Unicorn/versions/1/aliases", alias="latest"))
    assert "reserved" in html


def test_add_and_remove_a_version_tag(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.post("/models/Unicorn/versions/1/tags", key="validated", value="yes"))
    assert "<code>validated</code>" in html
    assert unicorn.registry.get_model_version("Unicorn", 1).tags == {"validated": "yes"}
    page(ui.post("/models/Unicorn/versions/1/tags/delete", key="validated"))
    assert unicorn.registry.get_model_version("Unicorn", 1).tags == {}


def test_edit_the_version_description(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.post("/models/Unicorn/versions/1/description", description="Trained on *Q3*."))
    assert "<em>Q3</em>" in html
    assert unicorn.registry.get_model_version("Unicorn", 1).description == "Trained on *Q3*."


def test_delete_a_version_asks_first(ui: Ui, unicorn: LocalBackend) -> None:
    assert "Delete Unicorn version 1?" in page(ui.post("/models/Unicorn/versions/1/delete"))
    response = ui.post("/models/Unicorn/versions/1/delete", confirmed="yes")
    assert response.url.path == "/models/Unicorn"
    assert "Version 1 deleted." in page(response)
    with pytest.raises(ModelVersionNotFound):
        unicorn.registry.get_model_version("Unicorn", 1)
