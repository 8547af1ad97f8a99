"""Engines for the SQL store: URI normalisation, SQLite pragmas, write transactions, migrations."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from modelreg.errors import InvalidParameterValue, StoreUnavailable

logger = logging.getLogger(__name__)

#: Execution option that marks a connection's transaction as a write (BEGIN IMMEDIATE on SQLite).
WRITE = "modelreg_write"

_SQLITE_BUSY_TIMEOUT_S = 30


def database_url(uri: str) -> sa.URL:
    """Turn a store URI (``sqlite:///path``, ``postgresql://...``) into a SQLAlchemy URL."""
    try:
        url = make_url(uri)
    except sa.exc.ArgumentError:
        raise InvalidParameterValue(
            f"Invalid store URI {uri!r}: expected sqlite:///<path> or postgresql://<host>/<db>."
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise InvalidParameterValue(
            f"Unsupported store URI {uri!r}: modelreg stores its registry in SQLite "
            "(sqlite:///<path>) or PostgreSQL (postgresql://<host>/<db>)."
        )
    return url


def _configure_sqlite(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's events issue BEGIN, so writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # LIKE is case-sensitive as in MLflow and PostgreSQL (ILIKE is the insensitive one).
        cursor.execute("PRAGMA case_sensitive_like=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        # A deferred transaction that later writes can fail with SQLITE_BUSY without waiting;
        # taking the write lock at BEGIN makes concurrent writers queue on busy_timeout instead.
        write = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _report_lost_connections(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "handle_error")
    def on_error(context: sa.engine.ExceptionContext) -> None:
        # A connection the database dropped (a restart, a failover), or none to be had: the
        # pool reconnects on a later checkout, and this operation fails as retryable.
        lost = context.is_disconnect or (
            context.connection is None
            and isinstance(context.sqlalchemy_exception, sa.exc.OperationalError)
        )
        if lost and not context.is_pre_ping:
            raise unavailable(context.original_exception)


def unavailable(error: BaseException) -> StoreUnavailable:
    """The error for an operation that found the database gone (logged as a warning)."""
    logger.warning("database unavailable: %s", error)
    return StoreUnavailable("The registry's database is unavailable; retry shortly.")


def create_store_engine(uri: str, *, migrate: bool = True) -> sa.Engine:
    """Create an engine for ``uri``; unless ``migrate`` is false, bring its schema up to date."""
    url = database_url(uri)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": _SQLITE_BUSY_TIMEOUT_S},
            pool_size=8,
            max_overflow=16,
        )
        _configure_sqlite(engine)
    else:
        engine = sa.create_engine(url, pool_size=8, max_overflow=16, pool_pre_ping=True)
    _report_lost_connections(engine)
    if migrate:
        from modelreg.store.sql.migrations import upgrade

        upgrade(engine)
    return engine
