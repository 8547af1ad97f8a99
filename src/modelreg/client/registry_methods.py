"""The registry half of ``modelreg.Client``: MlflowClient's registered-model and version methods."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from modelreg.entities import ModelVersion, PagedList, RegisteredModel
from modelreg.operations import Backend


class RegistryMethods:
    """Registered models, versions, stages, tags and aliases (MlflowClient's names)."""

    _backend: Backend

    # -- registered models ---------------------------------------------------------------

    def create_registered_model(
        self, name: str, tags: dict[str, str] | None = None, description: str | None = None
    ) -> RegisteredModel:
        """Create a registered model, e.g. ``client.create_registered_model("Unicorn")``."""
        return self._backend.registry.create_registered_model(name, tags, description)

    def get_registered_model(self, name: str) -> RegisteredModel:
        """The model with its tags, aliases and ``latest_versions`` (one per stage)."""
        return self._backend.registry.get_registered_model(name)

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename a model, e.g. ``client.rename_registered_model("Unicorn", "Pegasus")``."""
        return self._backend.registry.rename_registered_model(name, new_name)

    def update_registered_model(self, name: str, description: str | None = None) -> RegisteredModel:
        """Replace a model's description, e.g. ``update_registered_model("Unicorn", "v2")``."""
        return self._backend.registry.update_registered_model(name, description)

    def delete_registered_model(self, name: str) -> None:
        """Delete a model with all its versions, tags and aliases."""
        self._backend.registry.delete_registered_model(name)

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """Search models, e.g. ``search_registered_models("name LIKE 'Uni%'")``.

        The result is a list with a ``.token`` for the next page (None on the last page).
        """
        return self._backend.registry.search_registered_models(
            filter_string, max_results, order_by, page_token
        )

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        """Set a tag, e.g. ``set_registered_model_tag("Unicorn", "team", "growth")``."""
        self._backend.registry.set_registered_model_tag(name, key, value)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """Remove a tag from a registered model."""
        self._backend.registry.delete_registered_model_tag(name, key)

    # -- model versions ------------------------------------------------------------------

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
        """Add the next version, e.g. ``create_model_version("Unicorn", "runs:/abc/model")``.

        A model folder (``runs:/``, ``models:/`` or local) is copied into the registry. A
        retried call with the same ``idempotency_key`` (e.g. a CI job id) returns the
        version the first call created instead of adding another.
        """
        return self._backend.registration.create_model_version(
            name, source, run_id, tags, run_link, description, idempotency_key=idempotency_key
        )

    def get_model_version(self, name: str, version: int | str) -> ModelVersion:
        """One version, e.g. ``get_model_version("Unicorn", 3)``."""
        return self._backend.registry.get_model_version(name, version)

    def update_model_version(
        self, name: str, version: int | str, description: str | None = None
    ) -> ModelVersion:
        """Replace a version's description."""
        return self._backend.registry.update_model_version(name, version, description)

    def delete_model_version(self, name: str, version: int | str, *, force: bool = False) -> None:
        """Delete a version; its number is never reused.

        A version in Staging or Production or holding an alias is only deleted with
        ``force``. Deleted versions can be restored until the trash is purged.
        """
        self._backend.registry.delete_model_version(name, version, force=force)

    def restore_model_version(self, name: str, version: int | str) -> ModelVersion:
        """Bring back a deleted version, e.g. ``restore_model_version("Unicorn", 3)``."""
        return self._backend.registry.restore_model_version(name, version)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """Search versions, e.g. ``search_model_versions("name = 'Unicorn'")``."""
        return self._backend.registry.search_model_versions(
            filter_string, max_results, order_by, page_token
        )

    def get_latest_versions(
        self, name: str, stages: Sequence[str] | None = None
    ) -> list[ModelVersion]:
        """The highest version per stage, e.g. ``get_latest_versions("Unicorn", ["Staging"])``."""
        return self._backend.registry.get_latest_versions(name, stages)

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
        """Move a version to a stage, e.g. ``transition_model_version_stage("Unicorn", 3,
        "Production", archive_existing_versions=True)``.

        Args:
            expected_version: refuse with ResourceConflict unless this version is the latest
                in ``stage`` now (``0``: the stage is empty): a compare-and-set for automation.
            force: override the promotion rules a manager may override.
        """
        return self._backend.registry.transition_model_version_stage(
            name,
            version,
            stage,
            archive_existing_versions,
            expected_version=expected_version,
            force=force,
        )

    def set_model_version_tag(self, name: str, version: int | str, key: str, value: str) -> None:
        """Set a tag on a version, e.g. ``set_model_version_tag("Unicorn", 3, "ok", "yes")``."""
        self._backend.registry.set_model_version_tag(name, version, key, value)

    def delete_model_version_tag(self, name: str, version: int | str, key: str) -> None:
        """Remove a tag from a version."""
        self._backend.registry.delete_model_version_tag(name, version, key)

    def get_model_version_download_uri(self, name: str, version: int | str) -> str:
        """Where the version's files can be downloaded from."""
        return self._backend.registry.get_model_version_download_uri(name, version)

    def register_model(
        self,
        model_uri: str,
        name: str,
        tags: dict[str, str] | None = None,
        *,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> ModelVersion:
        """Register the model at ``model_uri`` as the next version of ``name`` (created when
        missing), e.g. ``register_model("runs:/<run_id>/model", "Unicorn")``.

        A retry with the same ``idempotency_key`` returns the version the first call made.
        """
        return self._backend.registration.register_model(
            model_uri, name, tags, description=description, idempotency_key=idempotency_key
        )

    def download_model(self, model_uri: str, dst_path: str | None = None) -> Path:
        """A local folder with the files of a model, e.g.
        ``download_model("models:/Unicorn/Production", "out/")`` (checksums verified)."""
        return self._backend.registration.download_model(model_uri, dst_path)

    # -- aliases -------------------------------------------------------------------------

    def set_registered_model_alias(
        self,
        name: str,
        alias: str,
        version: int | str,
        *,
        expected_version: int | str | None = None,
        force: bool = False,
    ) -> None:
        """Point an alias at a version, e.g. ``set_registered_model_alias("Unicorn",
        "champion", 3)``.

        Args:
            expected_version: refuse with ResourceConflict unless the alias points at this
                version now (``0``: it is not set), e.g. ``expected_version=6``.
            force: override the promotion rules a manager may override.
        """
        self._backend.registry.set_registered_model_alias(
            name, alias, version, expected_version=expected_version, force=force
        )

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """Remove an alias."""
        self._backend.registry.delete_registered_model_alias(name, alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version an alias points at, e.g. ``get_model_version_by_alias("Unicorn",
        "champion")``."""
        return self._backend.registry.get_model_version_by_alias(name, alias)
