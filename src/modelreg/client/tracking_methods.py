"""The tracking half of ``modelreg.Client``: MlflowClient's experiment, run and artifact methods."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from modelreg.artifacts import FileInfo
from modelreg.entities import Experiment, Metric, PagedList, Run, RunInfo, RunStatus, ViewType
from modelreg.operations import Backend


class TrackingMethods:
    """Experiments, runs, params, metrics, tags and run artifacts (MlflowClient's names)."""

    _backend: Backend

    # -- experiments ---------------------------------------------------------------------

    def create_experiment(
        self,
        name: str,
        artifact_location: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> str:
        """Create an experiment and return its id, e.g. ``create_experiment("unicorn")``."""
        return self._backend.tracking.create_experiment(name, artifact_location, tags)

    def get_experiment(self, experiment_id: str) -> Experiment:
        """The experiment with this id."""
        return self._backend.tracking.get_experiment(experiment_id)

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """The experiment called ``name``, or None."""
        return self._backend.tracking.get_experiment_by_name(name)

    def search_experiments(
        self,
        view_type: ViewType | str = ViewType.ACTIVE_ONLY,
        max_results: int | None = None,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        """Experiments, e.g. ``search_experiments(filter_string="name LIKE 'uni%'")``."""
        return self._backend.tracking.search_experiments(
            view_type, max_results, filter_string, order_by, page_token
        )

    def delete_experiment(self, experiment_id: str) -> None:
        """Move an experiment to the bin (``restore_experiment`` brings it back)."""
        self._backend.tracking.delete_experiment(experiment_id)

    def restore_experiment(self, experiment_id: str) -> None:
        """Bring a deleted experiment back."""
        self._backend.tracking.restore_experiment(experiment_id)

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """Rename an experiment."""
        self._backend.tracking.rename_experiment(experiment_id, new_name)

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        """Set a tag on an experiment."""
        self._backend.tracking.set_experiment_tag(experiment_id, key, value)

    # -- runs ----------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str,
        start_time: int | None = None,
        tags: dict[str, str] | None = None,
        run_name: str | None = None,
    ) -> Run:
        """Start a run, e.g. ``create_run(experiment_id, run_name="baseline")``."""
        return self._backend.tracking.create_run(experiment_id, start_time, tags, run_name)

    def get_run(self, run_id: str) -> Run:
        """A run with its latest metrics, params and tags."""
        return self._backend.tracking.get_run(run_id)

    def update_run(
        self, run_id: str, status: RunStatus | str | None = None, name: str | None = None
    ) -> RunInfo:
        """Change a run's status or name."""
        return self._backend.tracking.update_run(run_id, status, name=name)

    def set_terminated(
        self,
        run_id: str,
        status: RunStatus | str | None = None,
        end_time: int | None = None,
    ) -> RunInfo:
        """End a run (FINISHED unless ``status`` says FAILED or KILLED)."""
        return self._backend.tracking.set_terminated(run_id, status or RunStatus.FINISHED, end_time)

    def delete_run(self, run_id: str) -> None:
        """Move a run to the bin."""
        self._backend.tracking.delete_run(run_id)

    def restore_run(self, run_id: str) -> None:
        """Bring a deleted run back."""
        self._backend.tracking.restore_run(run_id)

    def log_param(self, run_id: str, key: str, value: Any) -> Any:
        """Log a param (immutable once logged); returns ``value``."""
        self._backend.tracking.log_param(run_id, key, value)
        return value

    def log_metric(
        self,
        run_id: str,
        key: str,
        value: float,
        timestamp: int | None = None,
        step: int | None = None,
    ) -> None:
        """Log one value of a metric, e.g. ``log_metric(run_id, "rmse", 812.5, step=3)``."""
        self._backend.tracking.log_metric(run_id, key, value, timestamp, step)

    def set_tag(self, run_id: str, key: str, value: str) -> None:
        """Set a tag on a run."""
        self._backend.tracking.set_tag(run_id, key, value)

    def delete_tag(self, run_id: str, key: str) -> None:
        """Remove a tag from a run."""
        self._backend.tracking.delete_tag(run_id, key)

    def log_batch(
        self,
        run_id: str,
        metrics: Iterable[Metric] = (),
        params: Iterable[Any] = (),
        tags: Iterable[Any] = (),
    ) -> None:
        """Log metrics, params and tags in one transaction."""
        self._backend.tracking.log_batch(run_id, metrics, params, tags)

    def get_metric_history(self, run_id: str, key: str) -> list[Metric]:
        """Every value logged for a metric."""
        return self._backend.tracking.get_metric_history(run_id, key)

    def search_runs(
        self,
        experiment_ids: Sequence[str] | str,
        filter_string: str = "",
        run_view_type: ViewType | str = ViewType.ACTIVE_ONLY,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        """Runs, e.g. ``search_runs([exp_id], "metrics.r2 >= 0.9", order_by=["metrics.r2
        DESC"])``."""
        return self._backend.tracking.search_runs(
            experiment_ids, filter_string, run_view_type, max_results, order_by, page_token
        )

    # -- run artifacts -------------------------------------------------------------------

    def log_artifact(self, run_id: str, local_path: str, artifact_path: str | None = None) -> None:
        """Upload a local file into the run's artifacts."""
        self._backend.tracking.log_artifact(run_id, local_path, artifact_path)

    def log_artifacts(self, run_id: str, local_dir: str, artifact_path: str | None = None) -> None:
        """Upload a local folder into the run's artifacts."""
        self._backend.tracking.log_artifacts(run_id, local_dir, artifact_path)

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[FileInfo]:
        """The files and folders directly under ``path`` in the run's artifacts."""
        return self._backend.tracking.list_artifacts(run_id, path)

    def download_artifacts(self, run_id: str, path: str, dst_path: str | None = None) -> str:
        """Download a run's artifact file or folder; returns its local path."""
        return self._backend.tracking.download_artifacts(run_id, path, dst_path)
