"""The webhooks' queries: subscriptions, the outbox filled with each change, claims, the log.

:func:`enqueue_deliveries` runs inside the transaction of every registry change (called by
``events_store.record_event``); :class:`SqlWebhookStore` runs each of its methods in a
transaction of its own.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from modelreg.errors import InvalidParameterValue
from modelreg.store.sql.engine import WRITE
from modelreg.store.sql.webhook_tables import (
    webhook_deliveries,
    webhook_delivery_attempts,
    webhook_events,
    webhooks,
)
from modelreg.webhooks.entities import (
    ClaimedDelivery,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Webhook,
    WebhookStatus,
)
from modelreg.webhooks.errors import DeliveryNotFound, WebhookNotFound
from modelreg.webhooks.events import delivered_as, in_catalogue_order
from modelreg.webhooks.payloads import Change, envelope, event_data

__all__ = ["SqlWebhookStore", "enqueue_deliveries"]

_wh = webhooks
_we = webhook_events
_dl = webhook_deliveries
_at = webhook_delivery_attempts

_PENDING = DeliveryStatus.PENDING.value

#: Active webhooks subscribed to one of ``events`` and to the model ``model_name``.
_SUBSCRIBERS = (
    sa.select(_we.c.webhook_id, _we.c.event)
    .join(_wh, _wh.c.id == _we.c.webhook_id)
    .where(
        _we.c.event.in_(sa.bindparam("events", expanding=True)),
        _wh.c.status == WebhookStatus.ACTIVE.value,
        sa.or_(_wh.c.model_name.is_(None), _wh.c.model_name == sa.bindparam("model_name")),
    )
)

_older = _dl.alias("older")
#: Pending deliveries due at ``now`` whose webhook is active, each the oldest pending one of
#: its webhook and model: a model's events reach a webhook in order.
_DUE = (
    sa.select(_dl.c.id)
    .join(_wh, _wh.c.id == _dl.c.webhook_id)
    .where(
        _dl.c.status == _PENDING,
        _dl.c.next_attempt_time <= sa.bindparam("now"),
        _wh.c.status == WebhookStatus.ACTIVE.value,
        ~sa.exists().where(
            _older.c.webhook_id == _dl.c.webhook_id,
            _older.c.model_id == _dl.c.model_id,
            _older.c.status == _PENDING,
            _older.c.id < _dl.c.id,
        ),
    )
    .order_by(_dl.c.id)
)


def enqueue_deliveries(connection: sa.Connection, event_id: int, values: Mapping[str, Any]) -> None:
    """Queue the audit event ``values`` for every active webhook it matches, in the caller's
    transaction: it is sent if and only if the change commits."""
    names = delivered_as(values["entity"], values["action"])
    if not names:
        return
    found = connection.execute(
        _SUBSCRIBERS, {"events": list(names), "model_name": values["model_name"]}
    )
    subscribed: dict[str, set[str]] = {}
    for webhook_id, event in found:
        subscribed.setdefault(webhook_id, set()).add(event)
    if not subscribed:
        return
    chosen = {
        webhook_id: next(name for name in names if name in events)
        for webhook_id, events in subscribed.items()
    }
    change, now = Change.of(values), values["timestamp"]
    bodies = {event: envelope(event, now, event_data(event, change)) for event in chosen.values()}
    rows = [
        {
            "delivery_id": str(uuid.uuid4()),
            "webhook_id": webhook_id,
            "event": event,
            "event_id": event_id,
            "model_id": values.get("model_id"),
            "model_name": values["model_name"],
            "body": bodies[event],
            "status": _PENDING,
            "created_time": now,
            "next_attempt_time": now,
        }
        for webhook_id, event in sorted(chosen.items())
    ]
    connection.execute(sa.insert(_dl), rows)


class SqlWebhookStore:
    """Webhooks and their deliveries over one SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[sa.Connection]:
        """One transaction; a writing one takes SQLite's write lock up front."""
        connection = self.engine.connect().execution_options(**{WRITE: write})
        with connection, connection.begin():
            yield connection

    # -- webhooks ------------------------------------------------------------------------

    def insert_webhook(self, webhook: Webhook, secret: str) -> None:
        """Store a new webhook with its events and secret."""
        with self._transaction(write=True) as connection:
            connection.execute(
                sa.insert(_wh).values(
                    id=webhook.webhook_id,
                    name=webhook.name,
                    description=webhook.description,
                    url=webhook.url,
                    secret=secret,
                    status=webhook.status.value,
                    model_name=webhook.model_name,
                    creation_time=webhook.creation_timestamp,
                    last_updated_time=webhook.last_updated_timestamp,
                )
            )
            _insert_events(connection, webhook.webhook_id, webhook.events)

    def get_webhook(self, webhook_id: str) -> Webhook:
        """The webhook with this id, else WebhookNotFound."""
        with self._transaction() as connection:
            return _get_webhook(connection, webhook_id)

    def webhook_secret(self, webhook_id: str) -> tuple[Webhook, str]:
        """The webhook and its secret, for signing a test event."""
        with self._transaction() as connection:
            row = _webhook_row(connection, webhook_id)
            return _webhooks(connection, [row])[0], row.secret

    def list_webhooks(self, after: Sequence[Any] | None, limit: int) -> list[Webhook]:
        """Up to ``limit`` webhooks, newest first, after the ``(creation_time, id)`` given."""
        query = sa.select(_wh).order_by(_wh.c.creation_time.desc(), _wh.c.id.desc()).limit(limit)
        if after is not None:
            created, webhook_id = after
            query = query.where(
                sa.or_(
                    _wh.c.creation_time < created,
                    sa.and_(_wh.c.creation_time == created, _wh.c.id < webhook_id),
                )
            )
        with self._transaction() as connection:
            return _webhooks(connection, connection.execute(query).all())

    def update_webhook(
        self,
        webhook_id: str,
        now: int,
        *,
        events: tuple[str, ...] | None = None,
        **columns: Any,
    ) -> Webhook:
        """Set some of a webhook's columns (``events`` replaces its subscriptions)."""
        values = {**columns, "last_updated_time": now}
        with self._transaction(write=True) as connection:
            updated = connection.execute(sa.update(_wh).where(_wh.c.id == webhook_id), values)
            if updated.rowcount == 0:
                raise WebhookNotFound(webhook_id)
            if events is not None:
                connection.execute(sa.delete(_we).where(_we.c.webhook_id == webhook_id))
                _insert_events(connection, webhook_id, events)
            return _get_webhook(connection, webhook_id)

    def delete_webhook(self, webhook_id: str) -> None:
        """Delete a webhook with its pending deliveries and its log."""
        with self._transaction(write=True) as connection:
            deleted = connection.execute(sa.delete(_wh).where(_wh.c.id == webhook_id))
            if deleted.rowcount == 0:
                raise WebhookNotFound(webhook_id)

    # -- the delivery log ----------------------------------------------------------------

    def list_deliveries(
        self, webhook_id: str, before: int | None, limit: int
    ) -> tuple[list[Delivery], int | None]:
        """Up to ``limit`` deliveries of a webhook, newest first, older than the key
        ``before``; and the key of the last one when more may follow."""
        query = sa.select(_dl).where(_dl.c.webhook_id == webhook_id)
        if before is not None:
            query = query.where(_dl.c.id < before)
        query = query.order_by(_dl.c.id.desc()).limit(limit + 1)
        with self._transaction() as connection:
            _webhook_row(connection, webhook_id)
            rows = connection.execute(query).all()
            deliveries = _deliveries(connection, rows[:limit])
        return deliveries, (rows[limit - 1].id if len(rows) > limit else None)

    def redeliver(self, delivery_id: str, now: int) -> Delivery:
        """Queue a finished delivery again, as a new delivery of the same body."""
        with self._transaction(write=True) as connection:
            original = _delivery_row(connection, delivery_id)
            if original.status == _PENDING:
                raise InvalidParameterValue(
                    f"Webhook delivery {delivery_id} is still pending: it will be retried."
                )
            new_id = str(uuid.uuid4())
            connection.execute(
                sa.insert(_dl).values(
                    delivery_id=new_id,
                    webhook_id=original.webhook_id,
                    event=original.event,
                    event_id=original.event_id,
                    model_id=original.model_id,
                    model_name=original.model_name,
                    body=original.body,
                    status=_PENDING,
                    created_time=now,
                    next_attempt_time=now,
                    redelivery_of=delivery_id,
                )
            )
            return _deliveries(connection, [_delivery_row(connection, new_id)])[0]

    def record_test(
        self,
        webhook_id: str,
        *,
        delivery_id: str,
        event: str,
        body: str,
        attempt: DeliveryAttempt,
    ) -> None:
        """Log a test event sent outside the outbox, with its one attempt."""
        status = DeliveryStatus.DELIVERED if attempt.succeeded else DeliveryStatus.FAILED
        with self._transaction(write=True) as connection:
            key = connection.execute(
                sa.insert(_dl)
                .values(
                    delivery_id=delivery_id,
                    webhook_id=webhook_id,
                    event=event,
                    body=body,
                    status=status.value,
                    attempts=1,
                    created_time=attempt.timestamp,
                    next_attempt_time=attempt.timestamp,
                    finished_time=attempt.timestamp + attempt.duration_ms,
                )
                .returning(_dl.c.id)
            ).scalar_one()
            _insert_attempt(connection, key, attempt)

    # -- the delivery workers ------------------------------------------------------------

    def any_due(self, now: int) -> bool:
        """Whether a delivery can be claimed (a read, so idle polling never takes a lock)."""
        with self._transaction() as connection:
            return connection.execute(_DUE.limit(1), {"now": now}).first() is not None

    def pending_count(self) -> int:
        """How many deliveries wait to be sent (the outbox backlog)."""
        query = sa.select(sa.func.count()).where(_dl.c.status == DeliveryStatus.PENDING.value)
        with self._transaction() as connection:
            return int(connection.execute(query).scalar_one())

    def claim(self, now: int, limit: int, lease_ms: int) -> list[ClaimedDelivery]:
        """Claim up to ``limit`` due deliveries for one attempt each, for ``lease_ms``.

        On PostgreSQL, concurrent workers skip each other's rows (``FOR UPDATE SKIP LOCKED``);
        on SQLite the write lock serialises claims. A claim pushes the next attempt past the
        lease, so a worker that dies mid-attempt only delays the delivery.
        """
        query = _DUE.limit(limit)
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=_dl)
        with self._transaction(write=True) as connection:
            keys = list(connection.execute(query, {"now": now}).scalars())
            if not keys:
                return []
            connection.execute(
                sa.update(_dl)
                .where(_dl.c.id.in_(keys))
                .values(attempts=_dl.c.attempts + 1, next_attempt_time=now + lease_ms)
            )
            claimed = (
                sa.select(_dl, _wh.c.url, _wh.c.secret)
                .join(_wh, _wh.c.id == _dl.c.webhook_id)
                .where(_dl.c.id.in_(keys))
                .order_by(_dl.c.id)
            )
            return [
                ClaimedDelivery(
                    key=row.id,
                    delivery_id=row.delivery_id,
                    webhook_id=row.webhook_id,
                    attempt=row.attempts,
                    created_timestamp=row.created_time,
                    body=row.body,
                    url=row.url,
                    secret=row.secret,
                )
                for row in connection.execute(claimed)
            ]

    def finish_attempt(
        self,
        claimed: ClaimedDelivery,
        attempt: DeliveryAttempt,
        status: DeliveryStatus,
        next_attempt_time: int,
    ) -> None:
        """Log an attempt and set what follows it (``next_attempt_time`` matters for a
        PENDING one), unless the delivery was claimed again since (its lease ran out) or was
        deleted with its webhook."""
        query = sa.select(_dl.c.attempts).where(_dl.c.id == claimed.key)
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update()
        with self._transaction(write=True) as connection:
            attempts = connection.execute(query).scalar()
            if attempts is None:
                return
            _insert_attempt(connection, claimed.key, attempt)
            if attempts == claimed.attempt:
                ended = attempt.timestamp + attempt.duration_ms
                finished = None if status is DeliveryStatus.PENDING else ended
                connection.execute(
                    sa.update(_dl)
                    .where(_dl.c.id == claimed.key)
                    .values(
                        status=status.value,
                        next_attempt_time=next_attempt_time,
                        finished_time=finished,
                    )
                )


# -- helpers -------------------------------------------------------------------------------


def _insert_events(connection: sa.Connection, webhook_id: str, events: Iterable[str]) -> None:
    rows = [{"webhook_id": webhook_id, "event": event} for event in events]
    connection.execute(sa.insert(_we), rows)


def _insert_attempt(connection: sa.Connection, key: int, attempt: DeliveryAttempt) -> None:
    connection.execute(
        sa.insert(_at).values(
            delivery_key=key,
            attempt=attempt.attempt,
            started_time=attempt.timestamp,
            duration_ms=attempt.duration_ms,
            response_status=attempt.response_status,
            response_body=attempt.response_body,
            error=attempt.error,
        )
    )


def _webhook_row(connection: sa.Connection, webhook_id: str) -> sa.Row[Any]:
    row = connection.execute(sa.select(_wh).where(_wh.c.id == webhook_id)).first()
    if row is None:
        raise WebhookNotFound(webhook_id)
    return row


def _get_webhook(connection: sa.Connection, webhook_id: str) -> Webhook:
    return _webhooks(connection, [_webhook_row(connection, webhook_id)])[0]


def _webhooks(connection: sa.Connection, rows: Sequence[sa.Row[Any]]) -> list[Webhook]:
    """Webhooks from their rows, with their events (one query for the lot)."""
    events: dict[str, list[str]] = {row.id: [] for row in rows}
    if events:
        query = sa.select(_we).where(_we.c.webhook_id.in_(list(events)))
        for webhook_id, event in connection.execute(query):
            events[webhook_id].append(event)
    return [
        Webhook(
            webhook_id=row.id,
            name=row.name,
            url=row.url,
            events=in_catalogue_order(events[row.id]),
            status=WebhookStatus(row.status),
            creation_timestamp=row.creation_time,
            last_updated_timestamp=row.last_updated_time,
            description=row.description,
            model_name=row.model_name,
        )
        for row in rows
    ]


def _delivery_row(connection: sa.Connection, delivery_id: str) -> sa.Row[Any]:
    row = connection.execute(sa.select(_dl).where(_dl.c.delivery_id == delivery_id)).first()
    if row is None:
        raise DeliveryNotFound(delivery_id)
    return row


def _deliveries(connection: sa.Connection, rows: Sequence[sa.Row[Any]]) -> list[Delivery]:
    """Deliveries from their rows, with their attempts (one query for the lot)."""
    attempts: dict[int, list[DeliveryAttempt]] = {row.id: [] for row in rows}
    if attempts:
        query = (
            sa.select(_at)
            .where(_at.c.delivery_key.in_(list(attempts)))
            .order_by(_at.c.delivery_key, _at.c.attempt)
        )
        for row in connection.execute(query):
            attempts[row.delivery_key].append(
                DeliveryAttempt(
                    attempt=row.attempt,
                    timestamp=row.started_time,
                    duration_ms=row.duration_ms,
                    response_status=row.response_status,
                    response_body=row.response_body,
                    error=row.error,
                )
            )
    return [
        Delivery(
            delivery_id=row.delivery_id,
            webhook_id=row.webhook_id,
            event=row.event,
            status=DeliveryStatus(row.status),
            attempt_count=row.attempts,
            created_timestamp=row.created_time,
            payload=json.loads(row.body),
            event_id=row.event_id,
            model_name=row.model_name,
            next_attempt_timestamp=row.next_attempt_time if row.status == _PENDING else None,
            finished_timestamp=row.finished_time,
            redelivery_of=row.redelivery_of,
            attempts=tuple(attempts[row.id]),
        )
        for row in rows
    ]
