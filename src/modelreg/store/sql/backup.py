"""Consistent backups of the registry database while it is in use."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

from modelreg.errors import InternalError

__all__ = ["backup"]


def backup(engine: sa.Engine, destination: Path) -> None:
    """Copy the database behind ``engine`` to ``destination`` as of one moment.

    SQLite uses its online backup API (pages copied while writers continue, the copy is of
    one consistent state); PostgreSQL uses ``pg_dump --format=custom`` (one snapshot).
    """
    if engine.dialect.name == "sqlite":
        _backup_sqlite(engine, destination)
    else:
        _dump_postgres(engine.url, destination)


def _backup_sqlite(engine: sa.Engine, destination: Path) -> None:
    with engine.connect() as connection:
        source: sqlite3.Connection = connection.connection.dbapi_connection  # type: ignore[assignment]
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()


def _dump_postgres(url: sa.URL, destination: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise InternalError("pg_dump is not installed: install PostgreSQL's client tools.")
    libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        [pg_dump, "--format=custom", f"--file={destination}", f"--dbname={libpq_url}"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        destination.unlink(missing_ok=True)
        raise InternalError(f"pg_dump failed: {done.stderr.strip()}")
