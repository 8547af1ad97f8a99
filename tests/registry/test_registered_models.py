"""Registered models: create, read, rename, describe, tag, delete — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from modelreg.entities import Stage
from modelreg.errors import (
    InvalidParameterValue,
    ModelVersionNotFound,
    RegisteredModelAlreadyExists,
    RegisteredModelNotFound,
)
from modelreg.service import RegistryService


def test_create_returns_model_with_tags_and_description(registry: RegistryService) -> None:
    model = registry.create_registered_model("Unicorn", tags={"team": "a"}, description="d")
    assert model.name == "Unicorn"
    assert model.tags == {"team": "a"}
    assert model.description == "d"
    assert model.latest_versions == []
    assert model.creation_timestamp == model.last_updated_timestamp > 0
    assert registry.get_registered_model("Unicorn") == model


def test_create_duplicate_name_is_already_exists(registry: RegistryService) -> None:
    registry.create_registered_model("Unicorn")
    with pytest.raises(RegisteredModelAlreadyExists) as raised:
        registry.create_registered_model("Unicorn")
    assert raised.value.error_code == "RESOURCE_ALREADY_EXISTS"
    assert raised.value.message == "Registered Model (name=Unicorn) already exists."


def test_names_are_case_sensitive(registry: RegistryService) -> None:
    registry.create_registered_model("Unicorn")
    registry.create_registered_model("unicorn")
    assert registry.get_registered_model("unicorn").name == "unicorn"


@pytest.mark.parametrize("name", ["", "   ", "a/b", "a:b", "..", "x" * 257])
def test_invalid_names_are_refused(registry: RegistryService, name: str) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        registry.create_registered_model(name)
    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"


def test_get_missing_model_is_not_found(registry: RegistryService) -> None:
    with pytest.raises(RegisteredModelNotFound) as raised:
        registry.get_registered_model("Nope")
    assert raised.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert raised.value.message == "Registered Model with name=Nope not found"


def test_rename_keeps_versions_tags_and_aliases(registry: RegistryService) -> None:
    registry.create_registered_model("Unicorn", tags={"team": "a"})
    registry.create_model_version("Unicorn", "runs:/r/model")
    registry.create_model_version("Unicorn", "runs:/r/model")
    registry.set_model_version_tag("Unicorn", 2, "ok", "yes")
    registry.set_registered_model_alias("Unicorn", "champion", 2)
    registry.transition_model_version_stage("Unicorn", 1, "Production")

    renamed = registry.rename_registered_model("Unicorn", "Pegasus")

    assert renamed.name == "Pegasus"
    assert renamed.tags == {"team": "a"}
    assert renamed.aliases == {"champion": 2}
    assert [(v.name, v.version) for v in renamed.latest_versions] == [
        ("Pegasus", 1),
        ("Pegasus", 2),
    ]
    assert registry.get_model_version_by_alias("Pegasus", "champion").tags == {"ok": "yes"}
    assert registry.get_latest_versions("Pegasus", ["Production"])[0].version == 1
    with pytest.raises(RegisteredModelNotFound):
        registry.get_registered_model("Unicorn")
    # Numbering continues after the rename.
    assert registry.create_model_version("Pegasus", "runs:/r/model").version == 3


def test_rename_onto_existing_name_is_refused_and_changes_nothing(
    registry: RegistryService,
) -> None:
    registry.create_registered_model("Unicorn")
    registry.create_registered_model("Pegasus")
    with pytest.raises(RegisteredModelAlreadyExists):
        registry.rename_registered_model("Unicorn", "Pegasus")
    assert registry.get_registered_model("Unicorn").name == "Unicorn"


def test_rename_to_same_name_is_a_no_op(registry: RegistryService) -> None:
    registry.create_registered_model("Unicorn")
    assert registry.rename_registered_model("Unicorn", "Unicorn").name == "Unicorn"


def test_rename_missing_model_is_not_found(registry: RegistryService) -> None:
    with pytest.raises(RegisteredModelNotFound):
        registry.rename_registered_model("Nope", "Other")


def test_update_description_bumps_last_updated(registry: RegistryService) -> None:
    created = registry.create_registered_model("Unicorn", description="old")
    updated = registry.update_registered_model("Unicorn", "new")
    assert updated.description == "new"
    assert updated.last_updated_timestamp > created.last_updated_timestamp
    assert updated.creation_timestamp == created.creation_timestamp


def test_delete_removes_versions_tags_and_aliases(registry: RegistryService) -> None:
    registry.create_registered_model("Unicorn", tags={"team": "a"})
    registry.create_model_version("Unicorn", "runs:/r/model", tags={"k": "v"})
    registry.set_registered_model_alias("Unicorn", "champion", 1)

    registry.delete_registered_model("Unicorn")

    with pytest.raises(RegisteredModelNotFound):
        registry.get_registered_model("Unicorn")
    assert registry.search_model_versions("name = 'Unicorn'") == []
    # A new model under the same name starts afresh, with none of the old state.
    model = registry.create_registered_model("Unicorn")
    assert (model.tags, model.aliases, model.latest_versions) == ({}, {}, [])
    assert registry.create_model_version("Unicorn", "runs:/r/model").version == 1
    with pytest.raises(ModelVersionNotFound):
        registry.get_model_version("Unicorn", 2)


def test_delete_missing_model_is_not_found(registry: RegistryService) -> None:
    with pytest.raises(RegisteredModelNotFound):
        registry.delete_registered_model("Nope")


def test_tags_set_overwrite_and_delete(registry: RegistryService) -> None:
    registry.create_registered_model("Unicorn")
    registry.set_registered_model_tag("Unicorn", "team", "a")
    registry.set_registered_model_tag("Unicorn", "team", "b")
    registry.set_registered_model_tag("Unicorn", "owner name", "me")
    assert registry.get_registered_model("Unicorn").tags == {"owner name": "me", "team": "b"}
    registry.delete_registered_model_tag("Unicorn", "team")
    registry.delete_registered_model_tag("Unicorn", "absent")
    assert registry.get_registered_model("Unicorn").tags == {"owner name": "me"}


@pytest.mark.parametrize(
    ("key", "value"), [("", "v"), ("../x", "v"), ("bad\nkey", "v"), ("k" * 251, "v")]
)
def test_invalid_tags_are_refused(registry: RegistryService, key: str, value: str) -> None:
    registry.create_registered_model("Unicorn")
    with pytest.raises(InvalidParameterValue):
        registry.set_registered_model_tag("Unicorn", key, value)
    assert registry.get_registered_model("Unicorn").tags == {}


def test_tag_on_missing_model_is_not_found(registry: RegistryService) -> None:
    with pytest.raises(RegisteredModelNotFound):
        registry.set_registered_model_tag("Nope", "k", "v")


def test_latest_versions_has_highest_version_per_stage(registry: RegistryService) -> None:
    registry.create_registered_model("Unicorn")
    for _ in range(5):
        registry.create_model_version("Unicorn", "runs:/r/model")
    registry.transition_model_version_stage("Unicorn", 1, "Staging")
    registry.transition_model_version_stage("Unicorn", 2, "Archived")
    registry.transition_model_version_stage("Unicorn", 3, "Production")
    registry.transition_model_version_stage("Unicorn", 4, "Production")

    latest = registry.get_registered_model("Unicorn").latest_versions

    assert [(v.version, v.current_stage) for v in latest] == [
        (1, Stage.STAGING),
        (2, Stage.ARCHIVED),
        (4, Stage.PRODUCTION),
        (5, Stage.NONE),
    ]
