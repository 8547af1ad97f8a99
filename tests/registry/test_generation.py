"""The registry's generation: every committed change counts one, reads and refusals none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from modelreg.entities import Stage
from modelreg.errors import ModelRegistryError
from modelreg.service import RegistryService
from modelreg.store.sql import SqlRegistryStore

SOURCE = "s3://bucket/model"


def _changes(registry: RegistryService) -> list[tuple[str, Callable[[], Any]]]:
    return [
        ("create model", lambda: registry.create_registered_model("Unicorn", {"team": "a"})),
        ("create version", lambda: registry.create_model_version("Unicorn", SOURCE)),
        ("second version", lambda: registry.create_model_version("Unicorn", SOURCE)),
        ("model description", lambda: registry.update_registered_model("Unicorn", "fast")),
        ("version description", lambda: registry.update_model_version("Unicorn", "1", "v1")),
        ("model tag", lambda: registry.set_registered_model_tag("Unicorn", "k", "v")),
        ("model tag removed", lambda: registry.delete_registered_model_tag("Unicorn", "k")),
        ("version tag", lambda: registry.set_model_version_tag("Unicorn", "1", "k", "v")),
        ("version tag removed", lambda: registry.delete_model_version_tag("Unicorn", "1", "k")),
        ("alias", lambda: registry.set_registered_model_alias("Unicorn", "champion", "1")),
        ("alias moved", lambda: registry.set_registered_model_alias("Unicorn", "champion", "2")),
        ("alias removed", lambda: registry.delete_registered_model_alias("Unicorn", "champion")),
        (
            "transition",
            lambda: registry.transition_model_version_stage("Unicorn", "1", Stage.PRODUCTION),
        ),
        (
            "archive existing",
            lambda: registry.transition_model_version_stage(
                "Unicorn", "2", Stage.PRODUCTION, archive_existing_versions=True
            ),
        ),
        ("delete version", lambda: registry.delete_model_version("Unicorn", "1")),
        ("restore version", lambda: registry.restore_model_version("Unicorn", "1")),
        ("rename", lambda: registry.rename_registered_model("Unicorn", "Pegasus")),
        ("delete model", lambda: registry.delete_registered_model("Pegasus")),
    ]


def test_every_change_counts_one_generation(local_registry: RegistryService) -> None:
    for label, change in _changes(local_registry):
        before = local_registry.generation()
        change()
        assert local_registry.generation() == before + 1, label


def test_reads_and_refused_changes_count_none(local_registry: RegistryService) -> None:
    local_registry.create_registered_model("Unicorn")
    local_registry.create_model_version("Unicorn", SOURCE)
    local_registry.set_registered_model_alias("Unicorn", "champion", "1")
    before = local_registry.generation()
    local_registry.get_registered_model("Unicorn")
    local_registry.get_latest_versions("Unicorn")
    local_registry.get_model_version_by_alias("Unicorn", "champion")
    local_registry.search_registered_models("name LIKE 'Uni%'")
    local_registry.search_model_versions("name = 'Unicorn'")
    refused: list[Callable[[], Any]] = [
        lambda: local_registry.create_registered_model("Unicorn"),  # already exists
        lambda: local_registry.transition_model_version_stage("Unicorn", "1", "Nowhere"),
        lambda: local_registry.set_registered_model_alias("Unicorn", "champion", "9"),
        lambda: local_registry.delete_registered_model("Missing"),
    ]
    for change in refused:
        with pytest.raises(ModelRegistryError):
            change()
    assert local_registry.generation() == before


def test_a_read_transaction_sees_one_snapshot(store: SqlRegistryStore) -> None:
    """What a cached answer relies on: a read's queries all see the same committed state, on
    PostgreSQL too (REPEATABLE READ; its default gives each statement a snapshot of its own)."""
    registry = RegistryService(store)
    registry.create_registered_model("Unicorn")
    with store.read() as tx:
        before = tx.get_model_by_name("Unicorn")
        registry.set_registered_model_tag("Unicorn", "team", "a")  # commits meanwhile
        assert tx.get_model_by_name("Unicorn") == before
    assert registry.get_registered_model("Unicorn").tags == {"team": "a"}
