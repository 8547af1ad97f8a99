"""``modelreg policies`` and ``modelreg requests`` on a local SQLite registry, and the policy
gate behind ``modelreg versions transition`` (the default gate of every local backend)."""

from __future__ import annotations

import pytest

from modelreg.client import Client
from tests.cli_fixtures import Cli
from tests.governance.conftest import as_user


@pytest.fixture
def client(client: Client) -> Client:
    """Unicorn with versions 1 and 2 (on the CLI's registry)."""
    client.create_registered_model("Unicorn")
    client.create_model_version("Unicorn", "s3://bucket/v1")
    client.create_model_version("Unicorn", "s3://bucket/v2")
    return client


def test_policies_are_set_shown_and_deleted(cli: Cli, client: Client) -> None:
    policy = cli.json(
        "policies",
        "set",
        "Unicorn",
        "--stage",
        "Production",
        "--role",
        "MANAGE",
        "--approvals",
        "1",
        "--require-signature",
        "--require-tag",
        "validation_status=approved",
        "--require-metric",
        "r2 >= 0.9",
        "--contract",
    )["policies"][0]
    assert policy == {
        "name": "Unicorn",
        "stage": "Production",
        "required_role": "MANAGE",
        "required_approvals": 1,
        "require_signature": True,
        "required_tags": [{"key": "validation_status", "value": "approved"}],
        "metric_thresholds": ["r2 >= 0.9"],
        "contract_check": True,
    }
    assert cli.json("policies", "get", "Unicorn") == {"policies": [policy]}
    assert cli.json("policies", "get", "Unicorn", "--stage", "Production") == {"policies": [policy]}
    table = cli("policies", "get", "Unicorn")
    assert "stage Production" in table.stdout
    assert "r2 >= 0.9" in table.stdout
    cli.json("policies", "set", "--global", "--alias", "champion", "--approvals", "2")
    effective = cli.json("policies", "get", "Unicorn", "--alias", "champion", "--effective")
    assert effective["policies"][0]["name"] is None
    deleted = cli("policies", "delete", "Unicorn", "--stage", "Production")
    assert deleted.stdout.strip() == "Deleted the policy of stage Production (model 'Unicorn')."
    assert cli("policies", "get", "Unicorn").stdout.strip() == "No promotion policy."


def test_bad_policies_end_the_command_with_the_reason(cli: Cli, client: Client) -> None:
    both = cli("policies", "set", "Unicorn", "--global", "--stage", "Production")
    assert both.exit_code == 2
    assert "give a model NAME or --global" in both.output
    bad_metric = cli(
        "policies", "set", "Unicorn", "--stage", "Production", "--require-metric", "r2"
    )
    assert bad_metric.exit_code == 2
    assert "Error: Invalid metric threshold 'r2'" in bad_metric.stderr
    missing = cli("policies", "get", "Unicorn", "--alias", "champion")
    assert missing.exit_code == 2
    assert "No promotion policy for alias @champion" in missing.stderr


def test_the_transition_command_is_refused_by_the_policy_naming_the_rule(
    cli: Cli, client: Client
) -> None:
    cli.json("policies", "set", "Unicorn", "--stage", "Production", "--require-tag", "qa=passed")
    refused = cli("versions", "transition", "Unicorn", "1", "Production")
    assert refused.exit_code == 1
    assert "Refused by rule 'tag:qa'" in refused.stderr
    assert "(PERMISSION_DENIED)" in refused.stderr
    client.set_model_version_tag("Unicorn", 1, "qa", "passed")
    assert cli("versions", "transition", "Unicorn", "1", "Production").exit_code == 0


def test_requests_are_created_listed_and_approved_by_another_user(cli: Cli, client: Client) -> None:
    cli.json("policies", "set", "Unicorn", "--stage", "Production", "--approvals", "1")
    with as_user("ed"):
        created = cli.json(
            "requests", "create", "Unicorn", "1", "--stage", "Production", "--comment", "ready"
        )
        own = cli("requests", "approve", str(created["id"]))
    assert (created["state"], created["requester"], created["comment"]) == (
        "pending",
        "ed",
        "ready",
    )
    assert own.exit_code == 1
    assert "cannot approve it" in own.stderr
    listed = cli.json("requests", "list", "Unicorn")
    assert [r["id"] for r in listed["transition_requests"]] == [created["id"]]
    table = cli("requests", "list")
    assert "stage Production" in table.stdout
    assert "pending" in table.stdout
    with as_user("mia"):
        approved = cli.json("requests", "approve", str(created["id"]), "--comment", "go")
    assert (approved["state"], approved["approvals"][0]["approver"]) == ("approved", "mia")
    assert client.get_model_version("Unicorn", 1).current_stage == "Production"
    assert cli.json("requests", "list")["transition_requests"] == []
    shown = cli.json("requests", "get", str(created["id"]))
    assert shown["state"] == "approved"


def test_requests_are_rejected_and_cancelled(cli: Cli, client: Client) -> None:
    with as_user("ed"):
        first = cli.json("requests", "create", "Unicorn", "1", "--alias", "champion")
        second = cli.json("requests", "create", "Unicorn", "2", "--stage", "Staging")
    with as_user("mia"):
        rejected = cli.json("requests", "reject", str(first["id"]), "--comment", "not yet")
    with as_user("ed"):
        cancelled = cli.json("requests", "cancel", str(second["id"]))
        again = cli("requests", "cancel", str(second["id"]))
    assert (rejected["state"], rejected["resolution"]) == ("rejected", "not yet")
    assert cancelled["state"] == "cancelled"
    assert again.exit_code == 1
    assert "no longer pending" in again.stderr
    every = cli.json("requests", "list", "--state", "all")["transition_requests"]
    assert [r["state"] for r in every] == ["rejected", "cancelled"]
