"""RegistryService: every registry rule, over a SQL store, one transaction per operation.

Rules kept here: input validation, permissions, version numbering (gapless, never reused),
one stage per version, archiving the previous holders of a stage, alias moves, promotion
gates, compare-and-set moves, idempotent registration, soft deletes, and the audit event of
every change, written in the change's own transaction. The store only persists; the doors
(Client, server, CLI) only translate.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from modelreg import validation
from modelreg.clock import Clock, system_clock
from modelreg.entities import ModelVersion, ModelVersionStatus, PagedList, RegisteredModel, Stage
from modelreg.entities.events import EventEntity
from modelreg.entities.permissions import Permission
from modelreg.errors import (
    InvalidParameterValue,
    ModelVersionNotFound,
    ResourceConflict,
)
from modelreg.identity import actor_name
from modelreg.search import (
    MODEL_VERSIONS,
    REGISTERED_MODELS,
)
from modelreg.search.paging import keyset_page
from modelreg.service.access import AccessControl, Resource, Unrestricted
from modelreg.service.gates import Move, OpenGate, PromotionGate
from modelreg.store.sql import SqlRegistryStore
from modelreg.store.sql.registry_store import SqlRegistryTransaction

_ARCHIVABLE_TARGETS = (Stage.STAGING, Stage.PRODUCTION)
#: Stages a version may leave by deletion without ``force``.
_DELETABLE_STAGES = (Stage.NONE, Stage.ARCHIVED)

_E = EventEntity


class RegistryService:
    """The registry operations, with MlflowClient's names and semantics.

    ``access`` checks the current principal's permission before each operation and ``gate``
    approves stage and alias moves; both default to letting everything through.
    """

    def __init__(
        self,
        store: SqlRegistryStore,
        *,
        clock: Clock = system_clock,
        access: AccessControl | None = None,
        gate: PromotionGate | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.access: AccessControl = access or Unrestricted()
        self.gate: PromotionGate = gate or OpenGate()

    def _require(self, name: str, needed: Permission) -> None:
        self.access.require(Resource.model(name), needed)

    def _record(
        self,
        tx: SqlRegistryTransaction,
        now: int,
        entity: str,
        action: str,
        model: tuple[int, str],
        version: int | None = None,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        **data: Any,
    ) -> None:
        """Append the audit event of a change, in the change's transaction."""
        model_id, model_name = model
        tx.record_event(
            timestamp=now,
            actor=actor_name(),
            entity=entity,
            action=action,
            model_id=model_id,
            model_name=model_name,
            version=version,
            before=before,
            after=after,
            data=data or None,
        )

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
        self.access.require_create("registered_model")
        with self.store.write() as tx:
            now = self.clock()
            model_id = tx.insert_model(name, description, tags, now)
            after = {"description": description, "tags": tags}
            self._record(tx, now, _E.REGISTERED_MODEL, "created", (model_id, name), after=after)
            model = tx.get_model(model_id)
        self.access.created(Resource.model(name))
        return model

    def generation(self) -> int:
        """A number that grows with every committed change to the registry or its permissions:
        two reads at the same generation see the same registry."""
        return self.store.generation()

    def get_registered_model(self, name: str) -> RegisteredModel:
        """The model with its tags, aliases and latest version in each stage."""
        name = validation.model_name(name)
        self._require(name, Permission.READ)
        with self.store.read() as tx:
            return tx.get_model_by_name(name)

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename a model; its versions, tags, aliases and history keep pointing at it."""
        name = validation.model_name(name)
        new_name = validation.model_name(new_name, "new_name")
        self._require(name, Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            if new_name != name:
                now = self.clock()
                tx.rename_model(model_id, new_name, now)
                self._record(
                    tx,
                    now,
                    _E.REGISTERED_MODEL,
                    "renamed",
                    (model_id, new_name),
                    before={"name": name},
                    after={"name": new_name},
                )
            return tx.get_model(model_id)

    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        """Replace the model's description (an empty string clears it)."""
        name = validation.model_name(name)
        description = validation.description(description)
        self._require(name, Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            now = self.clock()
            before = {"description": tx.model_description(model_id)}
            tx.update_model(model_id, now, description=description)
            after = {"description": description}
            self._record(
                tx,
                now,
                _E.REGISTERED_MODEL,
                "updated",
                (model_id, name),
                before=before,
                after=after,
            )
            return tx.get_model(model_id)

    def delete_registered_model(self, name: str) -> None:
        """Delete a model with all its versions, tags and aliases (its history is kept)."""
        name = validation.model_name(name)
        self._require(name, Permission.MANAGE)
        with self.store.write() as tx:
            model_id = tx.model_id(name, lock=True)
            tx.delete_model(model_id)
            self._record(tx, self.clock(), _E.REGISTERED_MODEL, "deleted", (model_id, name))

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        """Set (or overwrite) a tag on a registered model."""
        name = validation.model_name(name)
        key, value = validation.tag(key, value)
        self._require(name, Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            old = tx.model_tag(model_id, key)
            tx.set_model_tag(model_id, key, value)
            self._record(
                tx,
                self.clock(),
                _E.REGISTERED_MODEL_TAG,
                "set",
                (model_id, name),
                before=None if old is None else {"value": old},
                after={"value": value},
                key=key,
            )

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """Remove a tag from a registered model (no error when it is absent)."""
        name = validation.model_name(name)
        key, _ = validation.tag(key, "")
        self._require(name, Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            old = tx.model_tag(model_id, key)
            if old is None:
                return
            tx.delete_model_tag(model_id, key)
            self._record(
                tx,
                self.clock(),
                _E.REGISTERED_MODEL_TAG,
                "deleted",
                (model_id, name),
                before={"value": old},
                key=key,
            )

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """Registered models matching a filter such as ``name LIKE 'Uni%'``, one page at a time.

        Only the models the current principal may read are listed.
        """
        reader = self.access.reader()
        with self.store.read() as tx:
            return keyset_page(
                REGISTERED_MODELS,
                partial(tx.search_models, reader=reader),
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
        idempotency_key: str | None = None,
    ) -> ModelVersion:
        """Add the next-numbered version to an existing registered model.

        With ``idempotency_key``, a retry of a registration that already happened returns
        the version it created instead of adding another (a different source under the same
        key is a conflict).
        """
        name = validation.model_name(name)
        source = validation.source(source)
        tags = validation.tags(tags)
        description = validation.description(description)
        key = validation.idempotency_key(idempotency_key)
        self._require(name, Permission.EDIT)
        with self.store.write() as tx:
            # With a key, the model's row lock orders concurrent retries so the second sees
            # the first's version.
            model_id = tx.model_id(name, lock=key is not None)
            if key is not None:
                existing = tx.version_by_idempotency_key(model_id, key)
                if existing is not None:
                    return _same_registration(tx.get_version(name, model_id, existing), source)
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
                user_id=actor_name(),
                idempotency_key=key,
            )
            for tag_key, value in tags.items():
                tx.set_version_tag(name, model_id, version, tag_key, value)
            created = tx.get_version(name, model_id, version)
            self._record(
                tx,
                now,
                _E.MODEL_VERSION,
                "created",
                (model_id, name),
                version,
                after=_version_fields(created),
            )
            return created

    def get_model_version_by_idempotency_key(self, name: str, key: str) -> ModelVersion | None:
        """The version a registration with this idempotency key created, if any."""
        name = validation.model_name(name)
        self._require(name, Permission.READ)
        with self.store.read() as tx:
            model_id = tx.model_id(name)
            number = tx.version_by_idempotency_key(model_id, key)
            return None if number is None else tx.get_version(name, model_id, number)

    def get_model_version(self, name: str, version: int | str) -> ModelVersion:
        """One version of a registered model."""
        name, number = validation.model_name(name), validation.version(version)
        self._require(name, Permission.READ)
        with self.store.read() as tx:
            return tx.get_version_by_name(name, number)

    def update_model_version(
        self, name: str, version: int | str, description: str | None = None
    ) -> ModelVersion:
        """Replace a version's description."""
        name, number = validation.model_name(name), validation.version(version)
        description = validation.description(description)
        self._require(name, Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            before = {"description": tx.get_version(name, model_id, number).description}
            now = self.clock()
            tx.update_version(name, model_id, number, now, description=description)
            self._record(
                tx,
                now,
                _E.MODEL_VERSION,
                "updated",
                (model_id, name),
                number,
                before=before,
                after={"description": description},
            )
            return tx.get_version(name, model_id, number)

    def finish_model_version(
        self,
        name: str,
        version: int | str,
        status: ModelVersionStatus,
        *,
        status_message: str | None = None,
        storage_location: str | None = None,
        renewed_before: int | None = None,
    ) -> ModelVersion:
        """Record the outcome of a pending registration (READY or FAILED_REGISTRATION).

        Only a version still PENDING_REGISTRATION is finished, else ResourceConflict: the
        recovery sweep may have failed it meanwhile, and the sweep (``renewed_before``)
        fails only versions whose lease was last renewed before then. A failed version
        keeps no storage location: its files are deleted.
        """
        name, number = validation.model_name(name), validation.version(version)
        values: dict[str, str | None] = {"status": status.value, "status_message": status_message}
        if status == ModelVersionStatus.FAILED_REGISTRATION:
            values["storage_location"] = None
        elif storage_location is not None:
            values["storage_location"] = storage_location
        self._require(name, Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            before = {"status": tx.get_version(name, model_id, number).status.value}
            now = self.clock()
            if not tx.update_pending_version(
                model_id, number, now, updated_before=renewed_before, **values
            ):
                raise ResourceConflict(_unfinished(name, number, before["status"]))
            self._record(
                tx,
                now,
                _E.MODEL_VERSION,
                "status_changed",
                (model_id, name),
                number,
                before=before,
                after=values,
            )
            return tx.get_version(name, model_id, number)

    def delete_model_version(self, name: str, version: int | str, *, force: bool = False) -> None:
        """Move a version to the trash; its number is never given out again.

        A version in Staging or Production, or holding an alias, is only deleted with
        ``force`` (its aliases go with it). It can be restored with
        :meth:`restore_model_version` until the trash is purged.
        """
        name, number = validation.model_name(name), validation.version(version)
        self._require(name, Permission.MANAGE)
        with self.store.write() as tx:
            model_id = tx.model_id(name, lock=True)
            doomed = tx.get_version(name, model_id, number)
            aliases = tx.version_aliases(model_id, number)
            if not force and (doomed.current_stage not in _DELETABLE_STAGES or aliases):
                held = [f"stage {doomed.current_stage.value}"] * (
                    doomed.current_stage not in _DELETABLE_STAGES
                ) + [f"alias @{alias}" for alias in aliases]
                raise InvalidParameterValue(
                    f"Version {number} of model '{name}' holds {', '.join(held)}; move it "
                    "first, or delete with force."
                )
            now = self.clock()
            model = (model_id, name)
            for alias in aliases:
                self._record(
                    tx,
                    now,
                    _E.MODEL_VERSION_ALIAS,
                    "deleted",
                    model,
                    number,
                    before={"version": number},
                    alias=alias,
                )
            tx.trash_version(name, model_id, number, now, actor_name())
            tx.update_model(model_id, now)
            self._record(
                tx,
                now,
                _E.MODEL_VERSION,
                "deleted",
                model,
                number,
                before=_version_fields(doomed),
            )

    def restore_model_version(self, name: str, version: int | str) -> ModelVersion:
        """Bring back a deleted version (not its aliases) while it is still in the trash."""
        name, number = validation.model_name(name), validation.version(version)
        self._require(name, Permission.MANAGE)
        with self.store.write() as tx:
            model_id = tx.model_id(name, lock=True)
            if tx.trashed_version(model_id, number) is None:
                raise ModelVersionNotFound(name, number)
            now = self.clock()
            tx.untrash_version(model_id, number, now)
            tx.update_model(model_id, now)
            restored = tx.get_version(name, model_id, number)
            self._record(
                tx,
                now,
                _E.MODEL_VERSION,
                "restored",
                (model_id, name),
                number,
                after=_version_fields(restored),
            )
            return restored

    def purge_deleted_versions(self, deleted_before: int) -> list[str]:
        """Forget versions deleted before ``deleted_before``; the storage left to collect."""
        with self.store.write() as tx:
            return tx.purge_trash(deleted_before)

    def set_model_version_tag(self, name: str, version: int | str, key: str, value: str) -> None:
        """Set (or overwrite) a tag on a model version."""
        name, number = validation.model_name(name), validation.version(version)
        key, value = validation.tag(key, value)
        self._require(name, Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            old = tx.version_tag(name, model_id, number, key)
            tx.set_version_tag(name, model_id, number, key, value)
            self._record(
                tx,
                self.clock(),
                _E.MODEL_VERSION_TAG,
                "set",
                (model_id, name),
                number,
                before=None if old is None else {"value": old},
                after={"value": value},
                key=key,
            )

    def delete_model_version_tag(self, name: str, version: int | str, key: str) -> None:
        """Remove a tag from a model version (no error when it is absent)."""
        name, number = validation.model_name(name), validation.version(version)
        key, _ = validation.tag(key, "")
        self._require(name, Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            old = tx.version_tag(name, model_id, number, key)
            if old is None:
                return
            tx.delete_version_tag(name, model_id, number, key)
            self._record(
                tx,
                self.clock(),
                _E.MODEL_VERSION_TAG,
                "deleted",
                (model_id, name),
                number,
                before={"value": old},
                key=key,
            )

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """Model versions matching a filter such as ``name = 'Unicorn' AND version_number > 2``.

        Only versions of the models the current principal may read are listed.
        """
        reader = self.access.reader()
        with self.store.read() as tx:
            return keyset_page(
                MODEL_VERSIONS,
                partial(tx.search_versions, reader=reader),
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
        self._require(name, Permission.READ)
        with self.store.read() as tx:
            return tx.latest_versions(tx.model_id(name), wanted)

    def transition_model_version_stage(
        self,
        name: str,
        version: int | str,
        stage: str,
        archive_existing_versions: bool = False,
        *,
        expected_version: int | str | None = None,
        force: bool = False,
        request_id: int | None = None,
    ) -> ModelVersion:
        """Move a version to ``stage``; optionally archive the versions already there.

        ``expected_version`` makes the move a compare-and-set: it is refused with
        ResourceConflict unless that version is the latest one in ``stage`` now (``0``: the
        stage is empty). The promotion gate sees the move before anything changes; ``force``
        (managers only) overrides the rules that may be overridden.
        """
        name, number = validation.model_name(name), validation.version(version)
        target = Stage.parse(stage)
        expected = _expected(expected_version)
        if archive_existing_versions and target not in _ARCHIVABLE_TARGETS:
            raise InvalidParameterValue(
                "Model version transition cannot archive existing model versions because "
                f"'{target.value}' is not a Staging or Production stage."
            )
        self._require(name, Permission.MANAGE if force else Permission.EDIT)
        with self.store.write() as tx:
            # Locking the model row serialises transitions of one model, so two concurrent
            # archive-existing moves cannot both leave a version in the target stage.
            model_id = tx.model_id(name, lock=True)
            moving = tx.get_version(name, model_id, number)
            holders = tx.versions_in_stage(model_id, target)
            current = holders[-1] if holders else None
            if expected is not None and (current or 0) != expected:
                raise ResourceConflict(
                    f"Stage {target.value} of model '{name}' is held by "
                    f"{_describe(current)}, not {_describe(expected or None)}; "
                    "someone moved it first. Reload and retry."
                )
            self.gate.check(
                tx,
                Move(
                    name,
                    model_id,
                    number,
                    stage=target,
                    current=current,
                    force=force,
                    request_id=request_id,
                ),
            )
            now = self.clock()
            model = (model_id, name)
            if archive_existing_versions:
                others = [v for v in holders if v != number]
                tx.set_stage(model_id, others, Stage.ARCHIVED, now)
                for other in others:
                    self._record(
                        tx,
                        now,
                        _E.MODEL_VERSION_STAGE,
                        "transitioned",
                        model,
                        other,
                        before={"stage": target.value},
                        after={"stage": Stage.ARCHIVED.value},
                        archived_by=number,
                    )
            tx.set_stage(model_id, [number], target, now)
            tx.update_model(model_id, now)
            if moving.current_stage == target:
                return tx.get_version(name, model_id, number)  # already there: nothing to record
            self._record(
                tx,
                now,
                _E.MODEL_VERSION_STAGE,
                "transitioned",
                model,
                number,
                before={"stage": moving.current_stage.value},
                after={"stage": target.value},
                **_how(force, request_id),
            )
            return tx.get_version(name, model_id, number)

    def get_model_version_download_uri(self, name: str, version: int | str) -> str:
        """Where the version's files can be fetched: the registry's copy, else the source."""
        model_version = self.get_model_version(name, version)
        return model_version.storage_location or model_version.source

    # -- aliases -------------------------------------------------------------------------

    def set_registered_model_alias(
        self,
        name: str,
        alias: str,
        version: int | str,
        *,
        expected_version: int | str | None = None,
        force: bool = False,
        request_id: int | None = None,
    ) -> None:
        """Point ``alias`` at a version, moving it from whichever version held it.

        ``expected_version`` makes it a compare-and-set: refused with ResourceConflict unless
        the alias points at that version now (``0``: the alias is not set). ``force`` and
        ``request_id`` are as for :meth:`transition_model_version_stage`.
        """
        name, number = validation.model_name(name), validation.version(version)
        alias = validation.alias(alias)
        expected = _expected(expected_version)
        self._require(name, Permission.MANAGE if force else Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name, lock=True)
            tx.get_version(name, model_id, number)
            current = tx.alias_version(model_id, alias)
            if expected is not None and (current or 0) != expected:
                raise ResourceConflict(
                    f"Alias '{alias}' of model '{name}' points at {_describe(current)}, "
                    f"not {_describe(expected or None)}; someone moved it first. "
                    "Reload and retry."
                )
            if current == number:
                return
            self.gate.check(
                tx,
                Move(
                    name,
                    model_id,
                    number,
                    alias=alias,
                    current=current,
                    force=force,
                    request_id=request_id,
                ),
            )
            now = self.clock()
            tx.set_alias(model_id, alias, number)
            tx.update_model(model_id, now)
            self._record(
                tx,
                now,
                _E.MODEL_VERSION_ALIAS,
                "created" if current is None else "moved",
                (model_id, name),
                number,
                before=None if current is None else {"version": current},
                after={"version": number},
                alias=alias,
                **_how(force, request_id),
            )

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """Remove an alias (no error when it is not set)."""
        name = validation.model_name(name)
        alias = validation.alias(alias)
        self._require(name, Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name, lock=True)
            current = tx.alias_version(model_id, alias)
            if current is None:
                return
            now = self.clock()
            tx.delete_alias(model_id, alias)
            tx.update_model(model_id, now)
            self._record(
                tx,
                now,
                _E.MODEL_VERSION_ALIAS,
                "deleted",
                (model_id, name),
                current,
                before={"version": current},
                alias=alias,
            )

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version an alias points at."""
        name = validation.model_name(name)
        self._require(name, Permission.READ)
        with self.store.read() as tx:
            return tx.get_version_by_alias(name, alias)


def _version_fields(version: ModelVersion) -> dict[str, Any]:
    """What an event keeps of a version: what MLflow's webhooks send, and its stage."""
    return {
        "source": version.source,
        "run_id": version.run_id,
        "description": version.description,
        "tags": dict(version.tags),
        "status": version.status.value,
        "stage": version.current_stage.value,
        "storage_location": version.storage_location,
    }


def _same_registration(existing: ModelVersion, source: str) -> ModelVersion:
    """The version a retried registration asks for, unless the key was used for another."""
    if existing.source != source:
        raise ResourceConflict(
            f"Idempotency key already used for version {existing.version} of model "
            f"'{existing.name}' with source '{existing.source}', not '{source}'."
        )
    return existing


def _unfinished(name: str, number: int, status: str) -> str:
    """Why a registration's outcome was not recorded."""
    if status == ModelVersionStatus.PENDING_REGISTRATION.value:
        return f"The registration of version {number} of model '{name}' renewed its lease."
    return f"Version {number} of model '{name}' is {status}: its registration already ended."


def _expected(expected_version: int | str | None) -> int | None:
    """A compare-and-set's expected version (0 or "" expects nothing to hold the target)."""
    if expected_version is None:
        return None
    if expected_version in (0, "0", ""):
        return 0
    return validation.version(expected_version)


def _how(force: bool, request_id: int | None) -> dict[str, Any]:
    """What an event of a move records about how it was allowed."""
    how: dict[str, Any] = {}
    if force:
        how["forced"] = True
    if request_id is not None:
        how["request_id"] = request_id
    return how


def _describe(version: int | None) -> str:
    return "no version" if version is None else f"version {version}"


__all__ = ["RegistryService"]
