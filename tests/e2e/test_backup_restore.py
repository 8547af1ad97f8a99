"""Backups taken while the registry is in use, restored the documented way (docs/deploying.md)."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

from modelreg import Client
from modelreg.store.sql import create_store_engine
from modelreg.store.sql.migrations import current_revision, head_revision
from tests.cli.conftest import Cli
from tests.databases import fresh_postgres_database
from tests.processes import running_server


def test_sqlite_backup_while_a_server_writes_is_consistent(tmp_path: Path) -> None:
    database = tmp_path / "registry.db"
    uri = f"sqlite:///{database}"
    with running_server(uri, tmp_path / "artifacts", tmp_path / "server.log") as url:
        client = Client(url)
        client.create_registered_model("Unicorn")
        stop = threading.Event()

        def write() -> None:
            while not stop.is_set():
                client.create_model_version("Unicorn", "s3://bucket/model")

        writer = threading.Thread(target=write)
        writer.start()
        try:
            backups = [tmp_path / f"backup-{n}.db" for n in range(3)]
            for backup in backups:
                assert Cli(uri).json("db", "backup", str(backup))["bytes"] > 0
        finally:
            stop.set()
            writer.join()
            client.close()
    for backup in backups:
        with sqlite3.connect(backup) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        restored = Client(f"sqlite:///{backup}")
        versions = [v.version for v in restored.search_model_versions("name = 'Unicorn'", 10_000)]
        # A consistent copy: numbers 1..n without a gap, and the audit log agrees.
        assert sorted(versions) == list(range(1, len(versions) + 1))
        events = restored.get_model_history("Unicorn", max_results=1000)
        assert sum(e.name == "model_version.created" for e in events) == len(versions)
        restored.close()


@pytest.mark.postgres
def test_postgres_backup_restores_into_a_new_database(tmp_path: Path) -> None:
    dump = tmp_path / "registry.dump"
    with fresh_postgres_database("modelreg_backup") as source_uri:
        client = Client(source_uri, artifact_root=str(tmp_path / "artifacts"))
        client.create_registered_model("Unicorn", tags={"team": "growth"})
        for index in range(3):
            client.create_model_version("Unicorn", f"s3://bucket/{index}")
        client.transition_model_version_stage("Unicorn", 2, "Production")
        client.close()
        assert Cli(source_uri).json("db", "backup", str(dump))["bytes"] > 0
    with fresh_postgres_database("modelreg_restore") as target_uri:
        libpq = target_uri.replace("postgresql+psycopg://", "postgresql://")
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={libpq}", str(dump)],
            check=True,
            capture_output=True,
        )
        engine = create_store_engine(target_uri, migrate=False)
        assert current_revision(engine) == head_revision()
        engine.dispose()
        restored = Client(target_uri, artifact_root=str(tmp_path / "artifacts"))
        model = restored.get_registered_model("Unicorn")
        assert model.tags == {"team": "growth"}
        assert [v.version for v in restored.get_latest_versions("Unicorn", ["Production"])] == [2]
        assert restored.get_model_history("Unicorn")[0].name == "model_version_stage.transitioned"
        # The restored registry keeps numbering where the original stopped.
        assert restored.create_model_version("Unicorn", "s3://bucket/next").version == 4
        restored.close()


def test_backup_refuses_to_overwrite(tmp_path: Path) -> None:
    existing = tmp_path / "exists.db"
    existing.write_text("keep me")
    result = Cli(f"sqlite:///{tmp_path / 'r.db'}")("db", "backup", str(existing))
    assert result.exit_code == 2
    assert existing.read_text() == "keep me"
