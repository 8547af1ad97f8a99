"""Tables of authentication and permissions: users, API tokens, per-resource grants."""

from __future__ import annotations

import sqlalchemy as sa

from modelreg.store.sql.tables import Millis, Name, metadata

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", Name, nullable=False, unique=True),
    # An Argon2id hash in PHC format: the parameters and salt travel with it.
    sa.Column("password_hash", sa.String(512), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("creation_time", Millis, nullable=False),
)

#: Only the SHA-256 of a token is kept: whoever reads the table cannot use what it holds.
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(256), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("creation_time", Millis, nullable=False),
    sa.Index("ix_api_tokens_user", "user_id"),
)


def _grants(name: str, resource: sa.Column[int]) -> sa.Table:
    """The permissions granted to users on one kind of resource (MLflow's table names)."""
    user_id = sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    return sa.Table(
        name,
        metadata,
        resource,
        user_id,
        sa.Column("permission", sa.String(32), nullable=False),
        sa.Index(f"ix_{name}_user", "user_id"),
    )


# Keyed by the model's id, not its name: a grant follows the model through renames.
registered_model_permissions = _grants(
    "registered_model_permissions",
    sa.Column(
        "model_id",
        sa.Integer,
        sa.ForeignKey("registered_models.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

experiment_permissions = _grants(
    "experiment_permissions",
    sa.Column(
        "experiment_id",
        sa.Integer,
        sa.ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        primary_key=True,
    ),
)
