"""Tables of the audit trail: the append-only event log and the trash of deleted versions."""

from __future__ import annotations

import sqlalchemy as sa

from modelreg.store.sql.tables import Millis, Name, metadata

# SQLite only autoincrements an INTEGER PRIMARY KEY.
EventId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: One row per change, never updated or deleted (triggers refuse both). Not tied to the
#: model by a foreign key: history outlives the model.
registry_events = sa.Table(
    "registry_events",
    metadata,
    sa.Column("id", EventId, primary_key=True, autoincrement=True),
    sa.Column("timestamp", Millis, nullable=False),
    sa.Column("actor", sa.String(256), nullable=False),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("model_id", sa.Integer),
    sa.Column("model_name", Name, nullable=False),
    sa.Column("version", sa.Integer),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
    sa.Column("data", sa.JSON),
    sa.Index("ix_registry_events_model", "model_id", "id"),
    sa.Index("ix_registry_events_model_name", "model_name", "id"),
    sa.Index("ix_registry_events_timestamp", "timestamp"),
)

#: Soft-deleted model versions, restorable until their grace period ends; ``row`` keeps the
#: version's columns and tags as they were.
deleted_model_versions = sa.Table(
    "deleted_model_versions",
    metadata,
    sa.Column(
        "model_id",
        sa.Integer,
        sa.ForeignKey("registered_models.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("deleted_time", Millis, nullable=False),
    sa.Column("deleted_by", sa.String(256), nullable=False),
    sa.Column("row", sa.JSON, nullable=False),
    sa.Index("ix_deleted_model_versions_time", "deleted_time"),
)
