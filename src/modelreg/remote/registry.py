"""RemoteRegistry: the registry operations over a server's MLflow REST API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from modelreg.entities import ModelVersion, PagedList, RegisteredModel
from modelreg.remote.http import OWN_API, RestClient
from modelreg.wire import (
    model_version_from_wire,
    registered_model_from_wire,
    tags_to_wire,
)


def _model(body: dict[str, Any]) -> RegisteredModel:
    return registered_model_from_wire(body["registered_model"])


def _version(body: dict[str, Any]) -> ModelVersion:
    return model_version_from_wire(body["model_version"])


def _optional_str(value: int | str | None) -> str | None:
    return None if value is None else str(value)


class RemoteRegistry:
    """Registered models, versions, stages, tags and aliases on a modelreg (or MLflow) server."""

    def __init__(self, rest: RestClient) -> None:
        self.rest = rest

    def create_registered_model(
        self, name: str, tags: dict[str, str] | None = None, description: str | None = None
    ) -> RegisteredModel:
        """Create a registered model."""
        return _model(
            self.rest.post(
                "registered-models/create",
                name=name,
                tags=tags_to_wire(tags or {}),
                description=description,
            )
        )

    def get_registered_model(self, name: str) -> RegisteredModel:
        """A registered model with its latest versions, tags and aliases."""
        return _model(self.rest.get("registered-models/get", name=name))

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename a registered model."""
        return _model(self.rest.post("registered-models/rename", name=name, new_name=new_name))

    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        """Replace a model's description."""
        return _model(
            self.rest.patch("registered-models/update", name=name, description=description)
        )

    def delete_registered_model(self, name: str) -> None:
        """Delete a model with its versions."""
        self.rest.delete("registered-models/delete", name=name)

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        """Set a tag on a registered model."""
        self.rest.post("registered-models/set-tag", name=name, key=key, value=value)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """Remove a tag from a registered model."""
        self.rest.delete("registered-models/delete-tag", name=name, key=key)

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """Registered models matching a filter, one page at a time."""
        body = self.rest.get(
            "registered-models/search",
            filter=filter_string,
            max_results=max_results,
            order_by=list(order_by) if order_by else None,
            page_token=page_token,
        )
        models = [registered_model_from_wire(m) for m in body.get("registered_models", [])]
        return PagedList(models, body.get("next_page_token") or None)

    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: dict[str, str] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> ModelVersion:
        """Add the next version of a model; the server copies model folders it can reach."""
        return _version(
            self.rest.post(
                "model-versions/create",
                name=name,
                source=source,
                run_id=run_id,
                tags=tags_to_wire(tags or {}),
                run_link=run_link,
                description=description,
                idempotency_key=idempotency_key,
            )
        )

    def get_model_version(self, name: str, version: int | str) -> ModelVersion:
        """One model version."""
        return _version(self.rest.get("model-versions/get", name=name, version=str(version)))

    def update_model_version(
        self, name: str, version: int | str, description: str | None = None
    ) -> ModelVersion:
        """Replace a version's description."""
        return _version(
            self.rest.patch(
                "model-versions/update", name=name, version=str(version), description=description
            )
        )

    def delete_model_version(self, name: str, version: int | str, *, force: bool = False) -> None:
        """Delete a model version (``force`` for one in a stage or holding an alias)."""
        self.rest.delete(
            "model-versions/delete", name=name, version=str(version), force=force or None
        )

    def restore_model_version(self, name: str, version: int | str) -> ModelVersion:
        """Bring back a deleted version."""
        return _version(
            self.rest.post(f"{OWN_API}/model-versions/restore", name=name, version=str(version))
        )

    def set_model_version_tag(self, name: str, version: int | str, key: str, value: str) -> None:
        """Set a tag on a version."""
        self.rest.post(
            "model-versions/set-tag", name=name, version=str(version), key=key, value=value
        )

    def delete_model_version_tag(self, name: str, version: int | str, key: str) -> None:
        """Remove a tag from a version."""
        self.rest.delete("model-versions/delete-tag", name=name, version=str(version), key=key)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """Model versions matching a filter, one page at a time."""
        body = self.rest.get(
            "model-versions/search",
            filter=filter_string,
            max_results=max_results,
            order_by=list(order_by) if order_by else None,
            page_token=page_token,
        )
        versions = [model_version_from_wire(v) for v in body.get("model_versions", [])]
        return PagedList(versions, body.get("next_page_token") or None)

    def get_latest_versions(
        self, name: str, stages: Sequence[str] | None = None
    ) -> list[ModelVersion]:
        """The highest version in each stage."""
        body = self.rest.post(
            "registered-models/get-latest-versions",
            name=name,
            stages=list(stages) if stages else None,
        )
        return [model_version_from_wire(v) for v in body.get("model_versions", [])]

    def transition_model_version_stage(
        self,
        name: str,
        version: int | str,
        stage: str,
        archive_existing_versions: bool = False,
        *,
        expected_version: int | str | None = None,
        force: bool = False,
    ) -> ModelVersion:
        """Move a version to a stage (a compare-and-set with ``expected_version``)."""
        return _version(
            self.rest.post(
                "model-versions/transition-stage",
                name=name,
                version=str(version),
                stage=stage,
                archive_existing_versions=archive_existing_versions,
                expected_version=_optional_str(expected_version),
                force=force or None,
            )
        )

    def get_model_version_download_uri(self, name: str, version: int | str) -> str:
        """Where the version's files can be downloaded from."""
        body = self.rest.get("model-versions/get-download-uri", name=name, version=str(version))
        return str(body["artifact_uri"])

    def set_registered_model_alias(
        self,
        name: str,
        alias: str,
        version: int | str,
        *,
        expected_version: int | str | None = None,
        force: bool = False,
    ) -> None:
        """Point an alias at a version (a compare-and-set with ``expected_version``)."""
        self.rest.post(
            "registered-models/alias",
            name=name,
            alias=alias,
            version=str(version),
            expected_version=_optional_str(expected_version),
            force=force or None,
        )

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """Remove an alias."""
        self.rest.delete("registered-models/alias", name=name, alias=alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version an alias points at."""
        return _version(self.rest.get("registered-models/alias", name=name, alias=alias))
