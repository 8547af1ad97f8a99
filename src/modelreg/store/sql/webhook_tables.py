"""Tables of webhooks: the subscriptions, and the outbox of deliveries with their attempt log."""

from __future__ import annotations

import sqlalchemy as sa

from modelreg.store.sql.tables import Millis, Name, metadata

# SQLite only autoincrements an INTEGER PRIMARY KEY.
DeliveryKey = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(63), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("url", sa.Text, nullable=False),
    # The HMAC key of the signatures: readable only by the delivery code, never rendered.
    sa.Column("secret", sa.String(256), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    # Only this model's events when set (its name at the time of the change).
    sa.Column("model_name", Name),
    sa.Column("creation_time", Millis, nullable=False),
    sa.Column("last_updated_time", Millis, nullable=False),
    sa.Index("ix_webhooks_creation", "creation_time", "id"),
)

#: The events a webhook subscribes to, by name (``model_version.created``).
webhook_events = sa.Table(
    "webhook_events",
    metadata,
    sa.Column(
        "webhook_id",
        sa.String(36),
        sa.ForeignKey("webhooks.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("event", sa.String(64), primary_key=True),
    sa.Index("ix_webhook_events_event", "event", "webhook_id"),
)

#: The outbox: one row per event and webhook, written in the transaction of the change, then
#: claimed and sent by the delivery workers. ``body`` is the exact JSON that is signed and sent.
webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", DeliveryKey, primary_key=True, autoincrement=True),
    sa.Column("delivery_id", sa.String(36), nullable=False, unique=True),
    sa.Column(
        "webhook_id",
        sa.String(36),
        sa.ForeignKey("webhooks.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("event", sa.String(64), nullable=False),
    # The audit event it reports (None for test events); not a foreign key, like history.
    sa.Column("event_id", sa.BigInteger),
    # Deliveries of one model to one webhook go out in id order (None: unordered).
    sa.Column("model_id", sa.Integer),
    sa.Column("model_name", Name),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    # Attempts claimed so far; a claim also pushes next_attempt_time past its lease.
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_time", Millis, nullable=False),
    sa.Column("next_attempt_time", Millis, nullable=False),
    sa.Column("finished_time", Millis),
    sa.Column("redelivery_of", sa.String(36)),
    sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_time"),
    sa.Index("ix_webhook_deliveries_queue", "webhook_id", "model_id", "status", "id"),
    sa.Index("ix_webhook_deliveries_webhook", "webhook_id", "id"),
)

#: The delivery log: what each attempt got back.
webhook_delivery_attempts = sa.Table(
    "webhook_delivery_attempts",
    metadata,
    sa.Column(
        "delivery_key",
        DeliveryKey,
        sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("attempt", sa.Integer, primary_key=True),
    sa.Column("started_time", Millis, nullable=False),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Column("response_status", sa.Integer),
    sa.Column("response_body", sa.Text),
    sa.Column("error", sa.Text),
)
