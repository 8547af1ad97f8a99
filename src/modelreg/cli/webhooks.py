"""``modelreg webhooks ...``: manage webhooks on a local store, test them, read their log."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from modelreg.cli.client_session import settings_of
from modelreg.cli.errors import exit_on_registry_error
from modelreg.cli.options import (
    DescriptionOption,
    JsonOption,
    MaxResultsOption,
    PageTokenOption,
    YesOption,
)
from modelreg.cli.output import print_json, print_next_page_hint, print_rich, timestamp
from modelreg.errors import InvalidParameterValue
from modelreg.webhooks.entities import Delivery, Webhook
from modelreg.webhooks.events import SUPPORTED_EVENTS
from modelreg.webhooks.wire import delivery_to_wire, test_result_to_wire, webhook_to_wire

if TYPE_CHECKING:
    from modelreg.webhooks.service import WebhookService

app = typer.Typer(
    help="Webhooks: registry events POSTed, signed, to a URL (MLflow-compatible).",
    no_args_is_help=True,
)

WebhookIdArgument = Annotated[str, typer.Argument(help="The webhook's id.")]
UrlOption = Annotated[str | None, typer.Option("--url", help="Where to POST: http(s)://...")]
EventOption = Annotated[
    list[str] | None,
    typer.Option(
        "--event",
        metavar="ENTITY.ACTION",
        help="An event such as model_version.created; repeat the option for several. "
        f"Known events: {', '.join(SUPPORTED_EVENTS)}.",
    ),
]
SecretOption = Annotated[
    str | None, typer.Option("--secret", help="The HMAC key of the signatures.")
]


@contextmanager
def _open_webhooks(ctx: typer.Context) -> Iterator[WebhookService]:
    """The webhook service on the command's local store; registry errors end the command."""
    from modelreg.backend import is_remote, store_uri
    from modelreg.store.sql import create_store_engine
    from modelreg.store.sql.webhooks_store import SqlWebhookStore
    from modelreg.webhooks.service import WebhookService

    with exit_on_registry_error():
        tracking_uri = settings_of(ctx).tracking_uri
        if is_remote(tracking_uri):
            raise InvalidParameterValue(
                "modelreg webhooks works on a local store (sqlite:///..., postgresql://...); "
                "manage a server's webhooks through its REST API (/api/2.0/mlflow/webhooks)."
            )
        engine = create_store_engine(store_uri(tracking_uri))
        try:
            yield WebhookService(SqlWebhookStore(engine))
        finally:
            engine.dispose()


@app.command("create")
def create_webhook(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The webhook's name.")],
    url: Annotated[str, typer.Option("--url", help="Where to POST: http(s)://...")],
    event: EventOption = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Only this registered model's events.")
    ] = None,
    description: DescriptionOption = None,
    secret: Annotated[
        str | None,
        typer.Option("--secret", help="The HMAC key of the signatures (default: generated)."),
    ] = None,
    disabled: Annotated[bool, typer.Option("--disabled", help="Create it disabled.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Create a webhook; a generated secret is printed once."""
    status = "DISABLED" if disabled else "ACTIVE"
    with _open_webhooks(ctx) as webhooks:
        webhook = webhooks.create_webhook(
            name, url, event or [], description, secret, status, model_name=model
        )
    _print_webhook(webhook, as_json)
    if webhook.secret is not None and not as_json:
        typer.echo(f"Secret (shown once, keep it): {webhook.secret}")


@app.command("list")
def list_webhooks(
    ctx: typer.Context,
    max_results: MaxResultsOption = None,
    page_token: PageTokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """List webhooks, newest first, one page at a time."""
    with _open_webhooks(ctx) as webhooks:
        page = webhooks.list_webhooks(max_results, page_token)
    if as_json:
        print_json({"webhooks": [webhook_to_wire(w) for w in page], "next_page_token": page.token})
        return
    print_rich(_webhooks_table(page))
    print_next_page_hint(page.token)


@app.command("get")
def get_webhook(
    ctx: typer.Context, webhook_id: WebhookIdArgument, as_json: JsonOption = False
) -> None:
    """Show a webhook."""
    with _open_webhooks(ctx) as webhooks:
        webhook = webhooks.get_webhook(webhook_id)
    _print_webhook(webhook, as_json)


@app.command("update")
def update_webhook(
    ctx: typer.Context,
    webhook_id: WebhookIdArgument,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    url: UrlOption = None,
    event: EventOption = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Only this registered model's events ('' for every model)."),
    ] = None,
    description: DescriptionOption = None,
    secret: SecretOption = None,
    status: Annotated[
        str | None, typer.Option("--status", metavar="ACTIVE|DISABLED", help="Turn it on or off.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Change a webhook's fields (those given; --event replaces the events)."""
    with _open_webhooks(ctx) as webhooks:
        webhook = webhooks.update_webhook(
            webhook_id, name, description, url, event, secret, status, model_name=model
        )
    _print_webhook(webhook, as_json)


@app.command("delete")
def delete_webhook(
    ctx: typer.Context,
    webhook_id: WebhookIdArgument,
    yes: YesOption = False,
    as_json: JsonOption = False,
) -> None:
    """Delete a webhook with its pending deliveries and its log."""
    if not yes:
        typer.confirm(f"Delete webhook {webhook_id} and its deliveries?", abort=True, err=True)
    with _open_webhooks(ctx) as webhooks:
        webhooks.delete_webhook(webhook_id)
    if as_json:
        print_json({"webhook_id": webhook_id, "deleted": True})
    else:
        typer.echo(f"Deleted webhook {webhook_id}.")


@app.command("test")
def send_test_event(
    ctx: typer.Context,
    webhook_id: WebhookIdArgument,
    event: Annotated[
        str | None,
        typer.Option("--event", metavar="ENTITY.ACTION", help="The event (default: its first)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Send a made-up event now and show how the receiver answered (exit 1 if it failed)."""
    with _open_webhooks(ctx) as webhooks:
        result = webhooks.test_webhook(webhook_id, event)
    if as_json:
        print_json(test_result_to_wire(result))
    elif result.success:
        typer.echo(f"Delivered: HTTP {result.response_status}.")
    else:
        answer = f"HTTP {result.response_status}" if result.response_status else "no answer"
        typer.echo(f"Failed ({answer}): {result.error_message or result.response_body or ''}")
    if not result.success:
        raise typer.Exit(1)


@app.command("deliveries")
def list_deliveries(
    ctx: typer.Context,
    webhook_id: WebhookIdArgument,
    max_results: MaxResultsOption = None,
    page_token: PageTokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """A webhook's delivery log, newest first: status, attempts and the last answer."""
    with _open_webhooks(ctx) as webhooks:
        page = webhooks.list_webhook_deliveries(webhook_id, max_results, page_token)
    if as_json:
        print_json(
            {"deliveries": [delivery_to_wire(d) for d in page], "next_page_token": page.token}
        )
        return
    print_rich(_deliveries_table(page))
    print_next_page_hint(page.token)


@app.command("redeliver")
def redeliver(
    ctx: typer.Context,
    delivery_id: Annotated[str, typer.Argument(help="The delivery's id.")],
    as_json: JsonOption = False,
) -> None:
    """Queue a delivered or given-up delivery again (the running servers send it)."""
    with _open_webhooks(ctx) as webhooks:
        delivery = webhooks.redeliver_webhook_delivery(delivery_id)
    if as_json:
        print_json(delivery_to_wire(delivery))
    else:
        typer.echo(f"Queued delivery {delivery.delivery_id} (again {delivery_id}).")


# -- rendering -----------------------------------------------------------------------------


def _print_webhook(webhook: Webhook, as_json: bool) -> None:
    if as_json:
        print_json(webhook_to_wire(webhook))
        return
    table = Table(title=Text(f"Webhook {webhook.name}"), show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("ID", webhook.webhook_id)
    table.add_row("URL", Text(webhook.url))
    table.add_row("Events", Text("\n".join(webhook.events)))
    table.add_row("Model", Text(webhook.model_name or "(every model)"))
    table.add_row("Status", webhook.status.value)
    table.add_row("Description", Text(webhook.description or ""))
    table.add_row("Created", timestamp(webhook.creation_timestamp))
    table.add_row("Last updated", timestamp(webhook.last_updated_timestamp))
    print_rich(table)


def _webhooks_table(webhooks: Sequence[Webhook]) -> Table:
    table = Table("ID", "Name", "URL", "Events", "Model", "Status")
    for webhook in webhooks:
        table.add_row(
            webhook.webhook_id,
            Text(webhook.name),
            Text(webhook.url),
            Text("\n".join(webhook.events)),
            Text(webhook.model_name or ""),
            webhook.status.value,
        )
    return table


def _deliveries_table(deliveries: Sequence[Delivery]) -> Table:
    table = Table("Delivery ID", "Event", "Model", "Status", "Attempts", "Last answer")
    table.add_column("Created", no_wrap=True)
    for delivery in deliveries:
        last = delivery.attempts[-1] if delivery.attempts else None
        answer = "" if last is None else last.error or f"HTTP {last.response_status}"
        table.add_row(
            delivery.delivery_id,
            delivery.event,
            Text(delivery.model_name or ""),
            delivery.status.value,
            str(delivery.attempt_count),
            Text(answer),
            timestamp(delivery.created_timestamp),
        )
    return table
