"""Experiments: create, find, search, delete/restore — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from modelreg.entities import LifecycleStage, ViewType
from modelreg.errors import (
    ExperimentAlreadyExists,
    ExperimentNotFound,
    InvalidFilter,
    InvalidParameterValue,
)
from modelreg.service import TrackingService


def test_create_and_get_experiment(tracking: TrackingService) -> None:
    experiment_id = tracking.create_experiment("unicorn-exp", tags={"team": "a"})
    experiment = tracking.get_experiment(experiment_id)
    assert experiment.name == "unicorn-exp"
    assert experiment.tags == {"team": "a"}
    assert experiment.lifecycle_stage == LifecycleStage.ACTIVE
    assert experiment.artifact_location.endswith(f"/artifacts/{experiment_id}")
    assert tracking.get_experiment_by_name("unicorn-exp") == experiment


def test_default_experiment_is_created_once_with_id_zero(tracking: TrackingService) -> None:
    assert tracking.default_experiment_id() == "0"
    assert tracking.default_experiment_id() == "0"
    default = tracking.get_experiment("0")
    assert default.name == "Default"
    assert tracking.create_experiment("next") != "0"


def test_experiment_names_are_unique(tracking: TrackingService) -> None:
    tracking.create_experiment("exp")
    with pytest.raises(ExperimentAlreadyExists) as raised:
        tracking.create_experiment("exp")
    assert raised.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_missing_experiments(tracking: TrackingService) -> None:
    assert tracking.get_experiment_by_name("nope") is None
    with pytest.raises(ExperimentNotFound, match="No Experiment with id=42 exists"):
        tracking.get_experiment("42")
    with pytest.raises(InvalidParameterValue, match="whole numbers"):
        tracking.get_experiment("abc")
    with pytest.raises(InvalidParameterValue, match="name"):
        tracking.create_experiment("  ")


def test_explicit_artifact_location_is_kept(tracking: TrackingService) -> None:
    experiment_id = tracking.create_experiment("s3-exp", artifact_location="s3://bucket/x")
    assert tracking.get_experiment(experiment_id).artifact_location == "s3://bucket/x"


def test_delete_and_restore_experiment(tracking: TrackingService) -> None:
    experiment_id = tracking.create_experiment("exp")
    tracking.delete_experiment(experiment_id)
    assert tracking.get_experiment(experiment_id).lifecycle_stage == LifecycleStage.DELETED
    assert [e.name for e in tracking.search_experiments()] == []
    assert [e.name for e in tracking.search_experiments(ViewType.DELETED_ONLY)] == ["exp"]
    with pytest.raises(InvalidParameterValue, match="deleted"):
        tracking.create_run(experiment_id)
    with pytest.raises(InvalidParameterValue):
        tracking.delete_experiment(experiment_id)
    tracking.restore_experiment(experiment_id)
    assert [e.name for e in tracking.search_experiments()] == ["exp"]


def test_rename_and_tag_experiment(tracking: TrackingService) -> None:
    experiment_id = tracking.create_experiment("old")
    tracking.create_experiment("taken")
    tracking.rename_experiment(experiment_id, "new")
    tracking.set_experiment_tag(experiment_id, "k", "v")
    experiment = tracking.get_experiment(experiment_id)
    assert (experiment.name, experiment.tags) == ("new", {"k": "v"})
    with pytest.raises(ExperimentAlreadyExists):
        tracking.rename_experiment(experiment_id, "taken")


def test_search_experiments_filters_orders_and_pages(tracking: TrackingService) -> None:
    for name in ("alpha", "beta", "alpine", "gamma"):
        tracking.create_experiment(name, tags={"first": name[0]})
    found = tracking.search_experiments(filter_string="name LIKE 'al%'", order_by=["name"])
    assert [e.name for e in found] == ["alpha", "alpine"]
    assert [e.name for e in tracking.search_experiments(filter_string="tags.first = 'g'")] == [
        "gamma"
    ]
    first = tracking.search_experiments(max_results=3, order_by=["name DESC"])
    second = tracking.search_experiments(
        max_results=3, order_by=["name DESC"], page_token=first.token
    )
    assert [e.name for e in [*first, *second]] == ["gamma", "beta", "alpine", "alpha"]
    assert second.token is None
    with pytest.raises(InvalidFilter):
        tracking.search_experiments(filter_string="metrics.x > 1")
