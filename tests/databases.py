"""Fresh PostgreSQL databases for test runs, created and dropped around the caller."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

#: The PostgreSQL server the suite runs against (trust auth on this machine and in CI).
POSTGRES_SERVER = os.environ.get("MODELREG_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def _admin() -> sa.Engine:
    url = f"{POSTGRES_SERVER}/postgres".replace("postgresql://", "postgresql+psycopg://")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


@contextmanager
def fresh_postgres_database(prefix: str = "modelreg_test") -> Iterator[str]:
    """The URI of a new empty database on the test server; dropped (forcibly) afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
