"""Options shared by several commands, and the parsing of their values."""

from __future__ import annotations

from typing import Annotated

import typer

from modelreg.config import TRACKING_URI_ENV

TrackingUriOption = Annotated[
    str | None,
    typer.Option(
        "--tracking-uri",
        help=(
            "The registry: sqlite:///PATH, postgresql://HOST/DB or a folder. "
            f"Defaults to ${TRACKING_URI_ENV}, else ./modelreg-data/registry.db."
        ),
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
DescriptionOption = Annotated[str | None, typer.Option("--description", help="A description.")]
TagOption = Annotated[
    list[str] | None,
    typer.Option("--tag", metavar="KEY=VALUE", help="A tag; repeat the option for several."),
]
MaxResultsOption = Annotated[
    int | None, typer.Option("--max-results", min=1, help="How many results per page.")
]
OrderByOption = Annotated[
    list[str] | None,
    typer.Option(
        "--order-by",
        metavar="KEY [ASC|DESC]",
        help="Sort key such as 'name DESC'; repeat the option for several.",
    ),
]
PageTokenOption = Annotated[
    str | None, typer.Option("--page-token", help="The token printed with the previous page.")
]


def parse_tags(tags: list[str] | None) -> dict[str, str]:
    """Turn ``["team=growth", "tier=1"]`` into a dict; the registry validates keys and values."""
    parsed: dict[str, str] = {}
    for tag in tags or []:
        key, sep, value = tag.partition("=")
        if not sep:
            raise typer.BadParameter(f"expected KEY=VALUE, got {tag!r}.", param_hint="'--tag'")
        parsed[key] = value
    return parsed


def name_filter(name: str) -> str:
    """The search filter that selects the versions of the model ``name`` (quotes escaped)."""
    escaped = name.replace("'", "''")
    return f"name = '{escaped}'"
