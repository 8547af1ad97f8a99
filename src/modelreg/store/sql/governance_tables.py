"""Tables of governance: promotion policies, transition requests and their approvals."""

from __future__ import annotations

import sqlalchemy as sa

from modelreg.store.sql.tables import Millis, metadata

#: One row per (model, target); ``model_id`` NULL for a global policy. A target is a stage
#: (``target_kind`` "stage") or an alias ("alias"), named by ``target``. The rules' lists and
#: mappings are JSON: tags as ``{"key": "value"}``, thresholds as ``["r2 >= 0.9"]``.
promotion_policies = sa.Table(
    "promotion_policies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("model_id", sa.Integer, sa.ForeignKey("registered_models.id", ondelete="CASCADE")),
    sa.Column("target_kind", sa.String(8), nullable=False),
    sa.Column("target", sa.String(255), nullable=False),
    sa.Column("required_role", sa.String(20)),
    sa.Column("required_approvals", sa.Integer, nullable=False),
    sa.Column("require_signature", sa.Boolean, nullable=False),
    sa.Column("required_tags", sa.JSON, nullable=False),
    sa.Column("metric_thresholds", sa.JSON, nullable=False),
    sa.Column("contract_check", sa.Boolean, nullable=False),
    sa.Column("last_updated_time", Millis, nullable=False),
    # NULLs are distinct in a unique index, so global policies get a partial one of their own.
    sa.Index(
        "ix_promotion_policies_model_target", "model_id", "target_kind", "target", unique=True
    ),
    sa.Index(
        "ix_promotion_policies_global_target",
        "target_kind",
        "target",
        unique=True,
        sqlite_where=sa.column("model_id").is_(None),
        postgresql_where=sa.column("model_id").is_(None),
    ),
)

#: Requests to move a version into a target; they go with their model (history keeps their
#: events). ``resolution`` holds the rejection or cancellation comment, or the refusal.
transition_requests = sa.Table(
    "transition_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "model_id",
        sa.Integer,
        sa.ForeignKey("registered_models.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("target_kind", sa.String(8), nullable=False),
    sa.Column("target", sa.String(255), nullable=False),
    sa.Column("archive_existing_versions", sa.Boolean, nullable=False),
    sa.Column("requester", sa.String(256), nullable=False),
    sa.Column("comment", sa.Text),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("creation_time", Millis, nullable=False),
    sa.Column("last_updated_time", Millis, nullable=False),
    sa.Column("resolved_by", sa.String(256)),
    sa.Column("resolution", sa.Text),
    sa.Index("ix_transition_requests_state", "state", "id"),
    sa.Index("ix_transition_requests_model_state", "model_id", "state", "id"),
)

#: One row per manager approving a request: the key makes approvals count distinct managers.
transition_request_approvals = sa.Table(
    "transition_request_approvals",
    metadata,
    sa.Column(
        "request_id",
        sa.Integer,
        sa.ForeignKey("transition_requests.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("approver", sa.String(256), primary_key=True),
    sa.Column("timestamp", Millis, nullable=False),
    sa.Column("comment", sa.Text),
)
