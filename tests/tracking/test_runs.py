"""Runs: lifecycle, params, metrics, tags and search — on SQLite and PostgreSQL."""

from __future__ import annotations

import math

import pytest

from modelreg.entities import LifecycleStage, Metric, RunStatus, ViewType
from modelreg.errors import InvalidFilter, InvalidParameterValue, RunNotFound
from modelreg.service import TrackingService
from tests.conftest import FakeClock


@pytest.fixture
def experiment_id(tracking: TrackingService) -> str:
    return tracking.create_experiment("exp")


def test_create_run_defaults(tracking: TrackingService, experiment_id: str) -> None:
    run = tracking.create_run(experiment_id, run_name="baseline", tags={"k": "v"})
    assert run.info.status == RunStatus.RUNNING
    assert run.info.run_name == "baseline"
    assert run.info.experiment_id == experiment_id
    assert run.info.run_uuid == run.info.run_id
    assert len(run.info.run_id) == 32
    assert run.info.artifact_uri.endswith(f"/{experiment_id}/{run.info.run_id}/artifacts")
    assert run.data.tags == {"k": "v", "mlflow.runName": "baseline"}
    assert tracking.get_run(run.info.run_id) == run


def test_unnamed_runs_get_a_generated_name(tracking: TrackingService, experiment_id: str) -> None:
    run = tracking.create_run(experiment_id)
    assert run.info.run_name
    assert run.data.tags["mlflow.runName"] == run.info.run_name


def test_run_in_missing_experiment_and_missing_run(tracking: TrackingService) -> None:
    with pytest.raises(Exception, match="No Experiment with id=99"):
        tracking.create_run("99")
    with pytest.raises(RunNotFound) as raised:
        tracking.get_run("0" * 32)
    assert raised.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_params_are_logged_once(tracking: TrackingService, experiment_id: str) -> None:
    run_id = tracking.create_run(experiment_id).info.run_id
    tracking.log_param(run_id, "alpha", 0.5)
    tracking.log_param(run_id, "alpha", "0.5")
    with pytest.raises(InvalidParameterValue, match="Changing param values is not allowed"):
        tracking.log_param(run_id, "alpha", 0.7)
    tracking.log_batch(run_id, params=[("beta", 1), ("gamma", "x")])
    assert tracking.get_run(run_id).data.params == {"alpha": "0.5", "beta": "1", "gamma": "x"}


def test_rejected_batch_writes_nothing(tracking: TrackingService, experiment_id: str) -> None:
    run_id = tracking.create_run(experiment_id).info.run_id
    tracking.log_param(run_id, "alpha", 1)
    with pytest.raises(InvalidParameterValue):
        tracking.log_batch(
            run_id,
            metrics=[Metric("m", 1.0, 1, 0)],
            params=[("new", "x"), ("alpha", 2)],
            tags=[("t", "v")],
        )
    data = tracking.get_run(run_id).data
    assert (data.metrics, data.params) == ({}, {"alpha": "1"})
    assert "t" not in data.tags


def test_metric_history_and_latest_value(
    tracking: TrackingService, experiment_id: str, clock: FakeClock
) -> None:
    run_id = tracking.create_run(experiment_id).info.run_id
    tracking.log_metric(run_id, "rmse", 10.0, timestamp=100, step=0)
    tracking.log_metric(run_id, "rmse", 8.0, timestamp=200, step=2)
    tracking.log_metric(run_id, "rmse", 9.0, timestamp=300, step=1)
    tracking.log_metric(run_id, "nan", math.nan)
    history = tracking.get_metric_history(run_id, "rmse")
    assert [(m.step, m.value, m.timestamp) for m in history] == [
        (0, 10.0, 100),
        (1, 9.0, 300),
        (2, 8.0, 200),
    ]
    metrics = tracking.get_run(run_id).data.metrics
    assert metrics["rmse"] == 8.0  # the value at the highest step, not the last logged
    assert math.isnan(metrics["nan"])
    assert tracking.get_metric_history(run_id, "nan")[0].timestamp <= clock.now


def test_bad_metric_value_is_refused(tracking: TrackingService, experiment_id: str) -> None:
    run_id = tracking.create_run(experiment_id).info.run_id
    with pytest.raises(InvalidParameterValue, match="metrics are numbers"):
        tracking.log_metric(run_id, "m", "abc")  # type: ignore[arg-type]


def test_tags_set_and_delete(tracking: TrackingService, experiment_id: str) -> None:
    run_id = tracking.create_run(experiment_id).info.run_id
    tracking.set_tag(run_id, "k", "v1")
    tracking.set_tag(run_id, "k", "v2")
    assert tracking.get_run(run_id).data.tags["k"] == "v2"
    tracking.delete_tag(run_id, "k")
    assert "k" not in tracking.get_run(run_id).data.tags
    with pytest.raises(InvalidParameterValue, match="No tag with name: k"):
        tracking.delete_tag(run_id, "k")


def test_terminate_rename_delete_restore(tracking: TrackingService, experiment_id: str) -> None:
    run_id = tracking.create_run(experiment_id).info.run_id
    info = tracking.set_terminated(run_id, RunStatus.FAILED)
    assert info.status == RunStatus.FAILED
    assert info.end_time is not None
    tracking.update_run(run_id, name="renamed")
    run = tracking.get_run(run_id)
    assert run.info.run_name == run.data.tags["mlflow.runName"] == "renamed"
    tracking.delete_run(run_id)
    assert tracking.get_run(run_id).info.lifecycle_stage == LifecycleStage.DELETED
    with pytest.raises(InvalidParameterValue, match="must be in the 'active' state"):
        tracking.log_param(run_id, "a", 1)
    tracking.restore_run(run_id)
    tracking.log_param(run_id, "a", 1)
    with pytest.raises(InvalidParameterValue, match="Invalid run status"):
        tracking.update_run(run_id, status="DONE")


def _runs(tracking: TrackingService, experiment_id: str) -> dict[str, str]:
    ids = {}
    for name, r2, alpha, team in [
        ("a", 0.95, "0.1", "x"),
        ("b", 0.80, "0.2", "y"),
        ("c", 0.91, "0.3", "x"),
    ]:
        run_id = tracking.create_run(experiment_id, run_name=name).info.run_id
        tracking.log_batch(
            run_id,
            metrics=[Metric("r2", r2, 1, 0)],
            params=[("alpha", alpha)],
            tags=[("team", team)],
        )
        ids[name] = run_id
    tracking.create_run(experiment_id, run_name="no-metrics")
    return ids


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("metrics.r2 >= 0.9", {"a", "c"}),
        ("metrics.r2 < 0.9", {"b"}),
        ("params.alpha = '0.2'", {"b"}),
        ("tags.team = 'x' AND metrics.r2 > 0.92", {"a"}),
        ("attributes.run_name LIKE 'no-%'", {"no-metrics"}),
        ("run_name IN ('a', 'b')", {"a", "b"}),
        ("status = 'RUNNING'", {"a", "b", "c", "no-metrics"}),
    ],
)
def test_search_runs_filters(
    tracking: TrackingService, experiment_id: str, filter_string: str, expected: set[str]
) -> None:
    _runs(tracking, experiment_id)
    found = tracking.search_runs([experiment_id], filter_string)
    assert {run.info.run_name for run in found} == expected


def test_search_runs_orders_by_metric_with_missing_last(
    tracking: TrackingService, experiment_id: str
) -> None:
    _runs(tracking, experiment_id)
    found = tracking.search_runs(experiment_id, order_by=["metrics.r2 DESC"])
    assert [run.info.run_name for run in found] == ["a", "c", "b", "no-metrics"]
    found = tracking.search_runs(experiment_id, order_by=["params.alpha"], max_results=2)
    assert [run.info.run_name for run in found] == ["a", "b"]
    following = tracking.search_runs(
        experiment_id, order_by=["params.alpha"], max_results=2, page_token=found.token
    )
    assert [run.info.run_name for run in following] == ["c", "no-metrics"]


def test_search_runs_view_types_and_errors(tracking: TrackingService, experiment_id: str) -> None:
    ids = _runs(tracking, experiment_id)
    tracking.delete_run(ids["a"])
    assert len(tracking.search_runs([experiment_id])) == 3
    deleted = tracking.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)
    assert [run.info.run_name for run in deleted] == ["a"]
    assert len(tracking.search_runs([experiment_id], run_view_type="ALL")) == 4
    with pytest.raises(InvalidFilter):
        tracking.search_runs([experiment_id], "metrics.r2 = 'high'")
    with pytest.raises(InvalidFilter):
        tracking.search_runs([experiment_id], order_by=["metrics"])
