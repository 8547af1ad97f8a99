"""Compare-and-set moves, idempotent registration, guarded and restorable deletes."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelreg import Client
from modelreg.errors import InvalidParameterValue, ModelVersionNotFound, ResourceConflict
from tests.registration.test_register_model import make_model_folder


@pytest.fixture
def unicorn(client: Client) -> Client:
    client.create_registered_model("Unicorn")
    for index in range(1, 4):
        client.create_model_version("Unicorn", f"s3://bucket/v{index}")
    return client


def test_alias_move_with_a_stale_expected_version_conflicts(unicorn: Client) -> None:
    unicorn.set_registered_model_alias("Unicorn", "champion", 1, expected_version=0)
    unicorn.set_registered_model_alias("Unicorn", "champion", 2, expected_version=1)
    with pytest.raises(ResourceConflict, match="points at version 2, not version 1"):
        unicorn.set_registered_model_alias("Unicorn", "champion", 3, expected_version=1)
    assert unicorn.get_model_version_by_alias("Unicorn", "champion").version == 2
    with pytest.raises(ResourceConflict, match="not no version"):
        unicorn.set_registered_model_alias("Unicorn", "champion", 3, expected_version=0)


def test_transition_with_a_stale_expected_version_conflicts(unicorn: Client) -> None:
    unicorn.transition_model_version_stage("Unicorn", 1, "Production", expected_version=0)
    with pytest.raises(ResourceConflict, match="held by version 1, not version 2"):
        unicorn.transition_model_version_stage("Unicorn", 3, "Production", expected_version=2)
    assert unicorn.get_model_version("Unicorn", 3).current_stage.value == "None"
    moved = unicorn.transition_model_version_stage(
        "Unicorn", 3, "Production", True, expected_version=1
    )
    assert moved.current_stage.value == "Production"


def test_retried_registration_with_the_same_key_creates_one_version(
    client: Client, tmp_path: Path
) -> None:
    folder = make_model_folder(tmp_path / "model")
    register = client._backend.registration.register_model
    first = register(str(folder), "Unicorn", idempotency_key="ci-run-42")
    again = register(str(folder), "Unicorn", idempotency_key="ci-run-42")
    other = register(str(folder), "Unicorn", idempotency_key="ci-run-43")
    assert (first.version, again.version, other.version) == (1, 1, 2)
    assert again.status.value == "READY"
    assert len(client.search_model_versions("name = 'Unicorn'")) == 2


def test_a_key_reused_for_another_source_conflicts(unicorn: Client) -> None:
    unicorn.create_model_version("Unicorn", "s3://bucket/a", idempotency_key="job-1")
    with pytest.raises(ResourceConflict, match="Idempotency key already used for version 4"):
        unicorn.create_model_version("Unicorn", "s3://bucket/b", idempotency_key="job-1")


def test_a_malformed_key_is_refused(unicorn: Client) -> None:
    with pytest.raises(InvalidParameterValue, match="idempotency key"):
        unicorn.create_model_version("Unicorn", "s3://bucket/a", idempotency_key="a b")


def test_deleting_a_version_in_production_needs_force(unicorn: Client) -> None:
    unicorn.transition_model_version_stage("Unicorn", 1, "Production")
    with pytest.raises(InvalidParameterValue, match="holds stage Production"):
        unicorn.delete_model_version("Unicorn", 1)
    assert unicorn.get_model_version("Unicorn", 1).version == 1
    unicorn.delete_model_version("Unicorn", 1, force=True)
    with pytest.raises(ModelVersionNotFound):
        unicorn.get_model_version("Unicorn", 1)


def test_a_deleted_version_can_be_restored_with_its_tags(unicorn: Client) -> None:
    unicorn.set_model_version_tag("Unicorn", 2, "validated", "yes")
    unicorn.transition_model_version_stage("Unicorn", 2, "Archived")
    unicorn.delete_model_version("Unicorn", 2)
    assert [v.version for v in unicorn.search_model_versions("name = 'Unicorn'")] == [3, 1]
    restored = unicorn.restore_model_version("Unicorn", 2)
    assert (restored.version, restored.tags, restored.current_stage.value) == (
        2,
        {"validated": "yes"},
        "Archived",
    )
    assert unicorn.get_model_history("Unicorn")[0].name == "model_version.restored"
    with pytest.raises(ModelVersionNotFound):
        unicorn.restore_model_version("Unicorn", 2)  # no longer in the trash
    # Numbers are still never reused.
    assert unicorn.create_model_version("Unicorn", "s3://bucket/v4").version == 4
