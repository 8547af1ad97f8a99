"""``modelreg versions ...``: register, list, show, transition, aliases, delete."""

from __future__ import annotations

import pytest

from modelreg.client import Client
from modelreg.entities import Stage
from modelreg.errors import AliasNotFound, ModelVersionNotFound
from tests.cli.conftest import Cli


def test_create_json_is_the_new_version(cli: Cli, client: Client) -> None:
    client.create_registered_model("Unicorn")
    data = cli.json(
        "versions", "create", "Unicorn", "--source", "runs:/abc/model", "--run-id", "abc",
        "--tag", "ok=yes", "--description", "first",
    )  # fmt: skip
    assert data["version"] == 1
    assert data["current_stage"] == "None"
    assert data["status"] == "READY"
    assert (data["source"], data["run_id"]) == ("runs:/abc/model", "abc")
    assert (data["tags"], data["description"]) == ({"ok": "yes"}, "first")
    assert client.get_model_version("Unicorn", 1).run_id == "abc"


def test_create_table_shows_the_version(cli: Cli, client: Client) -> None:
    client.create_registered_model("Unicorn")
    result = cli("versions", "create", "Unicorn", "--source", "s3://b/model")
    assert result.exit_code == 0, result.output
    assert "Unicorn version 1" in result.stdout
    assert "s3://b/model" in result.stdout


def test_create_needs_a_source(cli: Cli, client: Client) -> None:
    client.create_registered_model("Unicorn")
    result = cli("versions", "create", "Unicorn")
    assert result.exit_code == 2
    assert "--source" in result.stderr


def test_create_for_a_missing_model_exits_2(cli: Cli) -> None:
    result = cli("versions", "create", "Nope", "--source", "runs:/abc/model")
    assert result.exit_code == 2
    assert "Error: Registered Model with name=Nope not found" in result.stderr


def test_list_by_name_shows_that_models_versions(cli: Cli, unicorn: Client) -> None:
    unicorn.create_registered_model("Pegasus")
    unicorn.create_model_version("Pegasus", "runs:/peg/model")
    data = cli.json("versions", "list", "Unicorn")
    assert set(data) == {"model_versions", "next_page_token"}
    assert sorted(v["version"] for v in data["model_versions"]) == [1, 2, 3]
    assert {v["name"] for v in data["model_versions"]} == {"Unicorn"}


def test_list_table(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "list", "Unicorn")
    assert result.exit_code == 0, result.output
    for text in ("runs:/r1/model", "runs:/r3/model", "Production", "champion"):
        assert text in result.stdout


def test_list_with_a_filter_only(cli: Cli, unicorn: Client) -> None:
    data = cli.json("versions", "list", "--filter", "run_id = 'r2'")
    assert [(v["name"], v["version"]) for v in data["model_versions"]] == [("Unicorn", 2)]


def test_list_combines_name_and_filter(cli: Cli, unicorn: Client) -> None:
    unicorn.create_registered_model("Pegasus")
    unicorn.create_model_version("Pegasus", "runs:/r2/model", run_id="r2")
    data = cli.json("versions", "list", "Pegasus", "--filter", "run_id = 'r2'")
    assert [(v["name"], v["version"]) for v in data["model_versions"]] == [("Pegasus", 1)]


def test_list_pages_and_orders(cli: Cli, unicorn: Client) -> None:
    args = ("versions", "list", "Unicorn", "--order-by", "version_number", "--max-results", "2")
    first = cli.json(*args)
    assert [v["version"] for v in first["model_versions"]] == [1, 2]
    second = cli.json(*args, "--page-token", first["next_page_token"])
    assert [v["version"] for v in second["model_versions"]] == [3]
    assert second["next_page_token"] is None


def test_list_without_name_or_filter_is_a_usage_error(cli: Cli) -> None:
    result = cli("versions", "list")
    assert result.exit_code == 2
    assert "give a model NAME, a --filter, or both" in result.stderr


def test_list_with_a_bad_filter_exits_2(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "list", "--filter", "flavor = 'x'")
    assert result.exit_code == 2
    assert "Error: Invalid filter string" in result.stderr


def test_get_json_is_the_version(cli: Cli, unicorn: Client) -> None:
    data = cli.json("versions", "get", "Unicorn", "2")
    assert (data["name"], data["version"], data["aliases"]) == ("Unicorn", 2, ["champion"])


def test_get_missing_version_exits_2(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "get", "Unicorn", "9")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: Model Version (name=Unicorn, version=9) not found (RESOURCE_DOES_NOT_EXIST)"
    )


@pytest.mark.parametrize("version", ["abc", "0"])
def test_get_bad_version_number_exits_2(cli: Cli, unicorn: Client, version: str) -> None:
    result = cli("versions", "get", "Unicorn", version)
    assert result.exit_code == 2
    assert "version" in result.stderr.lower()


def test_transition_moves_the_version(cli: Cli, unicorn: Client) -> None:
    data = cli.json("versions", "transition", "Unicorn", "3", "staging")
    assert data["current_stage"] == "Staging"
    assert unicorn.get_model_version("Unicorn", 3).current_stage is Stage.STAGING


def test_transition_table_shows_the_new_stage(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "transition", "Unicorn", "3", "Archived")
    assert result.exit_code == 0, result.output
    assert "Archived" in result.stdout


def test_transition_archive_existing(cli: Cli, unicorn: Client) -> None:
    cli.json("versions", "transition", "Unicorn", "3", "Production", "--archive-existing")
    assert unicorn.get_model_version("Unicorn", 1).current_stage is Stage.ARCHIVED


def test_transition_without_archive_existing_keeps_others(cli: Cli, unicorn: Client) -> None:
    cli.json("versions", "transition", "Unicorn", "3", "Production")
    assert unicorn.get_model_version("Unicorn", 1).current_stage is Stage.PRODUCTION


def test_transition_to_a_bad_stage_exits_2(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "transition", "Unicorn", "3", "Prod")
    assert result.exit_code == 2
    assert "Error: Invalid Model Version stage: Prod." in result.stderr
    assert "(INVALID_PARAMETER_VALUE)" in result.stderr
    assert unicorn.get_model_version("Unicorn", 3).current_stage is Stage.NONE


def test_set_alias_points_it_at_the_version(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "set-alias", "Unicorn", "champion", "3")
    assert result.exit_code == 0, result.output
    assert "Alias 'champion' of 'Unicorn' now points at version 3." in result.stdout
    assert unicorn.get_model_version_by_alias("Unicorn", "champion").version == 3


def test_set_alias_json(cli: Cli, unicorn: Client) -> None:
    data = cli.json("versions", "set-alias", "Unicorn", "blue", "1")
    assert data == {"name": "Unicorn", "alias": "blue", "version": 1}
    assert unicorn.get_model_version_by_alias("Unicorn", "blue").version == 1


def test_set_reserved_alias_exits_2(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "set-alias", "Unicorn", "latest", "1")
    assert result.exit_code == 2
    assert "'latest' alias name (case insensitive) is reserved." in result.stderr


def test_delete_alias(cli: Cli, unicorn: Client) -> None:
    data = cli.json("versions", "delete-alias", "Unicorn", "champion")
    assert data == {"name": "Unicorn", "alias": "champion", "deleted": True}
    with pytest.raises(AliasNotFound):
        unicorn.get_model_version_by_alias("Unicorn", "champion")


def test_delete_alias_table_says_so(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "delete-alias", "Unicorn", "champion")
    assert result.exit_code == 0, result.output
    assert "Deleted alias 'champion' of 'Unicorn'." in result.stdout


def test_delete_asks_and_deletes_on_yes(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "delete", "Unicorn", "3", input="y\n")
    assert result.exit_code == 0, result.output
    assert "Delete version 3 of 'Unicorn'?" in result.stderr
    assert "Deleted version 3 of 'Unicorn'." in result.stdout
    with pytest.raises(ModelVersionNotFound):
        unicorn.get_model_version("Unicorn", 3)


def test_delete_declined_keeps_the_version(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "delete", "Unicorn", "3", input="n\n")
    assert result.exit_code == 1
    assert unicorn.get_model_version("Unicorn", 3).version == 3


def test_delete_with_yes_does_not_ask(cli: Cli, unicorn: Client) -> None:
    data = cli.json("versions", "delete", "Unicorn", "3", "--yes")
    assert data == {"name": "Unicorn", "version": 3, "deleted": True}
    with pytest.raises(ModelVersionNotFound):
        unicorn.get_model_version("Unicorn", 3)


def test_delete_missing_version_exits_2(cli: Cli, unicorn: Client) -> None:
    result = cli("versions", "delete", "Unicorn", "9", "--yes")
    assert result.exit_code == 2
    assert "Model Version (name=Unicorn, version=9) not found" in result.stderr
