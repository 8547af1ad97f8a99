"""Rendering of registry entities: plain JSON for scripts, rich tables for people."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import typer
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from modelreg.entities import ModelVersion, PagedList, RegisteredModel
from modelreg.entities.events import Event

# -- JSON ----------------------------------------------------------------------------------


def _plain_fields(fields: list[tuple[str, Any]]) -> dict[str, Any]:
    return {key: value.value if isinstance(value, Enum) else value for key, value in fields}


def entity_json(entity: RegisteredModel | ModelVersion | Event) -> dict[str, Any]:
    """The entity as a JSON object: its dataclass fields, stages and statuses as strings."""
    return dataclasses.asdict(entity, dict_factory=_plain_fields)


def page_json(key: str, page: PagedList[Any]) -> dict[str, Any]:
    """A page as ``{key: [...], "next_page_token": ...}``, like MLflow's search responses."""
    return {key: [entity_json(item) for item in page], "next_page_token": page.token}


def print_json(data: object) -> None:
    """Write ``data`` to stdout as indented JSON."""
    typer.echo(json.dumps(data, indent=2))


# -- tables --------------------------------------------------------------------------------


def print_rich(*renderables: RenderableType) -> None:
    """Write tables to stdout (a console per call: stdout may have been swapped)."""
    console = Console(highlight=False)
    for renderable in renderables:
        console.print(renderable)


def timestamp(millis: int) -> str:
    """A millisecond timestamp as local date and time, to the second."""
    return datetime.fromtimestamp(millis / 1000).strftime("%Y-%m-%d %H:%M:%S")


def _lines(items: Iterable[str]) -> Text:
    # Text, not str: registry values are shown as written, never read as rich markup.
    return Text("\n".join(items))


def _tags(tags: dict[str, str]) -> Text:
    return _lines(f"{key}={value}" for key, value in sorted(tags.items()))


def models_table(models: Sequence[RegisteredModel]) -> Table:
    """One row per model: name, latest version per stage, aliases, tags, last update."""
    table = Table("Name", "Latest versions", "Aliases", "Tags")
    table.add_column("Last updated", no_wrap=True)
    for model in models:
        table.add_row(
            Text(model.name),
            _lines(f"{v.current_stage.value}: v{v.version}" for v in model.latest_versions),
            _lines(f"{alias} → v{number}" for alias, number in sorted(model.aliases.items())),
            _tags(model.tags),
            timestamp(model.last_updated_timestamp),
        )
    return table


def model_details(model: RegisteredModel) -> Table:
    """A two-column table of one model's fields."""
    table = _details_table(f"Registered model {model.name}")
    table.add_row("Name", Text(model.name))
    table.add_row("Description", Text(model.description or ""))
    table.add_row("Tags", _tags(model.tags))
    table.add_row(
        "Aliases", _lines(f"{alias} → v{n}" for alias, n in sorted(model.aliases.items()))
    )
    table.add_row("Created", timestamp(model.creation_timestamp))
    table.add_row("Last updated", timestamp(model.last_updated_timestamp))
    return table


def versions_table(versions: Sequence[ModelVersion]) -> Table:
    """One row per version: model, number, stage, aliases, source, run, creation."""
    table = Table()
    table.add_column("Name", overflow="fold")
    table.add_column("Version", justify="right", no_wrap=True)
    table.add_column("Stage", no_wrap=True)
    table.add_column("Aliases", overflow="fold")
    table.add_column("Source", overflow="fold")
    table.add_column("Run ID", overflow="fold")
    table.add_column("Created", no_wrap=True)
    for version in versions:
        table.add_row(
            Text(version.name),
            str(version.version),
            version.current_stage.value,
            _lines(version.aliases),
            Text(version.source),
            Text(version.run_id or ""),
            timestamp(version.creation_timestamp),
        )
    return table


def version_details(version: ModelVersion) -> Table:
    """A two-column table of one version's fields."""
    table = _details_table(f"{version.name} version {version.version}")
    rows: list[tuple[str, str | None]] = [
        ("Name", version.name),
        ("Version", str(version.version)),
        ("Stage", version.current_stage.value),
        ("Status", version.status.value),
        ("Status message", version.status_message),
        ("Description", version.description),
        ("Source", version.source),
        ("Storage location", version.storage_location),
        ("Run ID", version.run_id),
        ("Run link", version.run_link),
        ("User", version.user_id),
    ]
    for label, value in rows:
        table.add_row(label, Text(value or ""))
    table.add_row("Aliases", _lines(version.aliases))
    table.add_row("Tags", _tags(version.tags))
    table.add_row("Created", timestamp(version.creation_timestamp))
    table.add_row("Last updated", timestamp(version.last_updated_timestamp))
    return table


def events_table(events: Sequence[Event]) -> Table:
    """One row per recorded change: when, who, what, on which version, before → after."""
    table = Table()
    table.add_column("Time", no_wrap=True)
    table.add_column("Actor", overflow="fold")
    table.add_column("Event", no_wrap=True)
    table.add_column("Version", justify="right", no_wrap=True)
    table.add_column("Change", overflow="fold")
    for event in events:
        table.add_row(
            timestamp(event.timestamp),
            Text(event.actor),
            event.name,
            "" if event.version is None else str(event.version),
            Text(change_summary(event)),
        )
    return table


def change_summary(event: Event) -> str:
    """A short ``before → after`` line for an event (its subject first, for tags/aliases)."""
    subject = event.data.get("alias") or event.data.get("key")
    parts = [f"@{subject}" if "alias" in event.data else str(subject)] if subject else []
    before, after = event.before or {}, event.after or {}
    for field in sorted((set(before) | set(after)) - {"tags", "storage_location"}):
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        if field in before and field in after:
            parts.append(f"{field}: {old} → {new}")
        elif field in after:
            parts.append(f"{field}: {new}")
        else:
            parts.append(f"{field} was {old}")
    return ", ".join(parts)


def print_next_page_hint(token: str | None) -> None:
    """Tell how to fetch the next page, when there is one (unwrapped, to copy and paste)."""
    if token is not None:
        typer.echo(f"More results: --page-token {token}")


def _details_table(title: str) -> Table:
    table = Table(title=Text(title), show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    return table
