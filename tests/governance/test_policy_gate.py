"""The policy gate: every rule refuses the moves that break it, naming itself, and a refused
move changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelreg.entities import Stage
from modelreg.entities.permissions import Permission
from modelreg.errors import PermissionDenied, PolicyViolation
from modelreg.governance.policies import MetricThreshold, PromotionPolicy, PromotionTarget
from modelreg.governance.service import GovernanceService
from modelreg.models import ColSpec, ModelSignature, Schema
from modelreg.service import RegistryService, TrackingService
from tests.governance.conftest import as_user, history, logged_run, model_folder

PRODUCTION = PromotionTarget.of(stage="Production")
CHAMPION = PromotionTarget.of(alias="champion")

SIGNATURE = ModelSignature(
    Schema([ColSpec("double", "x"), ColSpec("long", "y"), ColSpec("string", "z", required=False)]),
    Schema([ColSpec("double", "score")]),
)


def signature(*inputs: ColSpec, output: str = "double") -> ModelSignature:
    return ModelSignature(Schema(list(inputs)), Schema([ColSpec(output, "score")]))


@pytest.fixture
def unicorn(governed: RegistryService) -> RegistryService:
    """The model Unicorn, created by the administrator."""
    with as_user("root"):
        governed.create_registered_model("Unicorn")
    return governed


def add_version(
    registry: RegistryService,
    tmp_path: Path,
    signature: ModelSignature | None = SIGNATURE,
    *,
    run_id: str | None = None,
    tags: dict[str, str] | None = None,
) -> int:
    with as_user("root"):
        number = len(registry.search_model_versions("name = 'Unicorn'")) + 1
        location = model_folder(tmp_path, f"v{number}", signature)
        version = registry.create_model_version(
            "Unicorn", location, run_id, tags, storage_location=location
        )
    return version.version


def declare(governance: GovernanceService, **rules: object) -> None:
    target = rules.pop("target", PRODUCTION)
    assert isinstance(target, PromotionTarget)
    with as_user("root"):
        governance.set_promotion_policy(PromotionPolicy(target, "Unicorn", **rules))  # type: ignore[arg-type]


def stage_of(registry: RegistryService, version: int) -> Stage:
    with as_user("root"):
        return registry.get_model_version("Unicorn", version).current_stage


def test_without_a_policy_every_move_passes(unicorn: RegistryService, tmp_path: Path) -> None:
    add_version(unicorn, tmp_path)
    add_version(unicorn, tmp_path, signature(ColSpec("float", "x")))
    with as_user("ed"):
        unicorn.transition_model_version_stage("Unicorn", 1, "Production")
        unicorn.transition_model_version_stage("Unicorn", 2, "Production", True)
        unicorn.set_registered_model_alias("Unicorn", "champion", 1)
    assert stage_of(unicorn, 2) is Stage.PRODUCTION


def test_an_editor_is_refused_a_protected_stage_and_a_manager_passes(
    unicorn: RegistryService, governance: GovernanceService, tmp_path: Path
) -> None:
    add_version(unicorn, tmp_path)
    declare(governance, required_role=Permission.MANAGE)
    with as_user("ed"), pytest.raises(PolicyViolation) as refused:
        unicorn.transition_model_version_stage("Unicorn", 1, "Production")
    assert refused.value.rule == "role"
    assert "needs MANAGE permission (held: EDIT)" in refused.value.message
    assert "transition request" in refused.value.message
    with as_user("ed"):  # other stages stay open
        unicorn.transition_model_version_stage("Unicorn", 1, "Staging")
    with as_user("mia"):
        unicorn.transition_model_version_stage("Unicorn", 1, "Production")
    assert stage_of(unicorn, 1) is Stage.PRODUCTION


def test_a_refused_move_changes_nothing(
    unicorn: RegistryService, governance: GovernanceService, tmp_path: Path
) -> None:
    add_version(unicorn, tmp_path)
    add_version(unicorn, tmp_path)
    with as_user("mia"):
        unicorn.transition_model_version_stage("Unicorn", 1, "Production")
    declare(governance, required_role=Permission.MANAGE)
    before_model = _model(unicorn)
    before_events = history(unicorn, "Unicorn")
    with as_user("ed"), pytest.raises(PolicyViolation):
        unicorn.transition_model_version_stage("Unicorn", 2, "Production", True)
    assert _model(unicorn) == before_model
    assert history(unicorn, "Unicorn") == before_events
    assert (stage_of(unicorn, 1), stage_of(unicorn, 2)) == (Stage.PRODUCTION, Stage.NONE)


def _model(registry: RegistryService) -> object:
    with as_user("root"):
        return registry.get_registered_model("Unicorn")


def test_metric_thresholds_read_the_source_run(
    unicorn: RegistryService,
    governance: GovernanceService,
    tracking: TrackingService,
    tmp_path: Path,
) -> None:
    weak = logged_run(tracking, r2=0.84, rmse=0.3)
    strong = logged_run(tracking, r2=0.93, rmse=0.2)
    add_version(unicorn, tmp_path, run_id=weak)
    add_version(unicorn, tmp_path, run_id=strong)
    add_version(unicorn, tmp_path)  # no run
    declare(
        governance,
        metric_thresholds=(MetricThreshold.parse("r2 >= 0.9"), MetricThreshold.parse("rmse < 0.5")),
    )
    with as_user("mia"):
        with pytest.raises(PolicyViolation) as refused:
            unicorn.transition_model_version_stage("Unicorn", 1, "Production")
        assert refused.value.rule == "metric:r2"
        assert f"metric r2 of run {weak} = 0.84 < 0.9" in refused.value.message
        with pytest.raises(PolicyViolation, match="has no source run") as no_run:
            unicorn.transition_model_version_stage("Unicorn", 3, "Production")
        assert no_run.value.rule == "metric:r2"
        unicorn.transition_model_version_stage("Unicorn", 2, "Production")
    assert stage_of(unicorn, 2) is Stage.PRODUCTION


def test_a_metric_missing_from_the_run_refuses(
    unicorn: RegistryService,
    governance: GovernanceService,
    tracking: TrackingService,
    tmp_path: Path,
) -> None:
    add_version(unicorn, tmp_path, run_id=logged_run(tracking, accuracy=0.99))
    declare(governance, metric_thresholds=(MetricThreshold.parse("metrics.auc != 0"),))
    with as_user("mia"), pytest.raises(PolicyViolation, match="has no metric auc") as refused:
        unicorn.transition_model_version_stage("Unicorn", 1, "Production")
    assert refused.value.rule == "metric:auc"


def test_required_tags_must_hold_their_value(
    unicorn: RegistryService, governance: GovernanceService, tmp_path: Path
) -> None:
    add_version(unicorn, tmp_path, tags={"validation_status": "pending"})
    declare(governance, required_tags={"validation_status": "approved"})
    with as_user("mia"):
        with pytest.raises(PolicyViolation) as refused:
            unicorn.transition_model_version_stage("Unicorn", 1, "Production")
        assert refused.value.rule == "tag:validation_status"
        assert "is 'pending'" in refused.value.message
        unicorn.set_model_version_tag("Unicorn", 1, "validation_status", "approved")
        unicorn.transition_model_version_stage("Unicorn", 1, "Production")
    assert stage_of(unicorn, 1) is Stage.PRODUCTION


def test_a_required_signature_must_be_in_the_mlmodel(
    unicorn: RegistryService, governance: GovernanceService, tmp_path: Path
) -> None:
    add_version(unicorn, tmp_path, signature=None)
    add_version(unicorn, tmp_path)
    declare(governance, require_signature=True)
    with as_user("mia"):
        with pytest.raises(PolicyViolation, match="needs a model signature") as refused:
            unicorn.transition_model_version_stage("Unicorn", 1, "Production")
        assert refused.value.rule == "signature"
        unicorn.transition_model_version_stage("Unicorn", 2, "Production")


@pytest.mark.parametrize(
    ("candidate", "change"),
    [
        (signature(ColSpec("double", "x"), ColSpec("string", "z", False)), "input 'y' was dropped"),
        (
            signature(
                ColSpec("double", "x"), ColSpec("long", "why"), ColSpec("string", "z", False)
            ),
            "input 'y' was dropped or renamed",
        ),
        (
            signature(ColSpec("float", "x"), ColSpec("long", "y"), ColSpec("string", "z", False)),
            "input 'x' narrowed from double to float",
        ),
        (
            signature(
                ColSpec("double", "x"), ColSpec("integer", "y"), ColSpec("string", "z", False)
            ),
            "input 'y' narrowed from long to integer",
        ),
        (
            signature(ColSpec("double", "x"), ColSpec("long", "y"), ColSpec("string", "z")),
            "optional input 'z' became required",
        ),
        (
            signature(
                ColSpec("double", "x"),
                ColSpec("long", "y"),
                ColSpec("string", "z", False),
                output="long",
            ),
            "output 'score' changed from double to long",
        ),
    ],
)
def test_a_breaking_signature_is_blocked_from_production_unless_a_manager_forces_it(
    unicorn: RegistryService,
    governance: GovernanceService,
    tmp_path: Path,
    candidate: ModelSignature,
    change: str,
) -> None:
    add_version(unicorn, tmp_path)
    add_version(unicorn, tmp_path, candidate)
    with as_user("mia"):
        unicorn.transition_model_version_stage("Unicorn", 1, "Production")
    declare(governance, contract_check=True)
    with as_user("mia"), pytest.raises(PolicyViolation) as refused:
        unicorn.transition_model_version_stage("Unicorn", 2, "Production", True)
    assert refused.value.rule == "contract"
    assert change in refused.value.message
    assert "contract of version 1, which holds stage Production" in refused.value.message
    assert stage_of(unicorn, 2) is Stage.NONE
    with as_user("ed"), pytest.raises(PermissionDenied) as denied:  # forcing needs MANAGE
        unicorn.transition_model_version_stage("Unicorn", 2, "Production", True, force=True)
    assert not isinstance(denied.value, PolicyViolation)
    with as_user("mia"):
        unicorn.transition_model_version_stage("Unicorn", 2, "Production", True, force=True)
    assert (stage_of(unicorn, 1), stage_of(unicorn, 2)) == (Stage.ARCHIVED, Stage.PRODUCTION)


def test_a_compatible_signature_passes_the_contract(
    unicorn: RegistryService, governance: GovernanceService, tmp_path: Path
) -> None:
    add_version(unicorn, tmp_path)
    widened = signature(
        ColSpec("double", "x"),
        ColSpec("long", "y"),
        ColSpec("string", "z", required=False),
        ColSpec("boolean", "extra", required=False),
    )
    add_version(unicorn, tmp_path, widened)
    declare(governance, contract_check=True)
    with as_user("mia"):
        unicorn.transition_model_version_stage("Unicorn", 1, "Production")
        unicorn.transition_model_version_stage("Unicorn", 2, "Production", True)
    assert stage_of(unicorn, 2) is Stage.PRODUCTION


def test_alias_policies_guard_the_alias(
    unicorn: RegistryService, governance: GovernanceService, tmp_path: Path
) -> None:
    add_version(unicorn, tmp_path)
    add_version(unicorn, tmp_path, signature(ColSpec("double", "x")))
    declare(governance, target=CHAMPION, required_role=Permission.MANAGE, contract_check=True)
    with as_user("ed"):
        with pytest.raises(PolicyViolation) as refused:
            unicorn.set_registered_model_alias("Unicorn", "champion", 1)
        assert (refused.value.rule, "alias @champion" in refused.value.message) == ("role", True)
        unicorn.set_registered_model_alias("Unicorn", "challenger", 2)  # not protected
        unicorn.transition_model_version_stage("Unicorn", 1, "Production")  # neither is this
    with as_user("mia"):
        unicorn.set_registered_model_alias("Unicorn", "champion", 1)
        with pytest.raises(PolicyViolation, match="input 'y' was dropped") as broken:
            unicorn.set_registered_model_alias("Unicorn", "champion", 2)
        assert broken.value.rule == "contract"
        assert unicorn.get_model_version_by_alias("Unicorn", "champion").version == 1


def test_a_global_policy_applies_where_a_model_declares_none(
    governed: RegistryService, governance: GovernanceService, tmp_path: Path
) -> None:
    with as_user("root"):
        governed.create_registered_model("Unicorn")
        governed.create_registered_model("Pegasus")
        for name in ("Unicorn", "Pegasus"):
            governed.create_model_version(name, f"s3://bucket/{name}")
        governance.set_promotion_policy(
            PromotionPolicy(PRODUCTION, required_role=Permission.MANAGE)
        )
        # Pegasus's own policy replaces the global one for its Production (no merging).
        governance.set_promotion_policy(PromotionPolicy(PRODUCTION, "Pegasus"))
    with as_user("ed"):
        with pytest.raises(PolicyViolation, match="needs MANAGE"):
            governed.transition_model_version_stage("Unicorn", 1, "Production")
        governed.transition_model_version_stage("Pegasus", 1, "Production")
