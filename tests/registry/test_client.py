"""The Client facade: where it finds the registry, and that it speaks MlflowClient's names."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from modelreg import Client
from modelreg.config import TRACKING_URI_ENV, Settings, default_tracking_uri
from modelreg.errors import InvalidParameterValue, RegisteredModelNotFound
from modelreg.service import RegistryService


def test_client_runs_the_seed_workflow(store_uri: str) -> None:
    client = Client(store_uri)
    try:
        client.create_registered_model(name="Unicorn")
        client.create_model_version("Unicorn", "runs:/abc/model", run_id="abc")
        client.create_model_version("Unicorn", "runs:/abd/model", run_id="abd")
        client.create_model_version("Unicorn", "runs:/abe/model", run_id="abe")
        client.transition_model_version_stage(name="Unicorn", version=3, stage="Staging")
        moved = client.transition_model_version_stage(name="Unicorn", version=3, stage="Production")
        assert moved.current_stage == "Production"
        results = client.search_registered_models(filter_string="name LIKE 'Unicorn%'")
        assert [m.name for m in results] == ["Unicorn"]
        assert client.get_latest_versions("Unicorn", stages=["Production"])[0].version == 3
    finally:
        client.close()


def test_client_uses_the_environment_then_the_embedded_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(TRACKING_URI_ENV, raising=False)
    client = Client()
    client.create_registered_model("Embedded")
    client.close()
    assert client.tracking_uri == default_tracking_uri(tmp_path)
    assert (tmp_path / "modelreg-data" / "registry.db").is_file()

    elsewhere = tmp_path / "elsewhere.db"
    monkeypatch.setenv(TRACKING_URI_ENV, f"sqlite:///{elsewhere}")
    client = Client()
    with pytest.raises(RegisteredModelNotFound):
        client.get_registered_model("Embedded")
    client.close()
    assert elsewhere.is_file()


def test_a_folder_path_opens_the_embedded_layout_there(tmp_path: Path) -> None:
    client = Client(str(tmp_path / "reg"))
    client.create_registered_model("M")
    client.close()
    assert (tmp_path / "reg" / "registry.db").is_file()


@pytest.mark.parametrize("uri", ["ftp://x/y", "mysql://db/x"])
def test_unsupported_uris_fail_clearly(uri: str) -> None:
    with pytest.raises(InvalidParameterValue, match="URI"):
        Client(uri)


def test_settings_prefer_argument_over_environment() -> None:
    environ = {TRACKING_URI_ENV: "sqlite:///env.db"}
    assert Settings.resolve("sqlite:///arg.db", environ).tracking_uri == "sqlite:///arg.db"
    assert Settings.resolve(None, environ).tracking_uri == "sqlite:///env.db"


def test_client_has_a_method_for_every_registry_operation() -> None:
    public = {
        name
        for name, _ in inspect.getmembers(RegistryService, inspect.isfunction)
        if not name.startswith("_")
    }
    # Internal to registration (tracking-lite), to the trash collector (`modelreg gc`) and
    # to the server's cache of read answers.
    internal = {
        "finish_model_version",
        "generation",
        "get_model_version_by_idempotency_key",
        "purge_deleted_versions",
    }
    missing = public - set(dir(Client)) - internal
    assert not missing


def test_entities_print_readably(tmp_path: Path) -> None:
    client = Client(str(tmp_path))
    client.create_registered_model("Unicorn")
    printed = repr(client.create_model_version("Unicorn", "runs:/r/model"))
    client.close()
    assert "name='Unicorn'" in printed
    assert "version=1" in printed
    assert "current_stage='None'" in printed
    assert "status='READY'" in printed
