"""RemoteTracking: experiments, runs and run artifacts over a server's MLflow REST API."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from modelreg.artifacts import ArtifactStore, artifact_store_for
from modelreg.artifacts.run_artifacts import RunArtifacts
from modelreg.clock import system_clock
from modelreg.entities import Experiment, Metric, PagedList, Run, RunInfo, RunStatus, ViewType
from modelreg.errors import ExperimentNotFound
from modelreg.remote.artifacts import SCHEME, ProxyArtifactStore
from modelreg.remote.http import RestClient
from modelreg.service.tracking import DEFAULT_EXPERIMENT_NAME
from modelreg.wire import (
    experiment_from_wire,
    metric_from_wire,
    metric_to_wire,
    run_from_wire,
    run_info_from_wire,
    tags_to_wire,
)


def _pairs(items: Iterable[Any]) -> list[dict[str, str]]:
    pairs = (item if isinstance(item, tuple) else (item.key, item.value) for item in items)
    return [{"key": key, "value": str(value)} for key, value in pairs]


class RemoteTracking(RunArtifacts):
    """The tracking operations on a modelreg (or MLflow) server."""

    def __init__(self, rest: RestClient) -> None:
        self.rest = rest

    def store_for(self, uri: str) -> ArtifactStore:
        """The artifact store of a location the server gave (proxied or direct)."""
        if uri.startswith(SCHEME):
            return ProxyArtifactStore.from_uri(self.rest, uri)
        return artifact_store_for(uri)

    # -- experiments ---------------------------------------------------------------------

    def create_experiment(
        self,
        name: str,
        artifact_location: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> str:
        """Create an experiment and return its id."""
        body = self.rest.post(
            "experiments/create",
            name=name,
            artifact_location=artifact_location,
            tags=tags_to_wire(tags or {}),
        )
        return str(body["experiment_id"])

    def get_experiment(self, experiment_id: str) -> Experiment:
        """The experiment with this id."""
        body = self.rest.get("experiments/get", experiment_id=experiment_id)
        return experiment_from_wire(body["experiment"])

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """The experiment called ``name``, or None."""
        try:
            body = self.rest.get("experiments/get-by-name", experiment_name=name)
        except ExperimentNotFound:
            return None
        return experiment_from_wire(body["experiment"])

    def default_experiment_id(self) -> str:
        """The id of the server's ``Default`` experiment."""
        found = self.get_experiment_by_name(DEFAULT_EXPERIMENT_NAME)
        return found.experiment_id if found else self.create_experiment(DEFAULT_EXPERIMENT_NAME)

    def search_experiments(
        self,
        view_type: ViewType | str = ViewType.ACTIVE_ONLY,
        max_results: int | None = None,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        """Experiments matching a filter."""
        body = self.rest.post(
            "experiments/search",
            view_type=ViewType(view_type).value,
            max_results=max_results,
            filter=filter_string,
            order_by=list(order_by) if order_by else None,
            page_token=page_token,
        )
        found = [experiment_from_wire(e) for e in body.get("experiments", [])]
        return PagedList(found, body.get("next_page_token") or None)

    def delete_experiment(self, experiment_id: str) -> None:
        """Move an experiment to the bin."""
        self.rest.post("experiments/delete", experiment_id=experiment_id)

    def restore_experiment(self, experiment_id: str) -> None:
        """Bring a deleted experiment back."""
        self.rest.post("experiments/restore", experiment_id=experiment_id)

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """Rename an experiment."""
        self.rest.post("experiments/update", experiment_id=experiment_id, new_name=new_name)

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        """Set a tag on an experiment."""
        self.rest.post(
            "experiments/set-experiment-tag", experiment_id=experiment_id, key=key, value=value
        )

    # -- runs ----------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str,
        start_time: int | None = None,
        tags: dict[str, str] | None = None,
        run_name: str | None = None,
    ) -> Run:
        """Start a run."""
        body = self.rest.post(
            "runs/create",
            experiment_id=experiment_id,
            start_time=start_time if start_time is not None else system_clock(),
            tags=tags_to_wire(tags or {}),
            run_name=run_name,
        )
        return run_from_wire(body["run"])

    def get_run(self, run_id: str) -> Run:
        """A run with its latest metrics, params and tags."""
        return run_from_wire(self.rest.get("runs/get", run_id=run_id, run_uuid=run_id)["run"])

    def update_run(
        self,
        run_id: str,
        status: RunStatus | str | None = None,
        end_time: int | None = None,
        name: str | None = None,
    ) -> RunInfo:
        """Change a run's status, end time or name."""
        body = self.rest.post(
            "runs/update",
            run_id=run_id,
            run_uuid=run_id,
            status=RunStatus(status).value if status is not None else None,
            end_time=end_time,
            run_name=name,
        )
        return run_info_from_wire(body["run_info"])

    def set_terminated(
        self, run_id: str, status: RunStatus | str = RunStatus.FINISHED, end_time: int | None = None
    ) -> RunInfo:
        """End a run."""
        return self.update_run(run_id, status, end_time or system_clock())

    def delete_run(self, run_id: str) -> None:
        """Move a run to the bin."""
        self.rest.post("runs/delete", run_id=run_id)

    def restore_run(self, run_id: str) -> None:
        """Bring a deleted run back."""
        self.rest.post("runs/restore", run_id=run_id)

    def log_batch(
        self,
        run_id: str,
        metrics: Iterable[Metric] = (),
        params: Iterable[Any] = (),
        tags: Iterable[Any] = (),
    ) -> None:
        """Log metrics, params and tags in one request."""
        now = system_clock()
        metric_bodies = [
            metric_to_wire(
                Metric(
                    m.key, float(m.value), now if m.timestamp is None else m.timestamp, m.step or 0
                )
            )
            for m in metrics
        ]
        self.rest.post(
            "runs/log-batch",
            run_id=run_id,
            metrics=metric_bodies,
            params=_pairs(params),
            tags=_pairs(tags),
        )

    def log_param(self, run_id: str, key: str, value: object) -> None:
        """Log a param."""
        self.log_batch(run_id, params=[(key, value)])

    def log_metric(
        self,
        run_id: str,
        key: str,
        value: float,
        timestamp: int | None = None,
        step: int | None = None,
    ) -> None:
        """Log one metric value."""
        when = system_clock() if timestamp is None else timestamp
        self.log_batch(run_id, metrics=[Metric(key, value, when, step or 0)])

    def set_tag(self, run_id: str, key: str, value: str) -> None:
        """Set a tag on a run."""
        self.log_batch(run_id, tags=[(key, value)])

    def delete_tag(self, run_id: str, key: str) -> None:
        """Remove a tag from a run."""
        self.rest.post("runs/delete-tag", run_id=run_id, key=key)

    def get_metric_history(self, run_id: str, key: str) -> list[Metric]:
        """Every value logged for a metric."""
        body = self.rest.get("metrics/get-history", run_id=run_id, metric_key=key)
        return [metric_from_wire(m) for m in body.get("metrics", [])]

    def search_runs(
        self,
        experiment_ids: Sequence[str] | str,
        filter_string: str = "",
        run_view_type: ViewType | str = ViewType.ACTIVE_ONLY,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        """Runs matching a filter."""
        ids = [experiment_ids] if isinstance(experiment_ids, str) else list(experiment_ids)
        body = self.rest.post(
            "runs/search",
            experiment_ids=ids,
            filter=filter_string or None,
            run_view_type=ViewType(run_view_type).value,
            max_results=max_results,
            order_by=list(order_by) if order_by else None,
            page_token=page_token,
        )
        runs = [run_from_wire(run) for run in body.get("runs", [])]
        return PagedList(runs, body.get("next_page_token") or None)

    # -- artifacts -----------------------------------------------------------------------

    def _artifacts(self, run_id: str) -> ArtifactStore:
        return self.store_for(self.get_run(run_id).info.artifact_uri)
