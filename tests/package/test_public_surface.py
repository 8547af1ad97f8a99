"""The package's public surface and its promise that importing it is cheap."""

from __future__ import annotations

import subprocess
import sys

import modelreg

HEAVY = ("sqlalchemy", "httpx", "pandas", "sklearn", "boto3", "alembic", "numpy")


def test_import_loads_no_heavy_dependency() -> None:
    code = f"import sys, modelreg; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_all_lists_exactly_the_public_names() -> None:
    for name in modelreg.__all__:
        assert getattr(modelreg, name) is not None
    assert sorted(modelreg.__all__) == sorted(dir(modelreg))
