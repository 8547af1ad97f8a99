"""What must hold of a registry after any fault, checked on its database and files directly.

- every READY version's files are complete (its checksum manifest verifies);
- the audit history replays to the state exactly: the stage of every version and the
  version of every alias (the replay here is written from the events' meaning, independently
  of the service's own, and the service's point-in-time answers are checked against it);
- each request that archived versions (``archived_by``) also moved its version, in the same
  transaction: an archive without its move is a half-applied transition.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from modelreg.backend import LocalBackend, open_local_backend
from modelreg.config import Settings
from modelreg.entities import ModelVersion, ModelVersionStatus, RegisteredModel, Stage
from modelreg.entities.events import Event, EventEntity
from modelreg.models.checksums import verify_checksums


@contextmanager
def opened(tracking_uri: str, artifacts: Path) -> Iterator[LocalBackend]:
    """The registry's services in this process, on the same database and artifact root."""
    backend = open_local_backend(Settings.resolve(tracking_uri, {}, artifact_root=str(artifacts)))
    try:
        yield backend
    finally:
        backend.close()


def all_models(backend: LocalBackend) -> list[RegisteredModel]:
    """Every registered model, all pages."""
    models: list[RegisteredModel] = []
    token = None
    while True:
        page = backend.registry.search_registered_models(max_results=1000, page_token=token)
        models += page
        token = page.token
        if not token:
            return models


def all_versions(backend: LocalBackend, name: str) -> list[ModelVersion]:
    """Every version of model ``name``, all pages, by number."""
    versions: list[ModelVersion] = []
    token = None
    while True:
        page = backend.registry.search_model_versions(
            f"name = '{name}'", max_results=10_000, page_token=token
        )
        versions += page
        token = page.token
        if not token:
            return sorted(versions, key=lambda v: v.version)


def history(backend: LocalBackend, name: str) -> list[Event]:
    """Every event of model ``name``, oldest first."""
    events: list[Event] = []
    token = None
    while True:
        page = backend.history.get_model_history(name, max_results=1000, page_token=token)
        events += page
        token = page.token
        if not token:
            return sorted(events, key=lambda event: event.id)


def local_folder(storage_location: str) -> Path:
    """The folder a ``file://`` storage location names."""
    parts = urlsplit(storage_location)
    assert parts.scheme == "file", storage_location
    return Path(unquote(parts.path))


def assert_ready_versions_complete(backend: LocalBackend) -> None:
    """Every READY version with a registry copy has all its files, as its manifest says."""
    for model in all_models(backend):
        for version in all_versions(backend, model.name):
            if version.status == ModelVersionStatus.READY and version.storage_location:
                folder = local_folder(version.storage_location)
                assert verify_checksums(folder), f"{folder} has no checksums manifest"


def replay(events: list[Event]) -> tuple[dict[int, str], dict[str, int]]:
    """The stage of every live version and the version of every alias after ``events``."""
    stages: dict[int, str] = {}
    aliases: dict[str, int] = {}
    for event in events:
        if event.version is None:
            continue
        if event.entity == EventEntity.MODEL_VERSION and event.action in ("created", "restored"):
            stages[event.version] = (event.after or {})["stage"]
        elif event.entity == EventEntity.MODEL_VERSION and event.action == "deleted":
            del stages[event.version]
        elif event.entity == EventEntity.MODEL_VERSION_STAGE:
            assert stages[event.version] == (event.before or {})["stage"], event
            stages[event.version] = (event.after or {})["stage"]
        elif event.entity == EventEntity.MODEL_VERSION_ALIAS and event.action == "deleted":
            del aliases[event.data["alias"]]
        elif event.entity == EventEntity.MODEL_VERSION_ALIAS:
            aliases[event.data["alias"]] = event.version
    return stages, aliases


def assert_history_replays_to_state(backend: LocalBackend) -> None:
    """For every model, replaying its audit log gives its versions' stages and its aliases,
    and each archive-existing move is whole in the log."""
    now = backend.registry.clock()
    for model in all_models(backend):
        events = history(backend, model.name)
        stages, aliases = replay(events)
        versions = all_versions(backend, model.name)
        assert stages == {v.version: v.current_stage.value for v in versions}, model.name
        assert aliases == backend.registry.get_registered_model(model.name).aliases, model.name
        for alias, number in aliases.items():
            assert backend.history.get_version_at(model.name, now, alias=alias) == number
        for stage in (Stage.STAGING, Stage.PRODUCTION):
            holders = [number for number, held in stages.items() if held == stage.value]
            expected = max(holders, default=None)
            assert backend.history.get_version_at(model.name, now, stage=stage.value) == expected
        assert_archives_have_their_move(events)


def assert_archives_have_their_move(events: list[Event]) -> None:
    """Each version archived by a move of version N sits in the transaction that moved N."""
    moves = {
        (event.timestamp, event.version)
        for event in events
        if event.entity == EventEntity.MODEL_VERSION_STAGE and "archived_by" not in event.data
    }
    for event in events:
        if "archived_by" in event.data:
            assert (event.timestamp, event.data["archived_by"]) in moves, event


def assert_one_holder_per_promoted_stage(backend: LocalBackend) -> None:
    """At most one version of each model in Staging and one in Production (every move into
    them archived the previous holders)."""
    for model in all_models(backend):
        for stage in (Stage.STAGING, Stage.PRODUCTION):
            held = [
                v.version for v in all_versions(backend, model.name) if v.current_stage == stage
            ]
            assert len(held) <= 1, (model.name, stage, held)


def assert_aliases_point_at_versions(backend: LocalBackend) -> None:
    """Every alias of every model names one of that model's existing versions."""
    for model in all_models(backend):
        numbers = {v.version for v in all_versions(backend, model.name)}
        assert set(model.aliases.values()) <= numbers, (model.name, model.aliases)


def assert_version_numbers(
    backend: LocalBackend, created: dict[str, list[int]], initial: int, *, all_answered: bool
) -> None:
    """Each model's versions are numbered 1..N with no gap, and its creations were given
    distinct numbers among them; ``all_answered``: every creation that committed was answered
    (none was cut off), so N is exactly ``initial`` plus their count."""
    for name, numbers in created.items():
        assert len(numbers) == len(set(numbers)), f"{name}: a number given twice"
        existing = [v.version for v in all_versions(backend, name)]
        assert existing == list(range(1, len(existing) + 1)), f"{name}: gaps in {existing}"
        assert set(numbers) <= set(existing), name
        if all_answered:
            assert len(existing) == initial + len(numbers), name
