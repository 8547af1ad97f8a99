"""The SQL store (SQLite and PostgreSQL through SQLAlchemy), with Alembic migrations."""

from modelreg.store.sql.engine import create_store_engine
from modelreg.store.sql.registry_store import SqlRegistryStore
from modelreg.store.sql.tracking_store import SqlTrackingStore

__all__ = ["SqlRegistryStore", "SqlTrackingStore", "create_store_engine"]
