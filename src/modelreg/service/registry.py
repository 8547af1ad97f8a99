"""RegistryService: every registry rule, over a SQL store, one transaction per operation.

Rules kept here: input validation, version numbering (gapless, never reused), one stage per
version, archiving the previous holders of a stage, alias moves, cascades on rename/delete,
and paging. The store only persists; the doors (Client, server, CLI) only translate.
"""

from __future__ import annotations

from collections.abc import Sequence

from modelreg import validation
from modelreg.clock import Clock, system_clock
from modelreg.entities import ModelVersion, ModelVersionStatus, PagedList, RegisteredModel, Stage
from modelreg.errors import AliasNotFound, InvalidParameterValue
from modelreg.search import (
    MODEL_VERSIONS,
    REGISTERED_MODELS,
)
from modelreg.search.paging import keyset_page
from modelreg.store.sql import SqlRegistryStore

_ARCHIVABLE_TARGETS = (Stage.STAGING, Stage.PRODUCTION)


class RegistryService:
    """The registry operations, with MlflowClient's names and semantics."""

    def __init__(self, store: SqlRegistryStore, *, clock: Clock = system_clock) -> None:
        self.store = store
        self.clock = clock

    # -- registered models ---------------------------------------------------------------

    def create_registered_model(
        self,
        name: str,
        tags: dict[str, str] | None = None,
        description: str | None = None,
    ) -> RegisteredModel:
        """Create a registered model with no versions."""
        name = validation.model_name(name)
        tags = validation.tags(tags)
        description = validation.description(description)
        with self.store.write() as tx:
            model_id = tx.insert_model(name, description, tags, self.clock())
            return tx.get_model(model_id)

    def get_registered_model(self, name: str) -> RegisteredModel:
        """The model with its tags, aliases and latest version in each stage."""
        name = validation.model_name(name)
        with self.store.read() as tx:
            return tx.get_model_by_name(name)

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename a model; its versions, tags and aliases keep pointing at it."""
        name = validation.model_name(name)
        new_name = validation.model_name(new_name, "new_name")
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            if new_name != name:
                tx.rename_model(model_id, new_name, self.clock())
            return tx.get_model(model_id)

    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        """Replace the model's description (an empty string clears it)."""
        name = validation.model_name(name)
        description = validation.description(description)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            tx.update_model(model_id, self.clock(), description=description)
            return tx.get_model(model_id)

    def delete_registered_model(self, name: str) -> None:
        """Delete a model with all its versions, tags and aliases."""
        name = validation.model_name(name)
        with self.store.write() as tx:
            tx.delete_model(tx.model_id(name))

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        """Set (or overwrite) a tag on a registered model."""
        name = validation.model_name(name)
        key, value = validation.tag(key, value)
        with self.store.write() as tx:
            tx.set_model_tag(tx.model_id(name), key, value)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """Remove a tag from a registered model (no error when it is absent)."""
        name = validation.model_name(name)
        key, _ = validation.tag(key, "")
        with self.store.write() as tx:
            tx.delete_model_tag(tx.model_id(name), key)

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """Registered models matching a filter such as ``name LIKE 'Uni%'``, one page at a time."""
        with self.store.read() as tx:
            return keyset_page(
                REGISTERED_MODELS,
                tx.search_models,
                filter_string,
                max_results,
                order_by,
                page_token,
            )

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
        status: ModelVersionStatus = ModelVersionStatus.READY,
        storage_location: str | None = None,
    ) -> ModelVersion:
        """Add the next-numbered version to an existing registered model."""
        name = validation.model_name(name)
        source = validation.source(source)
        tags = validation.tags(tags)
        description = validation.description(description)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            now = self.clock()
            version = tx.allocate_version(model_id, now)
            tx.insert_version(
                model_id,
                version,
                now,
                current_stage=Stage.NONE.value,
                source=source,
                run_id=run_id or None,
                run_link=run_link or None,
                description=description,
                status=status.value,
                storage_location=storage_location,
            )
            for key, value in tags.items():
                tx.set_version_tag(name, model_id, version, key, value)
            return tx.get_version(name, model_id, version)

    def get_model_version(self, name: str, version: int | str) -> ModelVersion:
        """One version of a registered model."""
        name, number = validation.model_name(name), validation.version(version)
        with self.store.read() as tx:
            return tx.get_version(name, tx.model_id(name), number)

    def update_model_version(
        self, name: str, version: int | str, description: str | None = None
    ) -> ModelVersion:
        """Replace a version's description."""
        name, number = validation.model_name(name), validation.version(version)
        description = validation.description(description)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            tx.update_version(name, model_id, number, self.clock(), description=description)
            return tx.get_version(name, model_id, number)

    def finish_model_version(
        self,
        name: str,
        version: int | str,
        status: ModelVersionStatus,
        *,
        status_message: str | None = None,
        storage_location: str | None = None,
    ) -> ModelVersion:
        """Record the outcome of a pending registration (READY or FAILED_REGISTRATION)."""
        name, number = validation.model_name(name), validation.version(version)
        values: dict[str, str | None] = {"status": status.value, "status_message": status_message}
        if storage_location is not None:
            values["storage_location"] = storage_location
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            tx.update_version(name, model_id, number, self.clock(), **values)
            return tx.get_version(name, model_id, number)

    def delete_model_version(self, name: str, version: int | str) -> None:
        """Delete a version with its tags and aliases; its number is never given out again."""
        name, number = validation.model_name(name), validation.version(version)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            tx.delete_version(name, model_id, number)
            tx.update_model(model_id, self.clock())

    def set_model_version_tag(self, name: str, version: int | str, key: str, value: str) -> None:
        """Set (or overwrite) a tag on a model version."""
        name, number = validation.model_name(name), validation.version(version)
        key, value = validation.tag(key, value)
        with self.store.write() as tx:
            tx.set_version_tag(name, tx.model_id(name), number, key, value)

    def delete_model_version_tag(self, name: str, version: int | str, key: str) -> None:
        """Remove a tag from a model version (no error when it is absent)."""
        name, number = validation.model_name(name), validation.version(version)
        key, _ = validation.tag(key, "")
        with self.store.write() as tx:
            tx.delete_version_tag(name, tx.model_id(name), number, key)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """Model versions matching a filter such as ``name = 'Unicorn' AND version_number > 2``."""
        with self.store.read() as tx:
            return keyset_page(
                MODEL_VERSIONS,
                tx.search_versions,
                filter_string,
                max_results,
                order_by,
                page_token,
            )

    def get_latest_versions(
        self, name: str, stages: Sequence[str] | None = None
    ) -> list[ModelVersion]:
        """The highest version in each of ``stages`` (every stage when none are given)."""
        name = validation.model_name(name)
        wanted = [Stage.parse(stage) for stage in stages] if stages else None
        with self.store.read() as tx:
            return tx.latest_versions(tx.model_id(name), wanted)

    def transition_model_version_stage(
        self,
        name: str,
        version: int | str,
        stage: str,
        archive_existing_versions: bool = False,
    ) -> ModelVersion:
        """Move a version to ``stage``; optionally archive the versions already there."""
        name, number = validation.model_name(name), validation.version(version)
        target = Stage.parse(stage)
        if archive_existing_versions and target not in _ARCHIVABLE_TARGETS:
            raise InvalidParameterValue(
                "Model version transition cannot archive existing model versions because "
                f"'{target.value}' is not a Staging or Production stage."
            )
        with self.store.write() as tx:
            # Locking the model row serialises transitions of one model, so two concurrent
            # archive-existing moves cannot both leave a version in the target stage.
            model_id = tx.model_id(name, lock=True)
            tx.get_version(name, model_id, number)
            now = self.clock()
            if archive_existing_versions:
                others = [v for v in tx.versions_in_stage(model_id, target) if v != number]
                tx.set_stage(model_id, others, Stage.ARCHIVED, now)
            tx.set_stage(model_id, [number], target, now)
            tx.update_model(model_id, now)
            return tx.get_version(name, model_id, number)

    def get_model_version_download_uri(self, name: str, version: int | str) -> str:
        """Where the version's files can be fetched: the registry's copy, else the source."""
        model_version = self.get_model_version(name, version)
        return model_version.storage_location or model_version.source

    # -- aliases -------------------------------------------------------------------------

    def set_registered_model_alias(self, name: str, alias: str, version: int | str) -> None:
        """Point ``alias`` at a version, moving it from whichever version held it."""
        name, number = validation.model_name(name), validation.version(version)
        alias = validation.alias(alias)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            tx.get_version(name, model_id, number)
            tx.set_alias(model_id, alias, number)
            tx.update_model(model_id, self.clock())

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """Remove an alias (no error when it is not set)."""
        name = validation.model_name(name)
        alias = validation.alias(alias)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            tx.delete_alias(model_id, alias)
            tx.update_model(model_id, self.clock())

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version an alias points at."""
        name = validation.model_name(name)
        with self.store.read() as tx:
            model_id = tx.model_id(name)
            number = tx.alias_version(model_id, alias)
            if number is None:
                raise AliasNotFound(name, alias)
            return tx.get_version(name, model_id, number)


__all__ = ["RegistryService"]
