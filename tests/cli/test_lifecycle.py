"""Pipeline commands: register with stage and alias, history, rollback, CAS, trash, download."""

from __future__ import annotations

from pathlib import Path

from modelreg.client import Client
from tests.cli.conftest import Cli
from tests.registration.test_register_model import make_model_folder


def test_register_stages_aliases_and_tags_the_new_version(cli: Cli, tmp_path: Path) -> None:
    folder = make_model_folder(tmp_path / "model")
    data = cli.json(
        "models", "register", "--uri", str(folder), "--name", "Unicorn",
        "--stage", "Staging", "--alias", "candidate", "--tag", "team=growth",
    )  # fmt: skip
    assert (data["version"], data["current_stage"], data["aliases"], data["tags"]) == (
        1,
        "Staging",
        ["candidate"],
        {"team": "growth"},
    )


def test_register_with_an_idempotency_key_twice_makes_one_version(
    cli: Cli, client: Client, tmp_path: Path
) -> None:
    folder = make_model_folder(tmp_path / "model")
    args = ("models", "register", "--uri", str(folder), "--name", "Unicorn")
    first = cli.json(*args, "--idempotency-key", "job-7")
    second = cli.json(*args, "--idempotency-key", "job-7")
    assert first["version"] == second["version"] == 1
    assert len(client.search_model_versions("name = 'Unicorn'")) == 1


def test_history_lists_changes_newest_first(cli: Cli, unicorn: Client) -> None:
    data = cli.json("history", "Unicorn")
    assert [event["entity"] + "." + event["action"] for event in data["events"]][:2] == [
        "model_version_alias.created",
        "model_version_stage.transitioned",
    ]
    table = cli("history", "Unicorn")
    assert table.exit_code == 0, table.output
    assert "model_version_stage.transitioned" in table.stdout
    assert "stage: None → Production" in table.stdout


def test_history_at_a_time_names_the_holder(cli: Cli, unicorn: Client) -> None:
    now = "2999-01-01T00:00:00+00:00"
    data = cli.json("history", "Unicorn", "--at", now, "--stage", "Production")
    assert data["version"] == 1
    before = cli.json("history", "Unicorn", "--at", "2000-01-01T00:00", "--alias", "champion")
    assert before["version"] is None
    bad = cli("history", "Unicorn", "--at", "yesterday", "--stage", "Production")
    assert bad.exit_code == 2
    assert "ISO 8601" in bad.stderr


def test_rollback_puts_the_previous_production_version_back(cli: Cli, unicorn: Client) -> None:
    unicorn.transition_model_version_stage("Unicorn", 3, "Production", True)
    result = cli("versions", "rollback", "Unicorn", "--stage", "Production")
    assert result.exit_code == 0, result.output
    assert "to version 1" in result.stdout
    assert [v.version for v in unicorn.get_latest_versions("Unicorn", ["Production"])] == [1]


def test_a_stale_compare_and_set_exits_1(cli: Cli, unicorn: Client) -> None:
    moved = cli("versions", "set-alias", "Unicorn", "champion", "3", "--expected-version", "1")
    assert moved.exit_code == 1
    assert "RESOURCE_CONFLICT" in moved.stderr
    assert unicorn.get_model_version_by_alias("Unicorn", "champion").version == 2
    ok = cli("versions", "transition", "Unicorn", "3", "Production", "--expected-version", "1")
    assert ok.exit_code == 0, ok.output


def test_delete_needs_force_for_a_version_in_production_and_can_be_restored(
    cli: Cli, unicorn: Client
) -> None:
    refused = cli("versions", "delete", "Unicorn", "1", "--yes")
    assert refused.exit_code == 2
    assert "holds stage Production" in refused.stderr
    assert cli("versions", "delete", "Unicorn", "1", "--yes", "--force").exit_code == 0
    restored = cli.json("versions", "restore", "Unicorn", "1")
    assert (restored["version"], restored["current_stage"]) == (1, "Production")


def test_purge_deletes_the_files_of_trashed_versions(
    cli: Cli, client: Client, tmp_path: Path
) -> None:
    folder = make_model_folder(tmp_path / "model")
    version = client.register_model(str(folder), "Unicorn")
    assert version.storage_location is not None
    copy = Path(version.storage_location.removeprefix("file://"))
    assert copy.is_dir()
    client.delete_model_version("Unicorn", 1)
    assert cli.json("versions", "purge")["collected"] == 0  # still inside the grace period
    assert copy.is_dir()
    assert cli.json("versions", "purge", "--older-than-days", "0")["collected"] == 1
    assert not copy.exists()
    gone = cli("versions", "restore", "Unicorn", "1")
    assert gone.exit_code == 2


def test_download_writes_the_files_of_a_stage(cli: Cli, client: Client, tmp_path: Path) -> None:
    folder = make_model_folder(tmp_path / "model", payload="weights-1")
    client.register_model(str(folder), "Unicorn")
    client.transition_model_version_stage("Unicorn", 1, "Production")
    client.set_registered_model_alias("Unicorn", "champion", 1)
    for ref in ("Production", "@champion", "1"):
        out = tmp_path / f"out-{ref.strip('@')}"
        data = cli.json("versions", "download", "Unicorn", ref, "--dst", str(out))
        assert (Path(data["path"]) / "data.bin").read_text() == "weights-1"
