"""What the figures were measured on: the machine, its load, and the versions of everything."""

from __future__ import annotations

import datetime
import os
import platform
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from registry_store import POSTGRES_SERVER

#: The packages whose versions matter to the figures.
PACKAGES = (
    "modelreg",
    "mlflow",
    "sqlalchemy",
    "psycopg",
    "starlette",
    "fastapi",
    "uvicorn",
    "httpx",
    "scikit-learn",
    "boto3",
    "moto",
)


def _first(path: str, pattern: str) -> str | None:
    try:
        match = re.search(pattern, Path(path).read_text(), re.MULTILINE)
    except OSError:
        return None
    return match.group(1).strip() if match else None


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(value, 2) for value in os.getloadavg()]


def machine() -> dict[str, Any]:
    """Cores, CPU model, memory, kernel."""
    memory_kib = _first("/proc/meminfo", r"^MemTotal:\s+(\d+) kB")
    return {
        "cores": os.cpu_count(),
        "cpu": _first("/proc/cpuinfo", r"^model name\s*:\s*(.+)$") or platform.processor(),
        "memory_gib": round(int(memory_kib) / (1 << 20), 1) if memory_kib else None,
        "kernel": f"{platform.system()} {platform.release()}",
    }


def versions() -> dict[str, str | None]:
    """Python, the packages, the PostgreSQL server and wrk."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    found["postgresql"] = _postgres_version()
    found["wrk"] = _wrk_version()
    return found


def _postgres_version() -> str | None:
    url = f"{POSTGRES_SERVER}/postgres".replace("postgresql://", "postgresql+psycopg://")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.exec_driver_sql("SHOW server_version").scalar())
    except sa.exc.OperationalError:
        return None
    finally:
        engine.dispose()


def _wrk_version() -> str | None:
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    # wrk prints its version in its usage text, to stdout, and exits non-zero.
    output = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False).stdout
    match = re.match(r"wrk (\S+)", output)
    return match.group(1) if match else None


def now() -> str:
    """The current time, UTC, to the minute."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
