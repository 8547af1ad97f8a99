"""The history half of ``modelreg.Client``: audit history, point-in-time queries, rollback."""

from __future__ import annotations

from datetime import datetime

from modelreg.entities import ModelVersion, PagedList
from modelreg.entities.events import Event
from modelreg.operations import Backend


class HistoryMethods:
    """What modelreg adds to MlflowClient: the recorded history of every model."""

    _backend: Backend

    def get_model_history(
        self, name: str, *, max_results: int | None = None, page_token: str | None = None
    ) -> PagedList[Event]:
        """Every change of a model, newest first, e.g. ``get_model_history("Unicorn")``.

        Each event says who changed what and when, with the state before and after
        (``event.name`` is ``"model_version_stage.transitioned"``, ``"model_version.created"``,
        ...). The result has a ``.token`` for the next page.
        """
        return self._backend.history.get_model_history(
            name, max_results=max_results, page_token=page_token
        )

    def get_model_version_at(
        self,
        name: str,
        at: datetime | int,
        *,
        stage: str | None = None,
        alias: str | None = None,
    ) -> int | None:
        """The version that held a stage or alias at a moment, e.g.
        ``get_model_version_at("Unicorn", datetime(2026, 11, 1, tzinfo=UTC), stage="Production")``.

        Args:
            at: a timezone-aware datetime, or milliseconds since the epoch.
            stage: the stage asked about (the latest version in it is its holder).
            alias: the alias asked about (instead of ``stage``).

        Returns the version number, or None when nothing held it then.
        """
        timestamp = at if isinstance(at, int) else int(at.timestamp() * 1000)
        return self._backend.history.get_version_at(name, timestamp, stage=stage, alias=alias)

    def rollback_model_version(
        self, name: str, *, stage: str | None = None, alias: str | None = None
    ) -> ModelVersion:
        """Give a stage or alias back to the version that held it before, e.g.
        ``rollback_model_version("Unicorn", stage="Production")``.

        The rollback is itself a recorded change; rolling back twice returns to where it was.
        """
        return self._backend.history.rollback(name, stage=stage, alias=alias)
