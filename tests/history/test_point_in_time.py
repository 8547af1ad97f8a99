"""Point-in-time queries and rollback, replayed from the audit log."""

from __future__ import annotations

import pytest

from modelreg import Client
from modelreg.errors import InvalidParameterValue, ResourceNotFound
from tests.conftest import FakeClock


@pytest.fixture
def unicorn(client: Client) -> Client:
    client.create_registered_model("Unicorn")
    for index in range(1, 5):
        client.create_model_version("Unicorn", f"s3://bucket/v{index}")
    return client


def promote(client: Client, version: int, clock: FakeClock) -> int:
    """Move ``version`` to Production archiving the holder; the time just after the move."""
    client.transition_model_version_stage("Unicorn", version, "Production", True)
    return clock.now


def test_version_at_follows_a_sequence_of_promotions(unicorn: Client, clock: FakeClock) -> None:
    before_any = clock.now
    after_1 = promote(unicorn, 1, clock)
    after_2 = promote(unicorn, 2, clock)
    unicorn.transition_model_version_stage("Unicorn", 2, "Archived")
    emptied = clock.now
    after_3 = promote(unicorn, 3, clock)
    at = unicorn.get_model_version_at
    assert at("Unicorn", before_any, stage="Production") is None
    assert at("Unicorn", after_1, stage="Production") == 1
    assert at("Unicorn", after_2, stage="Production") == 2
    assert at("Unicorn", emptied, stage="Production") is None
    assert at("Unicorn", after_3, stage="Production") == 3
    assert at("Unicorn", after_3, stage="Archived") == 2


def test_version_at_for_an_alias(unicorn: Client, clock: FakeClock) -> None:
    unicorn.set_registered_model_alias("Unicorn", "champion", 1)
    first = clock.now
    unicorn.set_registered_model_alias("Unicorn", "champion", 3)
    second = clock.now
    unicorn.delete_registered_model_alias("Unicorn", "champion")
    assert unicorn.get_model_version_at("Unicorn", first, alias="champion") == 1
    assert unicorn.get_model_version_at("Unicorn", second, alias="champion") == 3
    assert unicorn.get_model_version_at("Unicorn", clock.now, alias="champion") is None


def test_version_at_needs_exactly_one_target(unicorn: Client, clock: FakeClock) -> None:
    with pytest.raises(InvalidParameterValue, match="exactly one"):
        unicorn.get_model_version_at("Unicorn", clock.now)
    with pytest.raises(InvalidParameterValue, match="exactly one"):
        unicorn.get_model_version_at("Unicorn", clock.now, stage="Production", alias="x")


def test_rollback_restores_the_previous_production_version(
    unicorn: Client, clock: FakeClock
) -> None:
    promote(unicorn, 1, clock)
    promote(unicorn, 2, clock)
    rolled = unicorn.rollback_model_version("Unicorn", stage="Production")
    assert (rolled.version, rolled.current_stage.value) == (1, "Production")
    assert unicorn.get_model_version("Unicorn", 2).current_stage.value == "Archived"
    assert [v.version for v in unicorn.get_latest_versions("Unicorn", ["Production"])] == [1]
    latest = unicorn.get_model_history("Unicorn")[0]
    assert (latest.name, latest.version, latest.after) == (
        "model_version_stage.transitioned",
        1,
        {"stage": "Production"},
    )
    # Rolling back the rollback returns to version 2.
    assert unicorn.rollback_model_version("Unicorn", stage="Production").version == 2


def test_rollback_of_an_alias(unicorn: Client) -> None:
    unicorn.set_registered_model_alias("Unicorn", "champion", 2)
    unicorn.set_registered_model_alias("Unicorn", "champion", 4)
    assert unicorn.rollback_model_version("Unicorn", alias="champion").version == 2
    assert unicorn.get_model_version_by_alias("Unicorn", "champion").version == 2


def test_rollback_skips_deleted_versions(unicorn: Client, clock: FakeClock) -> None:
    promote(unicorn, 1, clock)
    promote(unicorn, 2, clock)
    promote(unicorn, 3, clock)
    unicorn.delete_model_version("Unicorn", 2)
    assert unicorn.rollback_model_version("Unicorn", stage="Production").version == 1


def test_rollback_with_no_earlier_holder_is_refused(unicorn: Client, clock: FakeClock) -> None:
    with pytest.raises(ResourceNotFound, match="Nothing holds"):
        unicorn.rollback_model_version("Unicorn", stage="Production")
    promote(unicorn, 1, clock)
    with pytest.raises(ResourceNotFound, match="nothing to roll back to"):
        unicorn.rollback_model_version("Unicorn", stage="Production")
