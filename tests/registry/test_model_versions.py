"""Model versions: numbering, stages, tags, deletes — on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from modelreg.entities import ModelVersionStatus, Stage
from modelreg.errors import (
    InvalidParameterValue,
    InvalidStage,
    ModelVersionNotFound,
    RegisteredModelNotFound,
)
from modelreg.service import RegistryService
from modelreg.store.sql import SqlRegistryStore
from tests.conftest import FakeClock


@pytest.fixture
def unicorn(registry: RegistryService) -> RegistryService:
    """A registry holding the model Unicorn with versions 1 to 3."""
    registry.create_registered_model("Unicorn")
    for _ in range(3):
        registry.create_model_version("Unicorn", "runs:/r/model", run_id="r")
    return registry


def test_versions_are_numbered_from_one(registry: RegistryService) -> None:
    registry.create_registered_model("Unicorn")
    registry.create_registered_model("Pegasus")
    assert registry.create_model_version("Unicorn", "s").version == 1
    assert registry.create_model_version("Unicorn", "s").version == 2
    assert registry.create_model_version("Pegasus", "s").version == 1


def test_new_version_has_defaults_and_given_fields(registry: RegistryService) -> None:
    registry.create_registered_model("Unicorn")
    version = registry.create_model_version(
        "Unicorn",
        "runs:/abc/model",
        run_id="abc",
        tags={"via": "test"},
        run_link="http://x",
        description="first",
    )
    assert version.current_stage == Stage.NONE
    assert version.status == ModelVersionStatus.READY
    assert (version.source, version.run_id, version.run_link) == (
        "runs:/abc/model",
        "abc",
        "http://x",
    )
    assert (version.tags, version.description, version.aliases) == ({"via": "test"}, "first", [])
    assert registry.get_model_version("Unicorn", "1") == version


def test_create_version_bumps_model_last_updated(registry: RegistryService) -> None:
    created = registry.create_registered_model("Unicorn")
    version = registry.create_model_version("Unicorn", "s")
    model = registry.get_registered_model("Unicorn")
    assert model.last_updated_timestamp == version.creation_timestamp
    assert model.last_updated_timestamp > created.last_updated_timestamp


def test_create_version_of_missing_model_is_not_found(registry: RegistryService) -> None:
    with pytest.raises(RegisteredModelNotFound):
        registry.create_model_version("Nope", "s")


def test_create_version_without_source_is_invalid(registry: RegistryService) -> None:
    registry.create_registered_model("Unicorn")
    with pytest.raises(InvalidParameterValue, match="source"):
        registry.create_model_version("Unicorn", "")


def test_concurrent_creates_give_gapless_unique_numbers(store_uri: str) -> None:
    # Each thread has its own connection from the pool; 16 writers race on one model.
    store = SqlRegistryStore.from_uri(store_uri)
    registry = RegistryService(store)
    registry.create_registered_model("Unicorn")
    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [
            pool.submit(registry.create_model_version, "Unicorn", f"runs:/{i}/model")
            for i in range(16)
        ]
        numbers = sorted(future.result().version for future in futures)
    stored = {v.version for v in registry.search_model_versions("name = 'Unicorn'")}
    store.close()
    assert numbers == list(range(1, 17))
    assert stored == set(range(1, 17))


def test_numbers_are_not_reused_after_deleting_the_latest(unicorn: RegistryService) -> None:
    unicorn.delete_model_version("Unicorn", 3)
    unicorn.delete_model_version("Unicorn", 2)
    assert unicorn.create_model_version("Unicorn", "s").version == 4


def test_delete_version_removes_it_with_its_aliases(unicorn: RegistryService) -> None:
    unicorn.set_registered_model_alias("Unicorn", "champion", 2)
    unicorn.set_registered_model_alias("Unicorn", "other", 3)
    with pytest.raises(InvalidParameterValue, match="alias @champion"):
        unicorn.delete_model_version("Unicorn", 2)
    unicorn.delete_model_version("Unicorn", 2, force=True)
    with pytest.raises(ModelVersionNotFound):
        unicorn.get_model_version("Unicorn", 2)
    assert unicorn.get_registered_model("Unicorn").aliases == {"other": 3}


def test_delete_missing_version_is_not_found(unicorn: RegistryService) -> None:
    with pytest.raises(ModelVersionNotFound) as raised:
        unicorn.delete_model_version("Unicorn", 99)
    assert raised.value.message == "Model Version (name=Unicorn, version=99) not found"


@pytest.mark.parametrize("version", ["abc", "1.5", 0, -1, True])
def test_invalid_version_numbers_are_refused(unicorn: RegistryService, version: object) -> None:
    with pytest.raises(InvalidParameterValue, match="version"):
        unicorn.get_model_version("Unicorn", version)  # type: ignore[arg-type]


def test_update_version_description(unicorn: RegistryService) -> None:
    before = unicorn.get_model_version("Unicorn", 2)
    after = unicorn.update_model_version("Unicorn", 2, "better")
    assert after.description == "better"
    assert after.last_updated_timestamp > before.last_updated_timestamp


def test_version_tags_set_overwrite_and_delete(unicorn: RegistryService) -> None:
    unicorn.set_model_version_tag("Unicorn", 1, "validated", "false")
    unicorn.set_model_version_tag("Unicorn", 1, "validated", "true")
    unicorn.set_model_version_tag("Unicorn", 1, "tmp", "x")
    unicorn.delete_model_version_tag("Unicorn", 1, "tmp")
    assert unicorn.get_model_version("Unicorn", 1).tags == {"validated": "true"}
    assert unicorn.get_model_version("Unicorn", 2).tags == {}


def test_version_tag_on_missing_version_is_not_found(unicorn: RegistryService) -> None:
    with pytest.raises(ModelVersionNotFound):
        unicorn.set_model_version_tag("Unicorn", 9, "k", "v")


def test_transition_moves_one_version_and_keeps_others(unicorn: RegistryService) -> None:
    moved = unicorn.transition_model_version_stage("Unicorn", 3, "Staging")
    assert moved.current_stage == Stage.STAGING
    moved = unicorn.transition_model_version_stage("Unicorn", 3, "Production")
    assert moved.current_stage == Stage.PRODUCTION
    unicorn.transition_model_version_stage("Unicorn", 2, "Production")
    stages = {v.version: v.current_stage for v in unicorn.search_model_versions("name='Unicorn'")}
    assert stages == {1: Stage.NONE, 2: Stage.PRODUCTION, 3: Stage.PRODUCTION}


@pytest.mark.parametrize(
    ("given", "stored"),
    [("staging", Stage.STAGING), ("PRODUCTION", Stage.PRODUCTION), ("none", Stage.NONE)],
)
def test_stage_names_are_case_insensitive(
    unicorn: RegistryService, given: str, stored: Stage
) -> None:
    assert unicorn.transition_model_version_stage("Unicorn", 1, given).current_stage == stored


def test_invalid_stage_is_refused(unicorn: RegistryService) -> None:
    with pytest.raises(InvalidStage) as raised:
        unicorn.transition_model_version_stage("Unicorn", 1, "Foo")
    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"
    assert raised.value.message == (
        "Invalid Model Version stage: Foo. "
        "Value must be one of None, Staging, Production, Archived."
    )


def test_archive_existing_moves_old_production_to_archived(unicorn: RegistryService) -> None:
    unicorn.transition_model_version_stage("Unicorn", 1, "Production")
    unicorn.transition_model_version_stage("Unicorn", 2, "Production")
    unicorn.transition_model_version_stage("Unicorn", 3, "Staging")

    unicorn.transition_model_version_stage(
        "Unicorn", 3, "Production", archive_existing_versions=True
    )

    stages = {v.version: v.current_stage for v in unicorn.search_model_versions("name='Unicorn'")}
    assert stages == {1: Stage.ARCHIVED, 2: Stage.ARCHIVED, 3: Stage.PRODUCTION}


def test_archive_existing_leaves_other_stages_alone(unicorn: RegistryService) -> None:
    unicorn.transition_model_version_stage("Unicorn", 1, "Staging")
    unicorn.transition_model_version_stage(
        "Unicorn", 3, "Production", archive_existing_versions=True
    )
    assert unicorn.get_model_version("Unicorn", 1).current_stage == Stage.STAGING


def test_archive_existing_into_archived_is_invalid(unicorn: RegistryService) -> None:
    with pytest.raises(InvalidParameterValue, match="Staging or Production"):
        unicorn.transition_model_version_stage(
            "Unicorn", 1, "Archived", archive_existing_versions=True
        )


def test_transition_of_missing_version_changes_nothing(unicorn: RegistryService) -> None:
    unicorn.transition_model_version_stage("Unicorn", 1, "Production")
    with pytest.raises(ModelVersionNotFound):
        unicorn.transition_model_version_stage(
            "Unicorn", 9, "Production", archive_existing_versions=True
        )
    assert unicorn.get_model_version("Unicorn", 1).current_stage == Stage.PRODUCTION


def test_transition_bumps_model_last_updated(unicorn: RegistryService, clock: FakeClock) -> None:
    moved = unicorn.transition_model_version_stage("Unicorn", 1, "Staging")
    model = unicorn.get_registered_model("Unicorn")
    assert model.last_updated_timestamp == moved.last_updated_timestamp == clock.now


def test_get_latest_versions_by_stage(unicorn: RegistryService) -> None:
    unicorn.transition_model_version_stage("Unicorn", 1, "Production")
    unicorn.transition_model_version_stage("Unicorn", 2, "Production")
    assert [v.version for v in unicorn.get_latest_versions("Unicorn", ["Production"])] == [2]
    assert [v.version for v in unicorn.get_latest_versions("Unicorn", ["production", "None"])] == [
        2,
        3,
    ]
    assert unicorn.get_latest_versions("Unicorn", ["Staging"]) == []
    assert [v.version for v in unicorn.get_latest_versions("Unicorn")] == [2, 3]


def test_get_latest_versions_with_bad_stage_or_model(unicorn: RegistryService) -> None:
    with pytest.raises(InvalidStage):
        unicorn.get_latest_versions("Unicorn", ["Bogus"])
    with pytest.raises(RegisteredModelNotFound):
        unicorn.get_latest_versions("Nope")


def test_download_uri_prefers_registry_copy(local_registry: RegistryService) -> None:
    unicorn = local_registry
    unicorn.create_registered_model("Unicorn")
    unicorn.create_model_version("Unicorn", "runs:/r/model", run_id="r")
    assert unicorn.get_model_version_download_uri("Unicorn", 1) == "runs:/r/model"
    version = unicorn.create_model_version(
        "Unicorn", "runs:/r/model", status=ModelVersionStatus.PENDING_REGISTRATION
    )
    assert version.status == ModelVersionStatus.PENDING_REGISTRATION
    unicorn.finish_model_version(
        "Unicorn", version.version, ModelVersionStatus.READY, storage_location="file:///copy"
    )
    assert unicorn.get_model_version_download_uri("Unicorn", version.version) == "file:///copy"
