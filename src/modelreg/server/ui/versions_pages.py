"""A model version's page: stage, aliases, tags, description, signature, files, source run."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from modelreg.entities import Run, Stage
from modelreg.errors import InvalidStage, ResourceNotFound
from modelreg.server.dependencies import Registration, Registry, Tracking
from modelreg.server.ui import links
from modelreg.server.ui.forms import Submitted
from modelreg.server.ui.model_files import read_model_files, serving_example
from modelreg.server.ui.page_group import PageGroup
from modelreg.server.ui.rendering import Flash

__all__ = ["VersionPages"]

_ARCHIVABLE = (Stage.STAGING, Stage.PRODUCTION)
_PAGE = "/models/{name}/versions/{version}"


class VersionPages(PageGroup):
    """The version page and its forms."""

    ROUTES = (
        ("GET", _PAGE, "version_page"),
        ("POST", f"{_PAGE}/stage", "transition"),
        ("POST", f"{_PAGE}/description", "describe"),
        ("POST", f"{_PAGE}/tags", "set_tag"),
        ("POST", f"{_PAGE}/tags/delete", "delete_tag"),
        ("POST", f"{_PAGE}/aliases", "set_alias"),
        ("POST", f"{_PAGE}/aliases/delete", "delete_alias"),
        ("POST", f"{_PAGE}/delete", "delete"),
    )

    def version_page(
        self,
        request: Request,
        name: str,
        version: str,
        registry: Registry,
        tracking: Tracking,
        registration: Registration,
    ) -> Response:
        """Everything about one version."""
        found = registry.get_model_version(name, version)
        run: Run | None = None
        run_problem = None
        if found.run_id:
            try:
                run = tracking.get_run(found.run_id)
            except ResourceNotFound:
                run_problem = f"The source run {found.run_id} no longer exists."
        files = read_model_files(registration, found.name, found.version)
        model_uri = f"models:/{found.name}/{found.version}"
        serve, curl = serving_example(model_uri, files)
        context = {
            "title": f"{found.name} version {found.version}",
            "mv": found,
            "run": run,
            "run_problem": run_problem,
            "files": files,
            "model_uri": model_uri,
            "serve_command": serve,
            "curl_command": curl,
            "stages": [stage.value for stage in Stage],
            "archivable": [stage.value for stage in _ARCHIVABLE],
        }
        return self.pages.render(request, "version.html", context)

    def transition(
        self, request: Request, name: str, version: str, form: Submitted, registry: Registry
    ) -> Response:
        """Move the version to another stage, once confirmed."""
        back = links.version(name, version)
        archive = form.flag("archive_existing_versions")
        try:
            target = Stage.parse(form.text("stage"))
        except InvalidStage as error:
            return self.pages.redirect(back, Flash(error.message, error=True))
        if not form.confirmed():
            return self._confirm_transition(request, name, version, target, archive, registry)

        def move() -> None:
            registry.transition_model_version_stage(name, version, target.value, archive)

        done = f"Version {version} moved to {target.value}" + (
            f"; the other versions in {target.value} were archived." if archive else "."
        )
        return self.pages.perform(move, back=back, done=done)

    def _confirm_transition(
        self,
        request: Request,
        name: str,
        version: str,
        target: Stage,
        archive: bool,
        registry: Registry,
    ) -> Response:
        current = registry.get_model_version(name, version)
        holders = [
            held.version
            for held in registry.get_latest_versions(name, [target.value])
            if held.version != current.version
        ]
        lines = [f"Version {current.version}: {current.current_stage.value} → {target.value}."]
        if archive and target in _ARCHIVABLE:
            now = f" (the latest is version {holders[0]})." if holders else " (there are none now)."
            lines.append(f"Every other version in {target.value} will be moved to Archived{now}")
        elif holders:
            lines.append(f"Version {holders[0]} stays in {target.value} as well.")
        return self.pages.confirm(
            request,
            title=f"Move {name} version {current.version} to {target.value}?",
            lines=lines,
            action=links.version_action(name, version, "stage"),
            fields={
                "stage": target.value,
                "archive_existing_versions": "yes" if archive else "no",
            },
            button=f"Move to {target.value}",
            cancel=links.version(name, version),
            danger=target == Stage.ARCHIVED,
        )

    def describe(self, name: str, version: str, form: Submitted, registry: Registry) -> Response:
        """Replace the version's description."""

        def describe() -> None:
            registry.update_model_version(name, version, form.text("description"))

        return self.pages.perform(
            describe, back=links.version(name, version), done="Description saved."
        )

    def set_tag(self, name: str, version: str, form: Submitted, registry: Registry) -> Response:
        """Set a tag on the version."""
        key = form.stripped("key")
        return self.pages.perform(
            lambda: registry.set_model_version_tag(name, version, key, form.text("value")),
            back=links.version(name, version),
            done=f"Tag '{key}' set.",
        )

    def delete_tag(self, name: str, version: str, form: Submitted, registry: Registry) -> Response:
        """Remove a tag from the version."""
        key = form.text("key")
        return self.pages.perform(
            lambda: registry.delete_model_version_tag(name, version, key),
            back=links.version(name, version),
            done=f"Tag '{key}' removed.",
        )

    def set_alias(self, name: str, version: str, form: Submitted, registry: Registry) -> Response:
        """Point an alias at this version (moving it from another)."""
        alias = form.stripped("alias")
        return self.pages.perform(
            lambda: registry.set_registered_model_alias(name, alias, version),
            back=links.version(name, version),
            done=f"Alias '{alias}' now points at version {version}.",
        )

    def delete_alias(
        self, name: str, version: str, form: Submitted, registry: Registry
    ) -> Response:
        """Remove an alias of this version."""
        alias = form.text("alias")
        return self.pages.perform(
            lambda: registry.delete_registered_model_alias(name, alias),
            back=links.version(name, version),
            done=f"Alias '{alias}' removed.",
        )

    def delete(
        self, request: Request, name: str, version: str, form: Submitted, registry: Registry
    ) -> Response:
        """Delete the version, once confirmed (the confirmation says what it holds)."""
        if not form.confirmed():
            return self._confirm_delete(request, name, version, registry)
        return self.pages.perform(
            lambda: registry.delete_model_version(name, version, force=True),
            back=links.model(name),
            done=f"Version {version} deleted.",
        )

    def _confirm_delete(
        self, request: Request, name: str, version: str, registry: Registry
    ) -> Response:
        found = registry.get_model_version(name, version)
        held = [f"stage {found.current_stage.value}"] if found.current_stage in _ARCHIVABLE else []
        held += [f"alias @{alias}" for alias in found.aliases]
        lines = [
            f"Version {found.version} ({found.current_stage.value}) will be moved to the trash "
            "with its tags; its number is never given out again.",
            "It can be restored until the trash is emptied (`modelreg versions purge`).",
        ]
        if held:
            lines.insert(0, f"It holds {', '.join(held)}: serving from there will stop.")
        return self.pages.confirm(
            request,
            title=f"Delete {name} version {found.version}?",
            lines=lines,
            action=links.version_action(name, version, "delete"),
            button="Delete version",
            cancel=links.version(name, version),
            danger=True,
        )
