"""Registering model files: sources, copies into registry storage, failures, resolution."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from modelreg import Client
from modelreg.entities import ModelVersionStatus
from modelreg.errors import (
    InvalidParameterValue,
    ModelVersionNotFound,
    RegisteredModelNotFound,
    ResourceNotFound,
)
from modelreg.models import ModelIntegrityError, verify_checksums
from modelreg.service.registration import RegistrationFailed


def make_model_folder(path: Path, payload: str = "weights") -> Path:
    """A minimal model folder: an MLmodel file and one data file."""
    path.mkdir(parents=True)
    (path / "MLmodel").write_text("flavors: {}\n")
    (path / "data.bin").write_text(payload)
    return path


@pytest.fixture
def client(store_uri: str, tmp_path: Path) -> Iterator[Client]:
    client = Client(store_uri, artifact_root=str(tmp_path / "artifacts"))
    yield client
    client.close()


def registry_copy(client: Client, name: str, version: int) -> Path:
    location = client.get_model_version(name, version).storage_location
    assert location is not None
    assert location.startswith("file://")
    return Path(location.removeprefix("file://"))


def test_register_local_folder_copies_files_and_creates_model(
    client: Client, tmp_path: Path
) -> None:
    source = make_model_folder(tmp_path / "model")
    version = client._backend.registration.register_model(str(source), "Unicorn", {"k": "v"})
    assert (version.version, version.status, version.tags) == (
        1,
        ModelVersionStatus.READY,
        {"k": "v"},
    )
    assert version.source == str(source.resolve())
    copy = registry_copy(client, "Unicorn", 1)
    assert (copy / "data.bin").read_text() == "weights"
    assert verify_checksums(copy)  # a manifest was written beside the copied files
    # The version no longer depends on the source folder.
    (source / "data.bin").write_text("changed")
    assert (copy / "data.bin").read_text() == "weights"
    assert client.get_model_version_download_uri("Unicorn", 1) == copy.as_uri()


def test_register_from_run_keeps_run_id(client: Client, tmp_path: Path) -> None:
    experiment_id = client.create_experiment("exp")
    run_id = client.create_run(experiment_id).info.run_id
    client.log_artifacts(run_id, str(make_model_folder(tmp_path / "m")), "model")
    version = client._backend.registration.register_model(f"runs:/{run_id}/model", "Unicorn")
    assert (version.run_id, version.source) == (run_id, f"runs:/{run_id}/model")
    client.delete_run(run_id)
    folder = client._backend.registration.download_model("models:/Unicorn/1")
    assert (folder / "data.bin").read_text() == "weights"


def test_register_second_version_and_from_models_uri(client: Client, tmp_path: Path) -> None:
    registration = client._backend.registration
    registration.register_model(str(make_model_folder(tmp_path / "a", "one")), "Unicorn")
    registration.register_model(str(make_model_folder(tmp_path / "b", "two")), "Unicorn")
    copied = registration.register_model("models:/Unicorn/1", "Pegasus")
    assert copied.source == "models:/Unicorn/1"
    assert (registry_copy(client, "Pegasus", 1) / "data.bin").read_text() == "one"
    assert client.get_registered_model("Unicorn").latest_versions[-1].version == 2


def test_folder_without_mlmodel_is_refused_and_nothing_is_created(
    client: Client, tmp_path: Path
) -> None:
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    (empty / "x").write_text("x")
    with pytest.raises(ResourceNotFound, match="no MLmodel file"):
        client._backend.registration.register_model(str(empty), "Unicorn")
    with pytest.raises(RegisteredModelNotFound):
        client.get_registered_model("Unicorn")


def test_failed_copy_marks_version_failed_and_leaves_no_files(
    client: Client, tmp_path: Path
) -> None:
    source = make_model_folder(tmp_path / "model")
    (source / "checksums").write_text(f"{'0' * 64}  data.bin\n{'0' * 64}  MLmodel\n")
    with pytest.raises(RegistrationFailed, match="Copying the model files failed"):
        client._backend.registration.register_model(str(source), "Unicorn")
    version = client.get_model_version("Unicorn", 1)
    assert version.status == ModelVersionStatus.FAILED_REGISTRATION
    assert "data.bin" in (version.status_message or "")
    assert version.storage_location is None
    registry_root = tmp_path / "artifacts" / "registry"
    assert not registry_root.exists() or not any(registry_root.iterdir())
    with pytest.raises(InvalidParameterValue, match="FAILED_REGISTRATION"):
        client._backend.registration.download_model("models:/Unicorn/1")


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("models:/Unicorn/2", "two"),
        ("models:/Unicorn/latest", "three"),
        ("models:/Unicorn/production", "one"),
        ("models:/Unicorn@champion", "two"),
    ],
)
def test_models_uris_resolve_to_the_right_files(
    client: Client, tmp_path: Path, uri: str, expected: str
) -> None:
    registration = client._backend.registration
    for i, payload in enumerate(["one", "two", "three"]):
        registration.register_model(str(make_model_folder(tmp_path / str(i), payload)), "Unicorn")
    client.transition_model_version_stage("Unicorn", 1, "Production")
    client.set_registered_model_alias("Unicorn", "champion", 2)
    folder = registration.download_model(uri)
    assert (folder / "data.bin").read_text() == expected


@pytest.mark.parametrize(
    ("uri", "error"),
    [
        ("models:/Nope/1", RegisteredModelNotFound),
        ("models:/Unicorn/7", ModelVersionNotFound),
        ("models:/Unicorn/Staging", ResourceNotFound),
        ("models:/Unicorn@nope", InvalidParameterValue),
        ("models:/Unicorn/Bogus", InvalidParameterValue),
        ("runs:/" + "0" * 32 + "/model", ResourceNotFound),
        ("ftp://host/model", InvalidParameterValue),
    ],
)
def test_unresolvable_uris_fail_clearly(
    client: Client, tmp_path: Path, uri: str, error: type[Exception]
) -> None:
    client._backend.registration.register_model(str(make_model_folder(tmp_path / "m")), "Unicorn")
    with pytest.raises(error):
        client._backend.registration.download_model(uri)


def test_remote_versions_are_cached_by_content(client: Client, tmp_path: Path) -> None:
    registration = client._backend.registration
    registration.register_model(str(make_model_folder(tmp_path / "m")), "Unicorn")
    # Local storage is used in place; a copy into dst_path is fresh each time.
    in_place = registration.download_model("models:/Unicorn/1")
    assert in_place == registry_copy(client, "Unicorn", 1)
    copied = registration.download_model("models:/Unicorn/1", str(tmp_path / "dst"))
    assert (copied / "data.bin").read_text() == "weights"


def test_tampered_registry_copy_is_detected_on_load(client: Client, tmp_path: Path) -> None:
    registration = client._backend.registration
    registration.register_model(str(make_model_folder(tmp_path / "m")), "Unicorn")
    (registry_copy(client, "Unicorn", 1) / "data.bin").write_text("evil")
    folder = registration.download_model("models:/Unicorn/1")
    with pytest.raises(ModelIntegrityError, match=r"data\.bin"):
        verify_checksums(folder)
