"""Alembic environment: runs migrations on the connection handed in by the caller."""

from __future__ import annotations

from alembic import context

from modelreg.store.sql.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("modelreg migrations run through modelreg.store.sql.migrations.upgrade()")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
context.run_migrations()
