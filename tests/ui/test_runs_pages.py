"""Experiments, runs and a run's page: metrics charts, artifacts, downloads, registration."""

from __future__ import annotations

import re
from pathlib import Path

from modelreg.artifacts import artifact_store_for
from modelreg.backend import LocalBackend
from modelreg.entities import ModelVersionStatus
from modelreg.entities.logged_models import ModelOutput
from tests.ui.conftest import Ui, page, write_model_folder


def test_the_experiments_list_links_each_experiment(ui: Ui, run_id: str) -> None:
    html = page(ui.get("/experiments"))
    assert '<a href="/experiments/0">Default</a>' in html


def test_experiments_can_be_searched(ui: Ui, backend: LocalBackend) -> None:
    backend.tracking.create_experiment("unicorn-training")
    html = page(ui.get("/experiments", params={"q": "unicorn"}))
    assert "unicorn-training" in html
    assert "Default" not in html.split("<table", 1)[1]


def test_the_runs_table_shows_params_and_metrics(ui: Ui, run_id: str) -> None:
    html = page(ui.get("/experiments/0"))
    assert f'<a href="/runs/{run_id}">baseline</a>' in html
    assert '<th scope="col" class="param" title="param">alpha</th>' in html
    assert '<th scope="col" class="metric num" title="metric">r2</th>' in html
    assert '<td class="num">0.88</td>' in html
    assert "FINISHED" in html


def test_runs_can_be_filtered_with_metrics(ui: Ui, backend: LocalBackend, run_id: str) -> None:
    assert "baseline" in page(ui.get("/experiments/0", params={"q": "metrics.r2 > 0.8"}))
    assert "No runs match" in page(ui.get("/experiments/0", params={"q": "metrics.r2 > 0.9"}))
    assert "baseline" in page(ui.get("/experiments/0", params={"q": "base"}))
    assert "Invalid" in page(ui.get("/experiments/0", params={"q": "metrics.r2 > high"}), 400)


def test_a_missing_experiment_or_run_is_a_404_page(ui: Ui) -> None:
    page(ui.get("/experiments/42"), 404)
    page(ui.get("/runs/0123456789abcdef0123456789abcdef"), 404)


def test_the_run_page_charts_each_metric(ui: Ui, run_id: str) -> None:
    html = page(ui.get(f"/runs/{run_id}"))
    charts = re.findall(r'<svg class="chart"[^>]*aria-label="([^"]+)"', html)
    assert charts == ["r2: 4 values from 0.61 to 0.88", "rmse: 1 values from 812.5 to 812.5"]
    assert re.search(r'<polyline points="4\.0,60\.0 [^"]+ 236\.0,4\.0"', html)
    assert "<code>alpha</code>" in html


def test_the_artifact_browser_lists_folders_and_marks_models(ui: Ui, run_id: str) -> None:
    html = page(ui.get(f"/runs/{run_id}"))
    assert (
        f'href="/runs/{run_id}?path=model#artifacts">📁 model/</a> <span class="badge">model</span>'
        in html
    )
    assert f'href="/runs/{run_id}?path=extra#artifacts">📁 extra/</a></td>' in html
    assert "Register model" not in html  # the root is not a model folder


def test_a_model_folder_offers_registration(ui: Ui, run_id: str) -> None:
    html = page(ui.get(f"/runs/{run_id}", params={"path": "model"}))
    assert '<input type="hidden" name="path" value="model">' in html
    assert "Register model" in html
    assert f'href="/runs/{run_id}/artifact?path=model%2FMLmodel" download' in html


def test_a_bad_artifact_path_is_shown_in_the_page(ui: Ui, run_id: str) -> None:
    assert "Invalid artifact path" in page(ui.get(f"/runs/{run_id}", params={"path": "../x"}))
    assert "No artifacts under &#39;nope&#39;" in page(
        ui.get(f"/runs/{run_id}", params={"path": "nope"})
    )


def test_download_streams_the_file_as_an_attachment(ui: Ui, run_id: str) -> None:
    response = ui.get(f"/runs/{run_id}/artifact", params={"path": "extra/notes.txt"})
    assert response.status_code == 200
    assert response.content == b"hello <b>world</b>"
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''notes.txt"
    assert response.headers["content-security-policy"].startswith("sandbox")


def test_download_of_a_missing_file_is_a_404_page(ui: Ui, run_id: str) -> None:
    page(ui.get(f"/runs/{run_id}/artifact", params={"path": "extra/none.txt"}), 404)
    page(ui.get(f"/runs/{run_id}/artifact", params={"path": "/etc/passwd"}), 400)


def test_register_a_model_folder_as_a_new_model(ui: Ui, backend: LocalBackend, run_id: str) -> None:
    response = ui.post(f"/runs/{run_id}/register", path="model", name="Unicorn", target="new")
    assert response.url.path == "/models/Unicorn/versions/1"
    assert "Registered model as a version of &#39;Unicorn&#39;." in page(response)
    version = backend.registry.get_model_version("Unicorn", 1)
    assert (version.run_id, version.source) == (run_id, f"runs:/{run_id}/model")
    assert version.status == ModelVersionStatus.READY


def test_register_into_an_existing_model(ui: Ui, unicorn: LocalBackend, run_id: str) -> None:
    response = ui.post(f"/runs/{run_id}/register", path="model", name="Unicorn", target="existing")
    assert response.url.path == "/models/Unicorn/versions/3"


def test_register_as_new_refuses_an_existing_name(
    ui: Ui, unicorn: LocalBackend, run_id: str
) -> None:
    response = ui.post(f"/runs/{run_id}/register", path="model", name="Unicorn", target="new")
    assert response.url.path == f"/runs/{run_id}"
    assert "already exists" in page(response)


def test_register_into_a_missing_model_is_refused(ui: Ui, run_id: str) -> None:
    html = page(ui.post(f"/runs/{run_id}/register", path="model", name="Ghost", target="existing"))
    assert "Registered Model with name=Ghost not found" in html


def test_register_a_folder_without_a_model_is_refused(
    ui: Ui, backend: LocalBackend, run_id: str
) -> None:
    html = page(ui.post(f"/runs/{run_id}/register", path="extra", name="Notes", target="existing"))
    assert "not found" in html
    html = page(ui.post(f"/runs/{run_id}/register", path="extra", name="Notes", target="new"))
    assert "the folder has no MLmodel file" in html
    assert backend.registry.search_registered_models() == []  # no empty model left behind


def test_models_logged_the_mlflow_3_way_can_be_registered(
    ui: Ui, backend: LocalBackend, run_id: str, tmp_path: Path
) -> None:
    logged_models = backend.logged_models
    model = logged_models.create_logged_model("0", name="classifier", source_run_id=run_id)
    folder = write_model_folder(tmp_path / "classifier")
    artifact_store_for(model.artifact_location).put_dir("", folder)
    logged_models.finalize_logged_model(model.model_id, "LOGGED_MODEL_READY")
    logged_models.log_outputs(run_id, [ModelOutput(model.model_id)])
    html = page(ui.get(f"/runs/{run_id}"))
    assert f"<code>{model.model_id}</code>" in html
    assert '<input type="hidden" name="path" value="classifier">' in html
    response = ui.post(f"/runs/{run_id}/register", path="classifier", name="Clf", target="new")
    assert response.url.path == "/models/Clf/versions/1"
    assert "<code>R&amp;D Spend</code>" in page(response)
