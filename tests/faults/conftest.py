"""Fixtures of the fault tests: a registry (database + artifact root) that outlives the server
processes killed on it, and a model folder big enough that copying it takes a while."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import fresh_postgres_database
from tests.faults.servers import QUICK_RECOVERY, Deployment

#: The big model: files of 4 MiB, enough of them that a registration's copy lasts long
#: enough to be caught in the middle.
BIG_FILES, BIG_FILE_SIZE = 24, 4 * 1024 * 1024


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracking_uri(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty registry database of each kind, created for the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    with fresh_postgres_database("modelreg_faults") as uri:
        yield uri


@pytest.fixture
def deployment(tracking_uri: str, tmp_path: Path) -> Deployment:
    """A registry on ``tracking_uri`` whose servers recover abandoned registrations quickly."""
    return Deployment(tracking_uri, tmp_path / "artifacts", tmp_path / "server.log", QUICK_RECOVERY)


@pytest.fixture(scope="session")
def big_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model folder of BIG_FILES random files (96 MiB in all)."""
    folder = tmp_path_factory.mktemp("big") / "model"
    folder.mkdir()
    (folder / "MLmodel").write_text("flavors: {}\n")
    for number in range(BIG_FILES):
        (folder / f"part-{number:03d}.bin").write_bytes(os.urandom(BIG_FILE_SIZE))
    return folder
