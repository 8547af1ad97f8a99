"""RemoteHistory: a model's audit history, point-in-time queries and rollback over HTTP."""

from __future__ import annotations

from modelreg.entities import ModelVersion, PagedList
from modelreg.entities.events import Event
from modelreg.remote.http import OWN_API, RestClient
from modelreg.wire import event_from_wire, model_version_from_wire


class RemoteHistory:
    """The history endpoints of a modelreg server (``/api/2.0/modelreg/...``)."""

    def __init__(self, rest: RestClient) -> None:
        self.rest = rest

    def get_model_history(
        self, name: str, *, max_results: int | None = None, page_token: str | None = None
    ) -> PagedList[Event]:
        """Every recorded change of a model, newest first."""
        body = self.rest.get(
            f"{OWN_API}/registered-models/history",
            name=name,
            max_results=max_results,
            page_token=page_token,
        )
        events = [event_from_wire(event) for event in body.get("events", [])]
        return PagedList(events, body.get("next_page_token") or None)

    def get_version_at(
        self, name: str, timestamp: int, *, stage: str | None = None, alias: str | None = None
    ) -> int | None:
        """The version that held a stage or alias at ``timestamp`` (ms since the epoch)."""
        body = self.rest.get(
            f"{OWN_API}/registered-models/version-at",
            name=name,
            timestamp=timestamp,
            stage=stage,
            alias=alias,
        )
        version = body.get("version")
        return None if version is None else int(version)

    def rollback(
        self, name: str, *, stage: str | None = None, alias: str | None = None
    ) -> ModelVersion:
        """Give a stage or alias back to the version that held it before."""
        body = self.rest.post(
            f"{OWN_API}/registered-models/rollback", name=name, stage=stage, alias=alias
        )
        return model_version_from_wire(body["model_version"])
