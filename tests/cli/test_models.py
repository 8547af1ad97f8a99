"""``modelreg models ...``: tables, JSON, paging, filters, errors and delete confirmation."""

from __future__ import annotations

import pytest

from modelreg.client import Client
from modelreg.errors import RegisteredModelNotFound
from tests.cli.conftest import Cli


def test_create_prints_the_new_model(cli: Cli) -> None:
    result = cli("models", "create", "Unicorn", "--description", "A horse", "--tag", "team=ai")
    assert result.exit_code == 0, result.output
    assert "Registered model Unicorn" in result.stdout
    assert "A horse" in result.stdout
    assert "team=ai" in result.stdout


def test_create_json_is_the_model_object(cli: Cli, client: Client) -> None:
    data = cli.json("models", "create", "Unicorn", "--tag", "team=ai", "--tag", "tier=1=gold")
    assert data["name"] == "Unicorn"
    assert data["tags"] == {"team": "ai", "tier": "1=gold"}
    assert data["latest_versions"] == []
    assert data["aliases"] == {}
    assert client.get_registered_model("Unicorn").tags == {"team": "ai", "tier": "1=gold"}


def test_create_existing_model_exits_2_with_the_error(cli: Cli, unicorn: Client) -> None:
    result = cli("models", "create", "Unicorn")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: Registered Model (name=Unicorn) already exists. (RESOURCE_ALREADY_EXISTS)"
    )
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_tag_without_equals_sign_is_a_usage_error(cli: Cli, client: Client) -> None:
    result = cli("models", "create", "Unicorn", "--tag", "team")
    assert result.exit_code == 2
    assert "expected KEY=VALUE, got 'team'" in result.stderr
    assert client.search_registered_models() == []


def test_invalid_name_is_an_input_error(cli: Cli) -> None:
    result = cli("models", "create", "a/b")
    assert result.exit_code == 2
    assert "Invalid model name 'a/b'" in result.stderr
    assert "(INVALID_PARAMETER_VALUE)" in result.stderr


def test_list_shows_latest_versions_aliases_tags(cli: Cli, unicorn: Client) -> None:
    result = cli("models", "list")
    assert result.exit_code == 0, result.output
    for text in ("Unicorn", "Production: v1", "None: v3", "champion → v2", "team=growth"):
        assert text in result.stdout


def test_list_json_is_a_page_of_models(cli: Cli, unicorn: Client) -> None:
    data = cli.json("models", "list")
    assert set(data) == {"registered_models", "next_page_token"}
    assert data["next_page_token"] is None
    [model] = data["registered_models"]
    assert model["name"] == "Unicorn"
    assert model["aliases"] == {"champion": 2}
    stages = {v["version"]: v["current_stage"] for v in model["latest_versions"]}
    assert stages == {1: "Production", 3: "None"}


def test_list_pages_with_max_results_and_page_token(cli: Cli, client: Client) -> None:
    for name in ("A", "B", "C"):
        client.create_registered_model(name)
    first = cli.json("models", "list", "--max-results", "2")
    assert [m["name"] for m in first["registered_models"]] == ["A", "B"]
    assert first["next_page_token"]
    second = cli.json(
        "models", "list", "--max-results", "2", "--page-token", first["next_page_token"]
    )
    assert [m["name"] for m in second["registered_models"]] == ["C"]
    assert second["next_page_token"] is None


def test_list_table_tells_how_to_get_the_next_page(cli: Cli, client: Client) -> None:
    client.create_registered_model("A")
    client.create_registered_model("B")
    token = client.search_registered_models(max_results=1).token
    result = cli("models", "list", "--max-results", "1")
    assert f"More results: --page-token {token}" in result.stdout


def test_list_order_by(cli: Cli, client: Client) -> None:
    for name in ("A", "C", "B"):
        client.create_registered_model(name)
    data = cli.json("models", "list", "--order-by", "name DESC")
    assert [m["name"] for m in data["registered_models"]] == ["C", "B", "A"]


def test_bad_page_token_exits_2(cli: Cli) -> None:
    result = cli("models", "list", "--page-token", "garbage")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")


def test_search_filters_models(cli: Cli, client: Client) -> None:
    for name in ("Unicorn", "Unity", "Pegasus"):
        client.create_registered_model(name)
    data = cli.json("models", "search", "name LIKE 'Uni%'")
    assert [m["name"] for m in data["registered_models"]] == ["Unicorn", "Unity"]
    table = cli("models", "search", "name = 'Pegasus'").stdout
    assert "Pegasus" in table
    assert "Unicorn" not in table


def test_bad_filter_exits_2_with_the_parser_message(cli: Cli) -> None:
    result = cli("models", "search", "name LIKE")
    assert result.exit_code == 2
    assert "Invalid filter string 'name LIKE'" in result.stderr
    assert "Traceback" not in result.output


def test_get_shows_model_and_versions(cli: Cli, unicorn: Client) -> None:
    result = cli("models", "get", "Unicorn")
    assert result.exit_code == 0, result.output
    for text in ("Registered model Unicorn", "A horse", "champion → v2", "runs:/r3/model"):
        assert text in result.stdout
    assert "Production" in result.stdout


def test_get_json_holds_model_and_newest_versions_first(cli: Cli, unicorn: Client) -> None:
    data = cli.json("models", "get", "Unicorn", "--max-versions", "2")
    assert data["registered_model"]["name"] == "Unicorn"
    assert data["registered_model"]["description"] == "A horse"
    assert [v["version"] for v in data["model_versions"]] == [3, 2]
    assert data["next_page_token"] is not None


def test_get_only_shows_that_models_versions(cli: Cli, unicorn: Client) -> None:
    unicorn.create_registered_model("O'Brien")
    unicorn.create_model_version("O'Brien", "runs:/ob/model")
    data = cli.json("models", "get", "O'Brien")
    assert [(v["name"], v["version"]) for v in data["model_versions"]] == [("O'Brien", 1)]


def test_get_missing_model_exits_2_with_a_clear_message(cli: Cli) -> None:
    result = cli("models", "get", "Nope")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: Registered Model with name=Nope not found (RESOURCE_DOES_NOT_EXIST)"
    )


def test_rename_moves_the_model(cli: Cli, unicorn: Client) -> None:
    data = cli.json("models", "rename", "Unicorn", "Pegasus")
    assert data["name"] == "Pegasus"
    assert unicorn.get_model_version("Pegasus", 3).run_id == "r3"
    with pytest.raises(RegisteredModelNotFound):
        unicorn.get_registered_model("Unicorn")


def test_rename_table_shows_the_new_name(cli: Cli, unicorn: Client) -> None:
    result = cli("models", "rename", "Unicorn", "Pegasus")
    assert result.exit_code == 0, result.output
    assert "Registered model Pegasus" in result.stdout


def test_rename_onto_an_existing_model_exits_2(cli: Cli, unicorn: Client) -> None:
    unicorn.create_registered_model("Pegasus")
    result = cli("models", "rename", "Unicorn", "Pegasus")
    assert result.exit_code == 2
    assert "(RESOURCE_ALREADY_EXISTS)" in result.stderr


def test_delete_asks_and_deletes_on_yes(cli: Cli, unicorn: Client) -> None:
    result = cli("models", "delete", "Unicorn", input="y\n")
    assert result.exit_code == 0, result.output
    assert "Delete registered model 'Unicorn' with all its versions?" in result.stderr
    assert "Deleted registered model 'Unicorn'." in result.stdout
    assert unicorn.search_registered_models() == []


def test_delete_declined_keeps_the_model(cli: Cli, unicorn: Client) -> None:
    result = cli("models", "delete", "Unicorn", input="n\n")
    assert result.exit_code == 1
    assert unicorn.get_registered_model("Unicorn").name == "Unicorn"


def test_delete_with_yes_does_not_ask(cli: Cli, unicorn: Client) -> None:
    data = cli.json("models", "delete", "Unicorn", "--yes")
    assert data == {"name": "Unicorn", "deleted": True}
    assert unicorn.search_registered_models() == []


def test_delete_missing_model_exits_2(cli: Cli) -> None:
    result = cli("models", "delete", "Nope", "--yes")
    assert result.exit_code == 2
    assert "Registered Model with name=Nope not found" in result.stderr


def test_values_are_printed_as_written_not_as_rich_markup(cli: Cli, client: Client) -> None:
    client.create_registered_model("m[bold]x", tags={"color": "[red]"})
    table = cli("models", "list").stdout
    assert "m[bold]x" in table
    assert "color=[red]" in table
