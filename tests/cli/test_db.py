"""``modelreg db ...``: the schema revision, and migrations applied on demand."""

from __future__ import annotations

from pathlib import Path

from modelreg.store.sql.migrations import head_revision
from tests.cli.conftest import Cli


def test_current_on_an_empty_database_says_so(cli: Cli) -> None:
    result = cli("db", "current")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("empty (no schema)")
    assert "modelreg db upgrade" in result.stdout


def test_upgrade_prints_revisions_before_and_after(cli: Cli) -> None:
    result = cli("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"Upgraded the database from empty (no schema) to {head_revision()}."
    )
    assert cli.json("db", "current") == {"revision": head_revision(), "head": head_revision()}


def test_upgrade_json_and_a_second_upgrade_changes_nothing(cli: Cli) -> None:
    assert cli.json("db", "upgrade") == {"before": None, "after": head_revision()}
    assert cli.json("db", "upgrade") == {"before": head_revision(), "after": head_revision()}
    assert "already at the newest revision" in cli("db", "upgrade").stdout


def test_current_at_head(cli: Cli) -> None:
    cli("db", "upgrade")
    assert cli("db", "current").stdout.strip() == f"{head_revision()} (newest)"


def test_tracking_uri_after_the_db_command(cli: Cli, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert cli.json("db", "upgrade", "--tracking-uri", other)["after"] == head_revision()
    assert cli.json("db", "current")["revision"] is None
    assert cli.json("db", "current", "--tracking-uri", other)["revision"] == head_revision()


def test_unsupported_tracking_uri_exits_2(cli: Cli) -> None:
    result = cli("db", "current", "--tracking-uri", "ftp://example.com/registry")
    assert result.exit_code == 2
    assert "Error: Unsupported tracking URI 'ftp://example.com/registry'" in result.stderr
