"""What every SQL store shares: write and read transactions on one engine, each handing the
caller the store's own transaction object (its queries on that connection)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

import sqlalchemy as sa

from modelreg.store.sql import generation
from modelreg.store.sql.engine import WRITE

__all__ = ["TransactionalStore"]

T = TypeVar("T")


class TransactionalStore(Generic[T]):
    """A store over ``engine`` whose transactions are ``transaction(connection)`` objects;
    with ``counted``, each write transaction increments the registry's generation."""

    def __init__(
        self,
        engine: sa.Engine,
        transaction: Callable[[sa.Connection], T],
        *,
        counted: bool = False,
    ) -> None:
        self.engine = engine
        self._transaction = transaction
        self._counted = counted

    @contextmanager
    def write(self) -> Iterator[T]:
        """A transaction that may write; on SQLite it takes the write lock up front."""
        connection = self.engine.connect().execution_options(**{WRITE: True})
        with connection, connection.begin():
            yield self._transaction(connection)
            if self._counted:
                generation.bump(connection)

    @contextmanager
    def read(self) -> Iterator[T]:
        """A read-only transaction: one consistent snapshot for several queries (REPEATABLE
        READ on PostgreSQL, where the default gives each statement a snapshot of its own)."""
        connection = self.engine.connect()
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection, connection.begin():
            yield self._transaction(connection)

    @property
    def reads_are_local(self) -> bool:
        """Whether a read is a local file's query (SQLite: microseconds, and in WAL mode it
        never waits for a writer) rather than network round trips to a database server."""
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()
