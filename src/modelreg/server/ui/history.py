"""A model's timeline, newest first, read from the audit log: every change, who made it,
and what it changed from and to."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from modelreg.entities.events import Event, EventEntity
from modelreg.server.dependencies import History, Registry
from modelreg.server.ui import links
from modelreg.server.ui.page_group import PageGroup

__all__ = ["HistoryPages", "headline"]

EVENTS_PER_PAGE = 100
_E = EventEntity


#: What each kind of change says on the timeline (fields of the event, see ``headline``).
_HEADLINES = {
    (_E.REGISTERED_MODEL, "created"): "Model {name} created",
    (_E.REGISTERED_MODEL, "renamed"): "Model renamed from {before[name]} to {after[name]}",
    (_E.REGISTERED_MODEL, "updated"): "Model description edited",
    (_E.REGISTERED_MODEL, "deleted"): "Model {name} deleted",
    (_E.REGISTERED_MODEL_TAG, "set"): "Model tag {key} set to {after[value]}",
    (_E.REGISTERED_MODEL_TAG, "deleted"): "Model tag {key} removed",
    (_E.MODEL_VERSION, "created"): "Version {version} registered",
    (_E.MODEL_VERSION, "updated"): "Version {version} description edited",
    (_E.MODEL_VERSION, "status_changed"): "Version {version} is {after[status]}",
    (_E.MODEL_VERSION, "deleted"): "Version {version} deleted",
    (_E.MODEL_VERSION, "restored"): "Version {version} restored",
    (_E.MODEL_VERSION_TAG, "set"): "Version {version} tag {key} set to {after[value]}",
    (_E.MODEL_VERSION_TAG, "deleted"): "Version {version} tag {key} removed",
    (_E.MODEL_VERSION_STAGE, "transitioned"): (
        "Version {version} moved from {before[stage]} to {after[stage]}"
    ),
    (_E.MODEL_VERSION_ALIAS, "created"): "Alias @{alias} set on version {version}",
    (_E.MODEL_VERSION_ALIAS, "moved"): (
        "Alias @{alias} moved from version {before[version]} to version {version}"
    ),
    (_E.MODEL_VERSION_ALIAS, "deleted"): "Alias @{alias} removed from version {version}",
}


def headline(event: Event) -> str:
    """One line saying what happened, e.g. ``Version 2 moved from Staging to Production``."""
    template = _HEADLINES.get((event.entity, event.action))
    if template is None:  # kinds recorded by other features (requests, permissions, ...)
        return event.name + (f" (version {event.version})" if event.version else "")
    fields = {
        "name": event.model_name,
        "version": event.version,
        "alias": event.data.get("alias"),
        "key": event.data.get("key"),
        "before": event.before or {},
        "after": event.after or {},
    }
    return template.format_map(fields)


class HistoryPages(PageGroup):
    """The model timeline page."""

    ROUTES = (("GET", "/models/{name}/history", "history_page"),)

    def history_page(
        self,
        request: Request,
        name: str,
        registry: Registry,
        history: History,
        page_token: str = "",
    ) -> Response:
        """Every recorded change of the model, newest first, a page at a time."""
        model = registry.get_registered_model(name)
        events = history.get_model_history(
            name, max_results=EVENTS_PER_PAGE, page_token=page_token or None
        )
        next_url = links.model_history(name, page_token=events.token) if events.token else None
        context = {
            "title": f"{model.name}: history",
            "model": model,
            "events": [(event, headline(event)) for event in events],
            "next_url": next_url,
        }
        return self.pages.render(request, "history.html", context)
