"""Declaring promotion policies: per model and global, who may, validation, and the audit log.
On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from modelreg.entities.permissions import Permission
from modelreg.errors import InvalidParameterValue, PermissionDenied, RegisteredModelNotFound
from modelreg.governance.errors import PolicyNotFound
from modelreg.governance.policies import MetricThreshold, PromotionPolicy, PromotionTarget
from modelreg.governance.service import GovernanceService
from modelreg.service import RegistryService
from modelreg.store.sql.audit_tables import registry_events
from tests.governance.conftest import as_user, history

PRODUCTION = PromotionTarget.of(stage="production")
CHAMPION = PromotionTarget.of(alias="champion")


@pytest.fixture
def unicorn(governed: RegistryService) -> RegistryService:
    with as_user("root"):
        governed.create_registered_model("Unicorn")
    return governed


def full_policy(name: str | None = "Unicorn") -> PromotionPolicy:
    return PromotionPolicy(
        PRODUCTION,
        name,
        required_role=Permission.MANAGE,
        required_approvals=2,
        require_signature=True,
        required_tags={"validation_status": "approved"},
        metric_thresholds=(MetricThreshold.parse("r2 >= 0.9"), MetricThreshold.parse("loss<1")),
        contract_check=True,
    )


def test_a_policy_is_stored_and_read_back(
    unicorn: RegistryService, governance: GovernanceService
) -> None:
    with as_user("mia"):
        stored = governance.set_promotion_policy(full_policy())
    assert stored == full_policy()
    with as_user("rita"):
        assert governance.get_promotion_policy("Unicorn", stage="Production") == stored
        assert governance.list_promotion_policies("Unicorn") == [stored]
        assert governance.list_promotion_policies() == []
        with pytest.raises(PolicyNotFound, match="No promotion policy for alias @champion"):
            governance.get_promotion_policy("Unicorn", alias="champion")


def test_setting_a_policy_again_replaces_it(
    unicorn: RegistryService, governance: GovernanceService
) -> None:
    with as_user("mia"):
        governance.set_promotion_policy(full_policy())
        relaxed = governance.set_promotion_policy(PromotionPolicy(PRODUCTION, "Unicorn"))
        champion = governance.set_promotion_policy(
            PromotionPolicy(CHAMPION, "Unicorn", required_approvals=1)
        )
        assert governance.list_promotion_policies("Unicorn") == [champion, relaxed]
    assert champion.required_role is Permission.MANAGE  # approvals protect the target


def test_the_model_policy_replaces_the_global_one(
    unicorn: RegistryService, governance: GovernanceService
) -> None:
    with as_user("root"):
        global_policy = governance.set_promotion_policy(full_policy(None))
        assert governance.get_effective_promotion_policy("Unicorn", stage="Production") == (
            global_policy
        )
        own = governance.set_promotion_policy(PromotionPolicy(PRODUCTION, "Unicorn"))
        assert governance.get_effective_promotion_policy("Unicorn", stage="Production") == own
        assert governance.get_effective_promotion_policy("Unicorn", stage="Staging") is None
        governance.delete_promotion_policy("Unicorn", stage="Production")
        assert governance.get_effective_promotion_policy("Unicorn", stage="Production") == (
            global_policy
        )
        assert governance.list_promotion_policies() == [global_policy]


def test_managers_set_model_policies_and_administrators_global_ones(
    unicorn: RegistryService, governance: GovernanceService
) -> None:
    with as_user("ed"), pytest.raises(PermissionDenied):
        governance.set_promotion_policy(full_policy())
    with as_user("mia"):
        governance.set_promotion_policy(full_policy())
        with pytest.raises(PermissionDenied, match="Only an administrator"):
            governance.set_promotion_policy(full_policy(None))
        with pytest.raises(PermissionDenied, match="Only an administrator"):
            governance.delete_promotion_policy(stage="Production")
    with as_user("ed"), pytest.raises(PermissionDenied):
        governance.delete_promotion_policy("Unicorn", stage="Production")
    with as_user("nobody"), pytest.raises(PermissionDenied):
        governance.get_promotion_policy("Unicorn", stage="Production")
    with as_user("root"), pytest.raises(RegisteredModelNotFound):
        governance.set_promotion_policy(full_policy("Pegasus"))


def test_policy_changes_are_audited(
    unicorn: RegistryService, governance: GovernanceService
) -> None:
    with as_user("mia"):
        governance.set_promotion_policy(PromotionPolicy(PRODUCTION, "Unicorn"))
        governance.set_promotion_policy(full_policy())
        governance.delete_promotion_policy("Unicorn", stage="Production")
    with as_user("root"):
        governance.set_promotion_policy(full_policy(None))
    created, replaced, deleted = history(unicorn, "Unicorn")[1:]
    assert [(e.name, e.actor) for e in (created, replaced, deleted)] == [
        ("policy.set", "mia"),
        ("policy.set", "mia"),
        ("policy.deleted", "mia"),
    ]
    assert (created.before, replaced.before) == (None, created.after)
    assert replaced.after is not None
    assert replaced.after["metric_thresholds"] == [
        "r2 >= 0.9",
        "loss < 1",
    ]
    assert (deleted.before, deleted.after, deleted.data) == (
        replaced.after,
        None,
        {"stage": "Production"},
    )
    events = registry_events
    with unicorn.store.read() as tx:
        global_events = tx.connection.execute(
            sa.select(events.c.actor, events.c.action, events.c.model_id).where(
                events.c.entity == "policy", events.c.model_name == ""
            )
        ).all()
    assert [tuple(row) for row in global_events] == [("root", "set", None)]


def test_policies_are_validated() -> None:
    with pytest.raises(InvalidParameterValue, match="exactly one of 'stage' and 'alias'"):
        PromotionTarget.of("Production", "champion")
    with pytest.raises(InvalidParameterValue, match="Invalid Model Version stage"):
        PromotionTarget.of(stage="Prod")
    with pytest.raises(InvalidParameterValue, match="must be EDIT or MANAGE"):
        PromotionPolicy(PRODUCTION, required_role=Permission.READ)
    with pytest.raises(InvalidParameterValue, match="non-negative"):
        PromotionPolicy(PRODUCTION, required_approvals=-1)
    with pytest.raises(InvalidParameterValue, match="at most 20"):
        PromotionPolicy(PRODUCTION, required_approvals=21)
    with pytest.raises(InvalidParameterValue, match="Invalid metric threshold"):
        MetricThreshold.parse("r2 => 0.9")
    with pytest.raises(InvalidParameterValue, match="is not a number"):
        MetricThreshold.parse("r2 >= high")
    with pytest.raises(InvalidParameterValue, match="finite"):
        MetricThreshold.parse("r2 >= nan")


@pytest.mark.parametrize(
    ("text", "metric", "operator", "value", "holds_at"),
    [
        ("r2 >= 0.9", "r2", ">=", 0.9, 0.9),
        ("metrics.r2>0.9", "r2", ">", 0.9, 0.91),
        ("val loss <= 1e-3", "val loss", "<=", 0.001, 0.0),
        ("rmse < 2", "rmse", "<", 2.0, 1.0),
        ("epochs == 10", "epochs", "==", 10.0, 10.0),
        ("drift != 0", "drift", "!=", 0.0, 0.5),
    ],
)
def test_metric_thresholds_parse_every_operator(
    text: str, metric: str, operator: str, value: float, holds_at: float
) -> None:
    threshold = MetricThreshold.parse(text)
    assert (threshold.metric, threshold.comparison.value, threshold.value) == (
        metric,
        operator,
        value,
    )
    assert threshold.comparison.holds(holds_at, threshold.value)
    assert not threshold.comparison.negation.holds(holds_at, threshold.value)
    assert MetricThreshold.parse(str(threshold)) == threshold
