"""The registered models pages: the searchable list at ``/`` and one model's page, with forms."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from starlette.responses import Response

from modelreg.entities import ModelVersion, PagedList, RegisteredModel, Stage
from modelreg.errors import InvalidParameterValue
from modelreg.search import REGISTERED_MODELS
from modelreg.server.dependencies import Registry
from modelreg.server.ui import links
from modelreg.server.ui.forms import Submitted
from modelreg.server.ui.page_group import PageGroup
from modelreg.server.ui.search_box import filter_for, quoted

__all__ = ["ModelPages", "ModelRow", "SortLink"]

PAGE_SIZE = 50
VERSIONS_PAGE_SIZE = 100
#: The columns the list sorts by, and the order_by key of each.
SORT_KEYS = {"name": "name", "updated": "last_updated_timestamp"}


@dataclass(frozen=True)
class ModelRow:
    """One line of the models list."""

    name: str
    latest: int | None
    staging: int | None
    production: int | None
    aliases: list[tuple[str, int]]
    tags: dict[str, str]
    last_updated: int

    @classmethod
    def of(cls, model: RegisteredModel) -> ModelRow:
        """The row of ``model`` (its latest versions are loaded with it)."""
        in_stage = {version.current_stage: version.version for version in model.latest_versions}
        numbers = [version.version for version in model.latest_versions]
        return cls(
            name=model.name,
            latest=max(numbers) if numbers else None,
            staging=in_stage.get(Stage.STAGING),
            production=in_stage.get(Stage.PRODUCTION),
            aliases=sorted(model.aliases.items()),
            tags=dict(sorted(model.tags.items())),
            last_updated=model.last_updated_timestamp,
        )


@dataclass(frozen=True)
class SortLink:
    """A sortable column header: where clicking leads, and the arrow showing the order."""

    url: str
    arrow: str = ""


def sort_links(q: str, order_by: str) -> dict[str, SortLink]:
    """The header link of each sortable column, given the current ``order_by``."""
    words = order_by.split()
    current = words[0] if words else "name"
    descending = len(words) > 1 and words[1].upper() == "DESC"
    result = {}
    for column, key in SORT_KEYS.items():
        if key == current:
            flip = f"{key} ASC" if descending else f"{key} DESC"
            result[column] = SortLink(links.models(q=q, order_by=flip), "▼" if descending else "▲")
        else:
            first = f"{key} DESC" if key == "last_updated_timestamp" else f"{key} ASC"
            result[column] = SortLink(links.models(q=q, order_by=first))
    return result


@dataclass
class _Search:
    models: PagedList[RegisteredModel] = field(default_factory=lambda: PagedList([], None))
    error: str | None = None


def _search(registry: Registry, q: str, order_by: str, page_token: str, size: int) -> _Search:
    try:
        filter_string = filter_for(q, REGISTERED_MODELS)
        models = registry.search_registered_models(
            filter_string, size, [order_by] if order_by else None, page_token or None
        )
    except InvalidParameterValue as error:
        return _Search(error=error.message)
    return _Search(models)


class ModelPages(PageGroup):
    """The models list and a model's page, and the forms of both."""

    ROUTES = (
        ("GET", "/", "models_list"),
        ("POST", "/models", "create_model"),
        ("GET", "/models/{name}", "model_page"),
        ("POST", "/models/{name}/description", "describe"),
        ("POST", "/models/{name}/tags", "set_tag"),
        ("POST", "/models/{name}/tags/delete", "delete_tag"),
        ("POST", "/models/{name}/aliases", "set_alias"),
        ("POST", "/models/{name}/aliases/delete", "delete_alias"),
        ("POST", "/models/{name}/rename", "rename"),
        ("POST", "/models/{name}/delete", "delete"),
    )

    def models_list(
        self,
        request: Request,
        registry: Registry,
        q: str = "",
        order_by: str = "",
        page_token: str = "",
        max_results: int = PAGE_SIZE,
    ) -> Response:
        """The registered models matching the search box, one page at a time."""
        found = _search(registry, q, order_by, page_token, max_results)
        next_url = None
        if found.models.token:
            next_url = links.models(
                q=q,
                order_by=order_by,
                page_token=found.models.token,
                max_results=None if max_results == PAGE_SIZE else max_results,
            )
        context = {
            "title": "Registered models",
            "q": q,
            "order_by": order_by,
            "rows": [ModelRow.of(model) for model in found.models],
            "error": found.error,
            "sorts": sort_links(q, order_by),
            "next_url": next_url,
            "first_url": links.models(q=q, order_by=order_by) if page_token else None,
        }
        return self.pages.render(request, "models.html", context, 400 if found.error else 200)

    def create_model(self, form: Submitted, registry: Registry) -> Response:
        """Create a registered model, then show it."""
        name = form.stripped("name")

        def create() -> str:
            registry.create_registered_model(name, description=form.text("description") or None)
            return links.model(name)

        return self.pages.perform(create, back=links.models(), done=f"Model '{name}' created.")

    def model_page(
        self, request: Request, name: str, registry: Registry, page_token: str = ""
    ) -> Response:
        """A model: description, tags, aliases and its versions, newest first."""
        model = registry.get_registered_model(name)
        versions: PagedList[ModelVersion] = registry.search_model_versions(
            f"name = {quoted(name)}",
            VERSIONS_PAGE_SIZE,
            ["version_number DESC"],
            page_token or None,
        )
        context = {
            "title": model.name,
            "model": model,
            "versions": versions,
            "aliases": sorted(model.aliases.items()),
            "next_url": links.model(name, page_token=versions.token) if versions.token else None,
            "first_url": links.model(name) if page_token else None,
        }
        return self.pages.render(request, "model.html", context)

    def describe(self, name: str, form: Submitted, registry: Registry) -> Response:
        """Replace the model's description."""

        def describe() -> None:
            registry.update_registered_model(name, form.text("description"))

        return self.pages.perform(describe, back=links.model(name), done="Description saved.")

    def set_tag(self, name: str, form: Submitted, registry: Registry) -> Response:
        """Set a tag on the model."""
        key = form.stripped("key")
        return self.pages.perform(
            lambda: registry.set_registered_model_tag(name, key, form.text("value")),
            back=links.model(name),
            done=f"Tag '{key}' set.",
        )

    def delete_tag(self, name: str, form: Submitted, registry: Registry) -> Response:
        """Remove a tag from the model."""
        key = form.text("key")
        return self.pages.perform(
            lambda: registry.delete_registered_model_tag(name, key),
            back=links.model(name),
            done=f"Tag '{key}' removed.",
        )

    def set_alias(self, name: str, form: Submitted, registry: Registry) -> Response:
        """Point an alias at a version."""
        alias, number = form.stripped("alias"), form.stripped("version")
        return self.pages.perform(
            lambda: registry.set_registered_model_alias(name, alias, number),
            back=links.model(name),
            done=f"Alias '{alias}' now points at version {number}.",
        )

    def delete_alias(self, name: str, form: Submitted, registry: Registry) -> Response:
        """Remove an alias."""
        alias = form.text("alias")
        return self.pages.perform(
            lambda: registry.delete_registered_model_alias(name, alias),
            back=links.model(name),
            done=f"Alias '{alias}' removed.",
        )

    def rename(self, request: Request, name: str, form: Submitted, registry: Registry) -> Response:
        """Rename the model, once confirmed."""
        new_name = form.stripped("new_name")
        if not form.confirmed():
            registry.get_registered_model(name)
            return self.pages.confirm(
                request,
                title=f"Rename {name}?",
                lines=[
                    f"'{name}' will be called '{new_name}'; its versions, tags and aliases "
                    "move with it.",
                    f"URIs such as models:/{name}/1 stop working: code loading them must use "
                    "the new name.",
                ],
                action=links.model_action(name, "rename"),
                fields={"new_name": new_name},
                button="Rename",
                cancel=links.model(name),
            )

        def rename() -> str:
            return links.model(registry.rename_registered_model(name, new_name).name)

        return self.pages.perform(rename, back=links.model(name), done=f"Renamed to '{new_name}'.")

    def delete(self, request: Request, name: str, form: Submitted, registry: Registry) -> Response:
        """Delete the model with all its versions, once confirmed."""
        if not form.confirmed():
            model = registry.get_registered_model(name)
            latest = max((v.version for v in model.latest_versions), default=0)
            scope = f" (up to version {latest})" if latest else ""
            return self.pages.confirm(
                request,
                title=f"Delete {name}?",
                lines=[
                    f"The model '{name}' and all its versions{scope}, tags and aliases will be "
                    "deleted.",
                    "This cannot be undone.",
                ],
                action=links.model_action(name, "delete"),
                button="Delete model",
                cancel=links.model(name),
                danger=True,
            )
        return self.pages.perform(
            lambda: registry.delete_registered_model(name),
            back=links.models(),
            done=f"Model '{name}' deleted.",
        )
