"""INSERT ... ON CONFLICT DO UPDATE, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def upsert(
    connection: sa.Connection,
    table: sa.Table,
    values: dict[str, Any],
    keys: Sequence[str],
    *,
    where: sa.ColumnElement[bool] | None = None,
) -> None:
    """Insert ``values``, or update the row with the same ``keys`` (only if ``where`` holds)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(**values)
    updates = {name: insert.excluded[name] for name in values if name not in keys}
    connection.execute(
        insert.on_conflict_do_update(index_elements=list(keys), set_=updates, where=where)
    )
