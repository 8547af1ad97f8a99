"""The registry's tables, as SQLAlchemy Core metadata (the source of the Alembic migrations)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Names sort and compare byte-wise on every backend; on PostgreSQL the "C" collation also lets
# a btree index serve LIKE 'prefix%' searches.
Name = sa.String(256).with_variant(sa.String(256, collation="C"), "postgresql")
Key = sa.String(250).with_variant(sa.String(250, collation="C"), "postgresql")
Millis = sa.BigInteger

registered_models = sa.Table(
    "registered_models",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", Name, nullable=False, unique=True),
    sa.Column("description", sa.Text),
    sa.Column("creation_time", Millis, nullable=False),
    sa.Column("last_updated_time", Millis, nullable=False),
    # The highest version number ever given out: numbers are never reused after deletes.
    sa.Column("last_version", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_registered_models_lower_name", sa.func.lower(sa.column("name"))),
    sa.Index("ix_registered_models_last_updated", "last_updated_time", "id"),
    sa.Index("ix_registered_models_creation", "creation_time", "id"),
)

registered_model_tags = sa.Table(
    "registered_model_tags",
    metadata,
    sa.Column(
        "model_id",
        sa.Integer,
        sa.ForeignKey("registered_models.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("key", Key, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

model_versions = sa.Table(
    "model_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "model_id",
        sa.Integer,
        sa.ForeignKey("registered_models.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("creation_time", Millis, nullable=False),
    sa.Column("last_updated_time", Millis, nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("user_id", sa.String(256)),
    sa.Column("current_stage", sa.String(20), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("run_id", sa.String(64)),
    sa.Column("run_link", sa.Text),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("status_message", sa.Text),
    sa.Column("storage_location", sa.Text),
    sa.UniqueConstraint("model_id", "version", name="uq_model_versions_model_id_version"),
    sa.Index("ix_model_versions_stage", "model_id", "current_stage", "version"),
    sa.Index("ix_model_versions_run_id", "run_id"),
    sa.Index("ix_model_versions_last_updated", "last_updated_time", "id"),
)

model_version_tags = sa.Table(
    "model_version_tags",
    metadata,
    sa.Column(
        "version_id",
        sa.Integer,
        sa.ForeignKey("model_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("key", Key, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

registered_model_aliases = sa.Table(
    "registered_model_aliases",
    metadata,
    sa.Column("model_id", sa.Integer, primary_key=True),
    sa.Column("alias", sa.String(255), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    # An alias goes with the version it points at.
    sa.ForeignKeyConstraint(
        ["model_id", "version"],
        ["model_versions.model_id", "model_versions.version"],
        ondelete="CASCADE",
        name="fk_registered_model_aliases_version",
    ),
    sa.Index("ix_registered_model_aliases_version", "model_id", "version"),
)
