"""A model's timeline, newest first, derived from what the registry stores today.

Today's tables keep each version's creation time and its current stage with the time of its
last change, not every past transition; the timeline therefore shows the model's creation,
each version's registration and each version's *current* stage (as its last recorded change).
The template renders any list of :class:`TimelineEvent`, so the audit log of the governance
work can replace :func:`derived_events` without touching it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import Request
from starlette.responses import Response

from modelreg.entities import ModelVersion, RegisteredModel, Stage
from modelreg.server.dependencies import Registry
from modelreg.server.ui import links
from modelreg.server.ui.page_group import PageGroup
from modelreg.server.ui.search_box import quoted

__all__ = ["NOT_RECORDED", "HistoryPages", "TimelineEvent", "derived_events"]

VERSIONS_PER_PAGE = 200
#: What the timeline cannot show until the registry keeps an audit log.
NOT_RECORDED = (
    "earlier stage transitions of a version (only its current stage and the time of its last "
    "change are stored)",
    "alias moves and removals, tag and description edits",
    "renames and deleted versions",
    "who made each change",
)
_STEP_ORDER = {"model_created": 0, "version_created": 1, "stage": 2}


@dataclass(frozen=True)
class TimelineEvent:
    """Something that happened to a model: when, what kind, and a one-line summary.

    ``derived`` marks events reconstructed from current state rather than read from a log
    (their time is the last change recorded, not necessarily the moment of this event).
    """

    timestamp: int
    kind: str
    summary: str
    version: int | None = None
    stage: str | None = None
    detail: str = ""
    derived: bool = True


def _version_events(version: ModelVersion) -> list[TimelineEvent]:
    source = f"from run {version.run_id}" if version.run_id else f"from {version.source}"
    events = [
        TimelineEvent(
            version.creation_timestamp,
            "version_created",
            f"Version {version.version} registered",
            version=version.version,
            stage=Stage.NONE.value,
            detail=source,
        )
    ]
    if version.current_stage != Stage.NONE:
        events.append(
            TimelineEvent(
                version.last_updated_timestamp,
                "stage",
                f"Version {version.version} moved to {version.current_stage.value}",
                version=version.version,
                stage=version.current_stage.value,
                detail="last transition recorded (earlier ones are not stored yet)",
            )
        )
    return events


def derived_events(
    model: RegisteredModel, versions: Iterable[ModelVersion], *, include_creation: bool = True
) -> list[TimelineEvent]:
    """The events that can be read from the model and its versions, newest first."""
    events = [event for version in versions for event in _version_events(version)]
    if include_creation:
        events.append(
            TimelineEvent(model.creation_timestamp, "model_created", f"Model {model.name} created")
        )
    # On equal times, the later step comes first: a stage after a registration after creation.
    return sorted(events, key=lambda e: (e.timestamp, _STEP_ORDER.get(e.kind, 3)), reverse=True)


class HistoryPages(PageGroup):
    """The model timeline page."""

    ROUTES = (("GET", "/models/{name}/history", "history_page"),)

    def history_page(
        self, request: Request, name: str, registry: Registry, page_token: str = ""
    ) -> Response:
        """The model's timeline, a page of versions at a time (most recently changed first)."""
        model = registry.get_registered_model(name)
        versions = registry.search_model_versions(
            f"name = {quoted(name)}",
            VERSIONS_PER_PAGE,
            ["last_updated_timestamp DESC"],
            page_token or None,
        )
        next_url = links.model_history(name, page_token=versions.token) if versions.token else None
        context = {
            "title": f"{model.name}: history",
            "model": model,
            "events": derived_events(model, versions, include_creation=versions.token is None),
            "next_url": next_url,
            "missing": NOT_RECORDED,
        }
        return self.pages.render(request, "history.html", context)
