"""Governance queries: promotion policies, transition requests, and the run metrics rules read.

Like ``events_store``, every function runs on the caller's connection, inside the caller's
transaction (the registry's move transaction, for the promotion gate).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from modelreg.entities import Stage
from modelreg.entities.permissions import Permission
from modelreg.errors import ResourceConflict
from modelreg.governance.errors import TransitionRequestNotFound
from modelreg.governance.policies import MetricThreshold, PromotionPolicy, PromotionTarget
from modelreg.governance.transition_requests import Approval, RequestState, TransitionRequest
from modelreg.store.sql.governance_tables import (
    promotion_policies,
    transition_request_approvals,
    transition_requests,
)
from modelreg.store.sql.tables import latest_metrics, registered_models

_pp = promotion_policies
_tr = transition_requests
_ap = transition_request_approvals
_rm = registered_models

_STAGE, _ALIAS = "stage", "alias"


def _target_values(target: PromotionTarget) -> dict[str, str]:
    if target.stage is not None:
        return {"target_kind": _STAGE, "target": target.stage.value}
    assert target.alias is not None
    return {"target_kind": _ALIAS, "target": target.alias}


def _is_target(table: sa.Table, target: PromotionTarget) -> sa.ColumnElement[bool]:
    values = _target_values(target)
    return sa.and_(table.c.target_kind == values["target_kind"], table.c.target == values["target"])


def _target(kind: str, name: str) -> PromotionTarget:
    return PromotionTarget(stage=Stage(name)) if kind == _STAGE else PromotionTarget(alias=name)


def _of_scope(model_id: int | None) -> sa.ColumnElement[bool]:
    return _pp.c.model_id.is_(None) if model_id is None else _pp.c.model_id == model_id


# -- promotion policies ----------------------------------------------------------------------

_POLICIES = sa.select(_pp, _rm.c.name.label("model_name")).outerjoin(
    _rm, _rm.c.id == _pp.c.model_id
)


def _policy(row: sa.Row[Any]) -> PromotionPolicy:
    return PromotionPolicy(
        target=_target(row.target_kind, row.target),
        model_name=row.model_name,
        required_role=None if row.required_role is None else Permission(row.required_role),
        required_approvals=row.required_approvals,
        require_signature=row.require_signature,
        required_tags=dict(row.required_tags),
        metric_thresholds=tuple(MetricThreshold.parse(text) for text in row.metric_thresholds),
        contract_check=row.contract_check,
    )


def policy(
    connection: sa.Connection, model_id: int | None, target: PromotionTarget
) -> PromotionPolicy | None:
    """The policy declared for ``target`` on one model (``model_id`` None: globally)."""
    query = _POLICIES.where(_of_scope(model_id), _is_target(_pp, target))
    row = connection.execute(query).first()
    return None if row is None else _policy(row)


def effective_policy(
    connection: sa.Connection, model_id: int, target: PromotionTarget
) -> PromotionPolicy | None:
    """The policy that governs ``target`` on a model: its own, else the global one."""
    query = (
        _POLICIES.where(
            sa.or_(_pp.c.model_id == model_id, _pp.c.model_id.is_(None)),
            _is_target(_pp, target),
        )
        .order_by(_pp.c.model_id.is_(None))
        .limit(1)
    )
    row = connection.execute(query).first()
    return None if row is None else _policy(row)


def policies(connection: sa.Connection, model_id: int | None) -> list[PromotionPolicy]:
    """Every policy declared on one model (``model_id`` None: the global ones)."""
    query = _POLICIES.where(_of_scope(model_id)).order_by(_pp.c.target_kind, _pp.c.target)
    return [_policy(row) for row in connection.execute(query)]


def replace_policy(
    connection: sa.Connection, model_id: int | None, new: PromotionPolicy, now: int
) -> None:
    """Declare ``new`` for its target, replacing the policy declared there before."""
    delete_policy(connection, model_id, new.target)
    values = {
        "model_id": model_id,
        **_target_values(new.target),
        "required_role": None if new.required_role is None else new.required_role.value,
        "required_approvals": new.required_approvals,
        "require_signature": new.require_signature,
        "required_tags": dict(new.required_tags),
        "metric_thresholds": [str(threshold) for threshold in new.metric_thresholds],
        "contract_check": new.contract_check,
        "last_updated_time": now,
    }
    try:
        with connection.begin_nested():
            connection.execute(sa.insert(_pp).values(**values))
    except sa.exc.IntegrityError:
        # Only concurrent writers of one policy get here (the database serialises the rest).
        raise ResourceConflict(
            f"The policy for {new.target} was changed concurrently; retry."
        ) from None


def delete_policy(connection: sa.Connection, model_id: int | None, target: PromotionTarget) -> bool:
    """Remove the policy declared for ``target``; whether there was one."""
    query = sa.delete(_pp).where(_of_scope(model_id), _is_target(_pp, target))
    return connection.execute(query).rowcount > 0


# -- transition requests ---------------------------------------------------------------------

_REQUESTS = sa.select(_tr, _rm.c.name.label("model_name")).join(_rm, _rm.c.id == _tr.c.model_id)


def insert_request(
    connection: sa.Connection,
    *,
    model_id: int,
    version: int,
    target: PromotionTarget,
    archive_existing_versions: bool,
    requester: str,
    comment: str | None,
    now: int,
) -> int:
    """Open a pending request; its id."""
    query = (
        sa.insert(_tr)
        .values(
            model_id=model_id,
            version=version,
            **_target_values(target),
            archive_existing_versions=archive_existing_versions,
            requester=requester,
            comment=comment,
            state=RequestState.PENDING.value,
            creation_time=now,
            last_updated_time=now,
        )
        .returning(_tr.c.id)
    )
    return int(connection.execute(query).scalar_one())


def request(connection: sa.Connection, request_id: int, *, lock: bool = False) -> TransitionRequest:
    """One request with its approvals; ``lock`` holds its row until the transaction ends."""
    query = _REQUESTS.where(_tr.c.id == request_id)
    if lock and connection.dialect.name == "postgresql":
        query = query.with_for_update(of=_tr)
    rows = connection.execute(query).all()
    if not rows:
        raise TransitionRequestNotFound(request_id)
    return _requests(connection, rows)[0]


def requests(
    connection: sa.Connection,
    *,
    model_id: int | None,
    state: RequestState | None,
    after_id: int | None,
    limit: int,
) -> list[TransitionRequest]:
    """Requests oldest first, of one model or all, in one state or all, after ``after_id``."""
    query = _REQUESTS
    if model_id is not None:
        query = query.where(_tr.c.model_id == model_id)
    if state is not None:
        query = query.where(_tr.c.state == state.value)
    if after_id is not None:
        query = query.where(_tr.c.id > after_id)
    rows = connection.execute(query.order_by(_tr.c.id).limit(limit)).all()
    return _requests(connection, rows)


def _requests(connection: sa.Connection, rows: Sequence[sa.Row[Any]]) -> list[TransitionRequest]:
    """Requests for their rows, with the approvals of all of them in one query."""
    approvals: dict[int, list[Approval]] = {row.id: [] for row in rows}
    query = (
        sa.select(_ap)
        .where(_ap.c.request_id.in_(list(approvals)))
        .order_by(_ap.c.timestamp, _ap.c.approver)
    )
    for approval in connection.execute(query):
        approvals[approval.request_id].append(
            Approval(approval.approver, approval.timestamp, approval.comment)
        )
    return [
        TransitionRequest(
            id=row.id,
            model_name=row.model_name,
            version=row.version,
            target=_target(row.target_kind, row.target),
            requester=row.requester,
            state=RequestState(row.state),
            creation_timestamp=row.creation_time,
            last_updated_timestamp=row.last_updated_time,
            archive_existing_versions=row.archive_existing_versions,
            comment=row.comment,
            resolved_by=row.resolved_by,
            resolution=row.resolution,
            approvals=tuple(approvals[row.id]),
        )
        for row in rows
    ]


def add_approval(
    connection: sa.Connection, request_id: int, approver: str, comment: str | None, now: int
) -> None:
    """Record one manager's approval (the table's key refuses a second one by them)."""
    connection.execute(
        sa.insert(_ap).values(
            request_id=request_id, approver=approver, timestamp=now, comment=comment
        )
    )
    connection.execute(sa.update(_tr).where(_tr.c.id == request_id).values(last_updated_time=now))


def close_request(
    connection: sa.Connection,
    request_id: int,
    state: RequestState,
    *,
    resolved_by: str,
    resolution: str | None,
    now: int,
) -> None:
    """Move a pending request to a final state."""
    connection.execute(
        sa.update(_tr)
        .where(_tr.c.id == request_id)
        .values(
            state=state.value, resolved_by=resolved_by, resolution=resolution, last_updated_time=now
        )
    )


# -- facts the rules read --------------------------------------------------------------------


def latest_metric_values(
    connection: sa.Connection, run_id: str, keys: Iterable[str]
) -> dict[str, float]:
    """The latest value of each of a run's metrics among ``keys`` (NaN when logged as NaN)."""
    table = latest_metrics
    query = sa.select(table.c.key, table.c.value, table.c.is_nan).where(
        table.c.run_id == run_id, table.c.key.in_(list(keys))
    )
    return {
        row.key: math.nan if row.is_nan or row.value is None else float(row.value)
        for row in connection.execute(query)
    }
