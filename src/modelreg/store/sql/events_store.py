"""The event log's queries: append one event, read a model's history."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from modelreg.entities.events import Event
from modelreg.store.sql.audit_tables import registry_events
from modelreg.store.sql.webhooks_store import enqueue_deliveries

_ev = registry_events

_INSERT = sa.insert(_ev).returning(_ev.c.id)


def record_event(connection: sa.Connection, **values: Any) -> int:
    """Append an event (columns of ``registry_events``) in the caller's transaction."""
    event_id = int(connection.execute(_INSERT, values).scalar_one())
    enqueue_deliveries(connection, event_id, values)
    return event_id


def last_model_id(connection: sa.Connection, model_name: str) -> int | None:
    """The id of the most recent model that was called ``model_name`` (perhaps deleted)."""
    query = (
        sa.select(_ev.c.model_id)
        .where(_ev.c.model_name == model_name, _ev.c.model_id.is_not(None))
        .order_by(_ev.c.id.desc())
        .limit(1)
    )
    found = connection.execute(query).scalar()
    return None if found is None else int(found)


def model_events(
    connection: sa.Connection,
    model_id: int,
    *,
    entities: tuple[str, ...] = (),
    until: int | None = None,
    before_id: int | None = None,
    limit: int | None = None,
    newest_first: bool = True,
) -> list[Event]:
    """A model's events, newest first unless ``newest_first`` is false.

    ``entities`` keeps those kinds only, ``until`` those at or before a timestamp,
    ``before_id`` those older than an event (for paging).
    """
    query = sa.select(_ev).where(_ev.c.model_id == model_id)
    if entities:
        query = query.where(_ev.c.entity.in_(entities))
    if until is not None:
        query = query.where(_ev.c.timestamp <= until)
    if before_id is not None:
        query = query.where(_ev.c.id < before_id)
    query = query.order_by(_ev.c.id.desc() if newest_first else _ev.c.id)
    if limit is not None:
        query = query.limit(limit)
    return [_event(row) for row in connection.execute(query)]


def _event(row: sa.Row[Any]) -> Event:
    return Event(
        id=int(row.id),
        timestamp=int(row.timestamp),
        actor=row.actor,
        entity=row.entity,
        action=row.action,
        model_name=row.model_name,
        version=row.version,
        before=row.before,
        after=row.after,
        data=row.data or {},
    )
