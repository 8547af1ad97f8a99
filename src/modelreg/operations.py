"""The operations a client needs, as Protocols: the contract of every backend.

Two implementations satisfy them: the in-process services (``modelreg.service``) and the
HTTP client of a modelreg server (``modelreg.remote``). ``Client`` and the fluent API hold a
:class:`Backend` and never care which one it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from modelreg.artifacts import FileInfo
from modelreg.entities import (
    Experiment,
    Metric,
    ModelVersion,
    PagedList,
    RegisteredModel,
    Run,
    RunInfo,
    RunStatus,
    ViewType,
)
from modelreg.entities.events import Event


class RegistryOperations(Protocol):
    """Registered models, versions, stages, tags and aliases."""

    def create_registered_model(
        self, name: str, tags: dict[str, str] | None = ..., description: str | None = ...
    ) -> RegisteredModel: ...
    def get_registered_model(self, name: str) -> RegisteredModel: ...
    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel: ...
    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel: ...
    def delete_registered_model(self, name: str) -> None: ...
    def set_registered_model_tag(self, name: str, key: str, value: str) -> None: ...
    def delete_registered_model_tag(self, name: str, key: str) -> None: ...
    def search_registered_models(
        self,
        filter_string: str | None = ...,
        max_results: int | None = ...,
        order_by: Sequence[str] | None = ...,
        page_token: str | None = ...,
    ) -> PagedList[RegisteredModel]: ...
    def get_model_version(self, name: str, version: int | str) -> ModelVersion: ...
    def update_model_version(
        self, name: str, version: int | str, description: str | None = ...
    ) -> ModelVersion: ...
    def delete_model_version(self, name: str, version: int | str, *, force: bool = ...) -> None: ...
    def restore_model_version(self, name: str, version: int | str) -> ModelVersion: ...
    def set_model_version_tag(
        self, name: str, version: int | str, key: str, value: str
    ) -> None: ...
    def delete_model_version_tag(self, name: str, version: int | str, key: str) -> None: ...
    def search_model_versions(
        self,
        filter_string: str | None = ...,
        max_results: int | None = ...,
        order_by: Sequence[str] | None = ...,
        page_token: str | None = ...,
    ) -> PagedList[ModelVersion]: ...
    def get_latest_versions(
        self, name: str, stages: Sequence[str] | None = ...
    ) -> list[ModelVersion]: ...
    def transition_model_version_stage(
        self,
        name: str,
        version: int | str,
        stage: str,
        archive_existing_versions: bool = ...,
        *,
        expected_version: int | str | None = ...,
        force: bool = ...,
    ) -> ModelVersion: ...
    def get_model_version_download_uri(self, name: str, version: int | str) -> str: ...
    def set_registered_model_alias(
        self,
        name: str,
        alias: str,
        version: int | str,
        *,
        expected_version: int | str | None = ...,
        force: bool = ...,
    ) -> None: ...
    def delete_registered_model_alias(self, name: str, alias: str) -> None: ...
    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion: ...


class TrackingOperations(Protocol):
    """Experiments, runs, params, metrics, tags and run artifacts."""

    def create_experiment(
        self,
        name: str,
        artifact_location: str | None = ...,
        tags: dict[str, str] | None = ...,
    ) -> str: ...
    def get_experiment(self, experiment_id: str) -> Experiment: ...
    def get_experiment_by_name(self, name: str) -> Experiment | None: ...
    def default_experiment_id(self) -> str: ...
    def search_experiments(
        self,
        view_type: ViewType | str = ...,
        max_results: int | None = ...,
        filter_string: str | None = ...,
        order_by: Sequence[str] | None = ...,
        page_token: str | None = ...,
    ) -> PagedList[Experiment]: ...
    def delete_experiment(self, experiment_id: str) -> None: ...
    def restore_experiment(self, experiment_id: str) -> None: ...
    def rename_experiment(self, experiment_id: str, new_name: str) -> None: ...
    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None: ...
    def create_run(
        self,
        experiment_id: str,
        start_time: int | None = ...,
        tags: dict[str, str] | None = ...,
        run_name: str | None = ...,
    ) -> Run: ...
    def get_run(self, run_id: str) -> Run: ...
    def update_run(
        self,
        run_id: str,
        status: RunStatus | str | None = ...,
        end_time: int | None = ...,
        name: str | None = ...,
    ) -> RunInfo: ...
    def set_terminated(
        self, run_id: str, status: RunStatus | str = ..., end_time: int | None = ...
    ) -> RunInfo: ...
    def delete_run(self, run_id: str) -> None: ...
    def restore_run(self, run_id: str) -> None: ...
    def log_batch(
        self,
        run_id: str,
        metrics: Iterable[Metric] = ...,
        params: Iterable[Any] = ...,
        tags: Iterable[Any] = ...,
    ) -> None: ...
    def log_param(self, run_id: str, key: str, value: object) -> None: ...
    def log_metric(
        self,
        run_id: str,
        key: str,
        value: float,
        timestamp: int | None = ...,
        step: int | None = ...,
    ) -> None: ...
    def set_tag(self, run_id: str, key: str, value: str) -> None: ...
    def delete_tag(self, run_id: str, key: str) -> None: ...
    def get_metric_history(self, run_id: str, key: str) -> list[Metric]: ...
    def search_runs(
        self,
        experiment_ids: Sequence[str] | str,
        filter_string: str = ...,
        run_view_type: ViewType | str = ...,
        max_results: int | None = ...,
        order_by: Sequence[str] | None = ...,
        page_token: str | None = ...,
    ) -> PagedList[Run]: ...
    def log_artifact(
        self, run_id: str, local_path: str, artifact_path: str | None = ...
    ) -> None: ...
    def log_artifacts(
        self, run_id: str, local_dir: str, artifact_path: str | None = ...
    ) -> None: ...
    def list_artifacts(self, run_id: str, path: str | None = ...) -> list[FileInfo]: ...
    def download_artifacts(
        self, run_id: str, path: str = ..., dst_path: str | None = ...
    ) -> str: ...


class RegistrationOperations(Protocol):
    """Registering model files, and fetching the files of any model URI."""

    def register_model(
        self,
        model_uri: str,
        name: str,
        tags: dict[str, str] | None = ...,
        *,
        description: str | None = ...,
        idempotency_key: str | None = ...,
    ) -> ModelVersion: ...
    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = ...,
        tags: dict[str, str] | None = ...,
        run_link: str | None = ...,
        description: str | None = ...,
        *,
        idempotency_key: str | None = ...,
    ) -> ModelVersion: ...
    def download_model(self, model_uri: str, dst_path: str | None = ...) -> Path: ...


class HistoryOperations(Protocol):
    """A model's audit history, point-in-time queries and rollback."""

    def get_model_history(
        self, name: str, *, max_results: int | None = ..., page_token: str | None = ...
    ) -> PagedList[Event]: ...
    def get_version_at(
        self, name: str, timestamp: int, *, stage: str | None = ..., alias: str | None = ...
    ) -> int | None: ...
    def rollback(
        self, name: str, *, stage: str | None = ..., alias: str | None = ...
    ) -> ModelVersion: ...


class Backend(Protocol):
    """One registry: its registry, tracking, registration and history operations."""

    @property
    def registry(self) -> RegistryOperations: ...
    @property
    def tracking(self) -> TrackingOperations: ...
    @property
    def registration(self) -> RegistrationOperations: ...
    @property
    def history(self) -> HistoryOperations: ...
    def close(self) -> None: ...
