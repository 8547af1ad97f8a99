"""The package's public surface and its promise that importing it is cheap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import modelreg
from modelreg.store.sql import create_store_engine

HEAVY = ("sqlalchemy", "httpx", "pandas", "sklearn", "boto3", "alembic", "numpy")


def test_import_loads_no_heavy_dependency() -> None:
    code = f"import sys, modelreg; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_a_server_worker_on_an_up_to_date_database_loads_no_client_or_migration_code(
    tmp_path: Path,
) -> None:
    """Each worker process pays for what it imports (the server's memory target): httpx
    comes with the first webhook delivery, Alembic only when the schema must change."""
    uri = f"sqlite:///{tmp_path / 'registry.db'}"
    create_store_engine(uri).dispose()  # migrated, as `modelreg server` does before workers
    code = (
        "import sys\n"
        "from modelreg.config import Settings\n"
        "from modelreg.server import create_app\n"
        f"create_app(Settings.resolve({uri!r}, {{}}))\n"
        "print(','.join(m for m in ('httpx', 'alembic', 'pandas', 'numpy') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_all_lists_exactly_the_public_names() -> None:
    for name in modelreg.__all__:
        assert getattr(modelreg, name) is not None
    assert sorted(modelreg.__all__) == sorted(dir(modelreg))
