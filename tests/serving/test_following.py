"""Following the registry: a stage or alias that moves is loaded in the background and swapped
in atomically; rollbacks swap back; failures keep the current version serving."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from starlette.testclient import TestClient

from modelreg import Client
from modelreg.config import Settings
from modelreg.entities import ModelVersion
from modelreg.remote import open_remote_backend
from modelreg.server import create_app
from modelreg.serving import ServingSettings, create_scoring_app
from modelreg.serving.loading import LoadedModel, ModelSource
from tests.serving.conftest import V2_OFFSET, ServeFactory, split_body, wait_until

POLL = 0.05


def _answer(session: TestClient, frame: pd.DataFrame, name: str = "Unicorn") -> tuple[str, float]:
    response = session.post(f"/invocations/{name}", json=split_body(frame))
    assert response.status_code == 200, response.text
    return response.headers["x-model-version"], response.json()["predictions"][0]


def _served_version(session: TestClient) -> str | None:
    version: str | None = session.get("/version").json()["models"][0]["version"]
    return version


def test_promotion_switches_to_the_new_version(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame
) -> None:
    session = serve(["models:/Unicorn/Production"], poll_interval=POLL)
    frame = startups.head(1)
    version, before = _answer(session, frame)
    assert version == "1"
    unicorn.transition_model_version_stage(
        "Unicorn", 2, "Production", archive_existing_versions=True
    )
    wait_until(lambda: _served_version(session) == "2", what="version 2 to be served")
    version, after = _answer(session, frame)
    assert version == "2"
    assert after == pytest.approx(before + V2_OFFSET)


def test_rollback_swaps_back_without_reloading(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame
) -> None:
    session = serve(["models:/Unicorn/Production"], poll_interval=POLL)
    unicorn.transition_model_version_stage(
        "Unicorn", 2, "Production", archive_existing_versions=True
    )
    wait_until(lambda: _served_version(session) == "2", what="version 2")
    unicorn.transition_model_version_stage(
        "Unicorn", 1, "Production", archive_existing_versions=True
    )
    wait_until(lambda: _served_version(session) == "1", what="version 1 again")
    assert _answer(session, startups.head(1))[0] == "1"
    metrics = session.get("/metrics").text
    assert (
        'modelreg_model_loads_total{model="Unicorn",variant="primary",outcome="loaded"} 2'
        in metrics
    )
    assert 'outcome="rolled_back"} 1' in metrics
    assert 'modelreg_model_swaps_total{model="Unicorn",variant="primary"} 2' in metrics


def test_alias_that_moves_is_followed(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame
) -> None:
    session = serve(["models:/Unicorn@champion"], poll_interval=POLL)
    assert _answer(session, startups.head(1))[0] == "1"
    unicorn.set_registered_model_alias("Unicorn", "champion", 2)
    wait_until(lambda: _served_version(session) == "2", what="the alias to be followed")


def test_fixed_version_is_not_followed(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame
) -> None:
    session = serve(["models:/Unicorn/1"], poll_interval=POLL)
    unicorn.transition_model_version_stage(
        "Unicorn", 2, "Production", archive_existing_versions=True
    )
    watcher = session.app.state.watcher  # type: ignore[attr-defined]
    watcher.poll_once()
    assert _answer(session, startups.head(1))[0] == "1"
    assert session.get("/version").json()["models"][0]["follows_registry"] is False


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Loading version 2 waits until the returned event is set."""
    release = threading.Event()
    real_load = ModelSource.load

    def load(self: ModelSource, version: ModelVersion | None) -> LoadedModel:
        if version is not None and int(version.version) == 2:
            assert release.wait(30), "version 2 was never released"
        return real_load(self, version)

    monkeypatch.setattr(ModelSource, "load", load)
    return release


def test_requests_are_answered_by_the_old_version_while_the_new_one_loads(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame, gate: threading.Event
) -> None:
    session = serve(["models:/Unicorn/Production"], poll_interval=POLL)
    unicorn.transition_model_version_stage(
        "Unicorn", 2, "Production", archive_existing_versions=True
    )
    wait_until(
        lambda: 'outcome="changed"' in session.get("/metrics").text, what="the change to be seen"
    )
    for _ in range(5):
        assert _answer(session, startups.head(1))[0] == "1"
    assert session.get("/ping").status_code == 200
    gate.set()
    wait_until(lambda: _served_version(session) == "2", what="the swap")
    assert _answer(session, startups.head(1))[0] == "2"


def test_ping_is_503_until_the_first_version_is_loaded(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame, gate: threading.Event
) -> None:
    session = serve(["models:/Unicorn/2"], wait=False)
    ping = session.get("/ping")
    assert ping.status_code == 503
    assert "loading" in ping.json()["message"]
    response = session.post("/invocations", json=split_body(startups.head(1)))
    assert response.status_code == 503
    assert response.json()["error_class"] == "MODEL_NOT_READY"
    assert session.get("/v2/health/ready").status_code == 503
    assert session.get("/v2/health/live").status_code == 200
    gate.set()
    wait_until(lambda: session.get("/ping").status_code == 200, what="ready")


def test_an_emptied_stage_keeps_the_current_version(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame
) -> None:
    session = serve(["models:/Unicorn/Production"], poll_interval=POLL)
    unicorn.transition_model_version_stage("Unicorn", 1, "Archived")
    wait_until(
        lambda: 'modelreg_registry_polls_total{outcome="failed"}' in session.get("/metrics").text,
        what="a failed poll",
    )
    assert session.get("/ping").status_code == 200
    assert _answer(session, startups.head(1))[0] == "1"


def test_a_version_that_fails_to_load_keeps_the_current_one(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_load = ModelSource.load

    def load(self: ModelSource, version: ModelVersion | None) -> Any:
        if version is not None and int(version.version) == 2:
            raise OSError("disk full")
        return real_load(self, version)

    monkeypatch.setattr(ModelSource, "load", load)
    session = serve(["models:/Unicorn/Production"], poll_interval=POLL)
    unicorn.transition_model_version_stage(
        "Unicorn", 2, "Production", archive_existing_versions=True
    )
    wait_until(
        lambda: "error" in session.get("/version").json()["models"][0], what="the load failure"
    )
    model = session.get("/version").json()["models"][0]
    assert (model["version"], model["status"]) == ("1", "READY")
    assert "Cannot load version 2" in model["error"]
    assert "disk full" in model["error"]
    assert _answer(session, startups.head(1))[0] == "1"
    # Retried with a growing delay while version 1 keeps serving.
    failed = re.search(r'loads_total\{[^}]*outcome="failed"\} (\d+)', session.get("/metrics").text)
    assert failed is not None
    assert int(failed.group(1)) >= 1


def test_a_model_that_cannot_be_resolved_yet_is_picked_up_later(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame
) -> None:
    session = serve(["models:/Unicorn/Staging"], wait=False, poll_interval=POLL)
    wait_until(
        lambda: (
            session.get("/ping").status_code == 503
            and "Cannot resolve" in session.get("/ping").text
        )
    )
    response = session.post("/invocations", json=split_body(startups.head(1)))
    assert response.status_code == 503
    assert "could not be loaded" in response.json()["message"]
    unicorn.transition_model_version_stage("Unicorn", 2, "Staging")
    wait_until(lambda: session.get("/ping").status_code == 200, what="the staging version")
    assert _answer(session, startups.head(1))[0] == "2"


def test_load_before_serving_is_ready_as_soon_as_it_answers(
    unicorn: Client, serve: ServeFactory
) -> None:
    session = serve(["models:/Unicorn/Production"], wait=False, load_before_serving=True)
    assert session.get("/ping").status_code == 200
    assert session.get("/version").json()["models"][0]["version"] == "1"


def test_follows_a_registry_reached_over_http(
    unicorn: Client, registry_settings: Settings, startups: pd.DataFrame, tmp_path: Path
) -> None:
    """The registry behind a modelreg server (in-process, over its REST API)."""
    with TestClient(create_app(registry_settings)) as registry_server:
        remote_settings = Settings("http://testserver", "", tmp_path / "remote-cache")
        remote = Client(
            "http://testserver",
            backend=open_remote_backend(remote_settings, session=registry_server),
        )
        settings = ServingSettings(remote_settings, poll_interval=POLL)
        app = create_scoring_app(["models:/Unicorn/Production"], settings, client=remote)
        with TestClient(app) as session:
            wait_until(lambda: session.get("/ping").status_code == 200, what="ready")
            assert _answer(session, startups.head(1))[0] == "1"
            unicorn.transition_model_version_stage("Unicorn", 2, "Production", True)
            wait_until(lambda: _served_version(session) == "2", what="version 2 over HTTP")
            assert _answer(session, startups.head(1))[0] == "2"
        remote.close()
