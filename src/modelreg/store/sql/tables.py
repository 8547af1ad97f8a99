"""The registry's tables, as SQLAlchemy Core metadata (the source of the Alembic migrations)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql.schema import SchemaItem

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
    # A client-chosen key that makes a retried registration return the version it created.
    sa.Column("idempotency_key", sa.String(128)),
    sa.UniqueConstraint("model_id", "version", name="uq_model_versions_model_id_version"),
    sa.Index("ix_model_versions_idempotency_key", "model_id", "idempotency_key", unique=True),
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

# -- tracking-lite ---------------------------------------------------------------------------

experiments = sa.Table(
    "experiments",
    metadata,
    sa.Column("experiment_id", sa.Integer, primary_key=True),
    sa.Column("name", Name, nullable=False, unique=True),
    sa.Column("artifact_location", sa.Text, nullable=False),
    sa.Column("lifecycle_stage", sa.String(20), nullable=False),
    sa.Column("creation_time", Millis, nullable=False),
    sa.Column("last_update_time", Millis, nullable=False),
)

experiment_tags = sa.Table(
    "experiment_tags",
    metadata,
    sa.Column(
        "experiment_id",
        sa.Integer,
        sa.ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("key", Key, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.String(32), primary_key=True),
    sa.Column(
        "experiment_id",
        sa.Integer,
        sa.ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("name", sa.String(250), nullable=False),
    sa.Column("user_id", sa.String(256)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("start_time", Millis, nullable=False),
    sa.Column("end_time", Millis),
    sa.Column("artifact_uri", sa.Text, nullable=False),
    sa.Column("lifecycle_stage", sa.String(20), nullable=False),
    sa.Index("ix_runs_experiment_start", "experiment_id", "start_time"),
)


def _run_child(name: str, *items: SchemaItem) -> sa.Table:
    """A table of per-run records keyed by the run (params, tags, metrics)."""
    run_id = sa.Column(
        "run_id", sa.String(32), sa.ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False
    )
    return sa.Table(name, metadata, run_id, *items)


params = _run_child(
    "params",
    sa.Column("key", Key, nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("run_id", "key"),
)

run_tags = _run_child(
    "run_tags",
    sa.Column("key", Key, nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("run_id", "key"),
)

# Every logged value; NaN is kept as is_nan with a NULL value (SQLite cannot store NaN).
metrics = _run_child(
    "metrics",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", Key, nullable=False),
    sa.Column("value", sa.Double),
    sa.Column("is_nan", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("timestamp", Millis, nullable=False),
    sa.Column("step", sa.BigInteger, nullable=False),
    sa.Index("ix_metrics_run_key_step", "run_id", "key", "step", "timestamp"),
)

# The value at the highest (step, timestamp) per metric, kept in step with `metrics`.
latest_metrics = _run_child(
    "latest_metrics",
    sa.Column("key", Key, nullable=False),
    sa.Column("value", sa.Double),
    sa.Column("is_nan", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("timestamp", Millis, nullable=False),
    sa.Column("step", sa.BigInteger, nullable=False),
    sa.PrimaryKeyConstraint("run_id", "key"),
)

# -- logged models (MLflow 3) ----------------------------------------------------------------

logged_models = sa.Table(
    "logged_models",
    metadata,
    sa.Column("model_id", sa.String(34), primary_key=True),  # m-<32 hex>
    sa.Column(
        "experiment_id",
        sa.Integer,
        sa.ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("name", sa.String(250), nullable=False),
    # Not a foreign key: the model outlives the run that logged it.
    sa.Column("source_run_id", sa.String(32)),
    sa.Column("model_type", sa.String(500)),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("status_message", sa.Text),
    sa.Column("artifact_location", sa.Text, nullable=False),
    sa.Column("creation_time", Millis, nullable=False),
    sa.Column("last_updated_time", Millis, nullable=False),
    sa.Index("ix_logged_models_experiment_creation", "experiment_id", "creation_time"),
    sa.Index("ix_logged_models_source_run_name", "source_run_id", "name"),
)


def _logged_model_child(name: str, *items: SchemaItem) -> sa.Table:
    """A table of per-logged-model records (params, tags, metrics, run outputs)."""
    model_id = sa.Column(
        "model_id",
        sa.String(34),
        sa.ForeignKey("logged_models.model_id", ondelete="CASCADE"),
        nullable=False,
    )
    return sa.Table(name, metadata, model_id, *items)


logged_model_params = _logged_model_child(
    "logged_model_params",
    sa.Column("key", Key, nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("model_id", "key"),
)

logged_model_tags = _logged_model_child(
    "logged_model_tags",
    sa.Column("key", Key, nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("model_id", "key"),
)

# Metric values linked to a model (logged with a model_id); NaN is kept as is_nan.
logged_model_metrics = _logged_model_child(
    "logged_model_metrics",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", Key, nullable=False),
    sa.Column("value", sa.Double),
    sa.Column("is_nan", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("timestamp", Millis, nullable=False),
    sa.Column("step", sa.BigInteger, nullable=False),
    sa.Column("run_id", sa.String(32)),
    sa.Column("dataset_name", sa.String(500)),
    sa.Column("dataset_digest", sa.String(36)),
    sa.Index("ix_logged_model_metrics_model_key", "model_id", "key"),
)

# The models a run produced (MLflow's run outputs).
logged_model_outputs = _logged_model_child(
    "logged_model_outputs",
    sa.Column(
        "run_id", sa.String(32), sa.ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("step", sa.BigInteger, nullable=False),
    sa.PrimaryKeyConstraint("run_id", "model_id"),
)
