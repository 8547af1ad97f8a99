"""The registry's generation: a number every committed change to the registry increments.

Write transactions of the registry and of its permissions add one to it just before they
commit, in the same transaction, so two reads that see the same generation see the same
registry (and the same permissions). The server keys its cache of read answers on it.
"""

from __future__ import annotations

import sqlalchemy as sa

from modelreg.errors import InternalError
from modelreg.store.sql.engine import unavailable
from modelreg.store.sql.tables import metadata

__all__ = ["bump", "current", "registry_generation"]

#: One row (id 1), created by the migration that adds the table.
registry_generation = sa.Table(
    "registry_generation",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("value", sa.BigInteger, nullable=False),
)

_BUMP = (
    sa.update(registry_generation)
    .where(registry_generation.c.id == 1)
    .values(value=registry_generation.c.value + 1)
)
_CURRENT = "SELECT value FROM registry_generation WHERE id = 1"


def bump(connection: sa.Connection) -> None:
    """Count one more change (call last in a write transaction: on PostgreSQL the row stays
    locked until the commit, which orders the writers' commits)."""
    connection.execute(_BUMP)


def current(engine: sa.Engine) -> int:
    """The generation committed now.

    The server reads it before every cached read, so it takes a pooled connection and asks
    the driver directly: a quarter of the cost of a SQLAlchemy statement.
    """
    lost = (sa.exc.OperationalError, engine.dialect.loaded_dbapi.OperationalError)
    try:
        connection = engine.raw_connection()
    except lost as error:  # the engine's error events skip raw connections
        raise unavailable(error) from None
    try:
        cursor = connection.cursor()
        cursor.execute(_CURRENT)
        row = cursor.fetchone()
        cursor.close()
    except lost as error:  # lost after the checkout
        connection.invalidate(error)
        raise unavailable(error) from None
    finally:
        connection.close()
    if row is None:
        raise InternalError("The registry_generation row is missing: run `modelreg db upgrade`.")
    return int(row[0])
