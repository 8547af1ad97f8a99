"""A model's history from the audit log: the timeline, who held a stage or alias at a time,
and rollback to the previous holder.

Everything here is read back from ``registry_events``; the log is written by the registry
service in the same transaction as each change, so the replayed state is the real one.
"""

from __future__ import annotations

from modelreg import validation
from modelreg.entities import ModelVersion, PagedList, Stage
from modelreg.entities.events import Event, EventEntity
from modelreg.entities.permissions import Permission
from modelreg.errors import RegisteredModelNotFound, ResourceNotFound
from modelreg.governance.policies import PromotionTarget
from modelreg.search.page_token import decode_page_token, encode_page_token, query_fingerprint
from modelreg.service.access import Resource
from modelreg.service.registry import RegistryService
from modelreg.store.sql import events_store
from modelreg.store.sql.registry_store import SqlRegistryTransaction

_E = EventEntity
_DEFAULT_PAGE = 100
_MAX_PAGE = 1000
#: The events that move versions between stages and aliases (what replays need).
_PLACEMENT = (_E.MODEL_VERSION, _E.MODEL_VERSION_STAGE, _E.MODEL_VERSION_ALIAS)


class HistoryService:
    """History, point-in-time queries and rollback over the registry's audit log."""

    def __init__(self, registry: RegistryService) -> None:
        self.registry = registry

    def get_model_history(
        self,
        name: str,
        *,
        max_results: int | None = None,
        page_token: str | None = None,
    ) -> PagedList[Event]:
        """Every recorded change of a model, newest first, one page at a time.

        Works after a rename (the history follows the model) and after a delete (by the
        name it had).
        """
        name = validation.model_name(name)
        limit = validation.max_results(max_results, default=_DEFAULT_PAGE, limit=_MAX_PAGE)
        fingerprint = query_fingerprint("history", name)
        after = decode_page_token(page_token, fingerprint)
        self.registry.access.require(Resource.model(name), Permission.READ)
        with self.registry.store.read() as tx:
            model_id = _history_id(tx, name)
            before_id = int(after[0]) if after else None
            events = events_store.model_events(
                tx.connection, model_id, before_id=before_id, limit=limit + 1
            )
        token = None
        if len(events) > limit:
            events = events[:limit]
            token = encode_page_token([events[-1].id], fingerprint)
        return PagedList(events, token)

    def get_version_at(
        self, name: str, timestamp: int, *, stage: str | None = None, alias: str | None = None
    ) -> int | None:
        """The version that held ``stage`` (the latest one in it) or ``alias`` at ``timestamp``.

        ``timestamp`` is in milliseconds since the epoch; None when nothing held it then.
        """
        name = validation.model_name(name)
        target = PromotionTarget.of(stage, alias)
        self.registry.access.require(Resource.model(name), Permission.READ)
        with self.registry.store.read() as tx:
            events = events_store.model_events(
                tx.connection,
                _history_id(tx, name),
                entities=_PLACEMENT,
                until=timestamp,
                newest_first=False,
            )
        holders = _holders(events, target)
        return holders[-1] if holders else None

    def rollback(
        self, name: str, *, stage: str | None = None, alias: str | None = None
    ) -> ModelVersion:
        """Give ``stage`` or ``alias`` back to the version that held it before the current one.

        The move is a new recorded change (through the same permission and policy checks as
        any move); a stage rollback archives the current holder.
        """
        name = validation.model_name(name)
        target = PromotionTarget.of(stage, alias)
        with self.registry.store.read() as tx:
            model_id = tx.model_id(name)
            events = events_store.model_events(
                tx.connection, model_id, entities=_PLACEMENT, newest_first=False
            )
            existing = set(_live_versions(events))
        holders = [h for h in _holders(events, target) if h is not None]
        if not holders:
            raise ResourceNotFound(f"Nothing holds the {target} of model '{name}'.")
        current = holders[-1]
        previous = next((v for v in reversed(holders) if v != current and v in existing), None)
        if previous is None:
            raise ResourceNotFound(
                f"No earlier version of model '{name}' held the {target} before version "
                f"{current} (or it has been deleted since): nothing to roll back to."
            )
        if target.stage is not None:
            return self.registry.transition_model_version_stage(
                name,
                previous,
                target.stage.value,
                archive_existing_versions=target.stage in (Stage.STAGING, Stage.PRODUCTION),
                expected_version=current,
            )
        assert target.alias is not None
        self.registry.set_registered_model_alias(
            name, target.alias, previous, expected_version=current
        )
        return self.registry.get_model_version(name, previous)


def _history_id(tx: SqlRegistryTransaction, name: str) -> int:
    """The model a history is about: the one called ``name``, else the last one that was."""
    try:
        return tx.model_id(name)
    except RegisteredModelNotFound:
        found = events_store.last_model_id(tx.connection, name)
        if found is None:
            raise
        return found


def _holders(events: list[Event], target: PromotionTarget) -> list[int | None]:
    """Who held ``target`` after each event that changed it, oldest first (None: nobody)."""
    stages: dict[int, str] = {}
    aliases: dict[str, int] = {}
    holders: list[int | None] = []

    def holder() -> int | None:
        if target.alias is not None:
            return aliases.get(target.alias)
        assert target.stage is not None
        inside = [v for v, s in stages.items() if s == target.stage.value]
        return max(inside) if inside else None

    for event in events:
        _apply(event, stages, aliases)
        now = holder()
        if not holders or holders[-1] != now:
            holders.append(now)
    return holders


def _live_versions(events: list[Event]) -> dict[int, str]:
    """The versions that exist after ``events``, with their stages."""
    stages: dict[int, str] = {}
    _ignored: dict[str, int] = {}
    for event in events:
        _apply(event, stages, _ignored)
    return stages


def _apply(event: Event, stages: dict[int, str], aliases: dict[str, int]) -> None:
    """Replay one placement event onto the stage of each version and the alias table."""
    version = event.version
    if version is None:
        return
    if event.entity == _E.MODEL_VERSION:
        if event.action in ("created", "restored"):
            stages[version] = (event.after or {}).get("stage", Stage.NONE.value)
        elif event.action == "deleted":
            stages.pop(version, None)
    elif event.entity == _E.MODEL_VERSION_STAGE:
        stages[version] = (event.after or {})["stage"]
    elif event.entity == _E.MODEL_VERSION_ALIAS:
        alias = event.data["alias"]
        if event.action == "deleted":
            aliases.pop(alias, None)
        else:
            aliases[alias] = version
