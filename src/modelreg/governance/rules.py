"""The rules of a promotion policy, each a check that raises ``PolicyViolation`` naming itself.

Rule names, as ``PolicyViolation.rule`` gives them: ``role``, ``approvals``, ``signature``,
``tag:<key>``, ``metric:<name>`` and ``contract``. The checks are pure: the promotion gate
gathers the facts (permission, tags, metrics, signatures) and hands them in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from modelreg.entities import ModelVersion
from modelreg.entities.permissions import Permission
from modelreg.errors import PolicyViolation
from modelreg.governance.policies import PromotionPolicy, PromotionTarget
from modelreg.governance.signature_contract import breaking_changes
from modelreg.governance.transition_requests import TransitionRequest
from modelreg.models import ModelSignature

__all__ = [
    "require_approvals",
    "require_compatible_signature",
    "require_metrics",
    "require_role",
    "require_signature",
    "require_tags",
]


def _moving(version: ModelVersion, target: PromotionTarget) -> str:
    return f"version {version.version} of '{version.name}' into {target}"


def require_role(policy: PromotionPolicy, version: ModelVersion, held: Permission) -> None:
    """A direct move needs the policy's role; without it, a transition request is the way."""
    if policy.required_role is None or held.allows(policy.required_role):
        return
    raise PolicyViolation(
        "role",
        f"moving {_moving(version, policy.target)} needs {policy.required_role.value} "
        f"permission (held: {held.value}); create a transition request for a manager to "
        "approve instead",
    )


def require_approvals(policy: PromotionPolicy | None, request: TransitionRequest) -> None:
    """A move that carries out a request needs enough distinct managers' approvals."""
    needed = 1 if policy is None else policy.approvals_needed
    if len(request.approvals) < needed:
        raise PolicyViolation(
            "approvals",
            f"{request} has {len(request.approvals)} of the {needed} approvals it needs",
        )


def require_signature(
    policy: PromotionPolicy, version: ModelVersion, signature: ModelSignature | None
) -> None:
    """The version's ``MLmodel`` must declare a signature."""
    if signature is None:
        raise PolicyViolation(
            "signature",
            f"moving {_moving(version, policy.target)} needs a model signature, and the "
            "version's MLmodel has none",
        )


def require_tags(policy: PromotionPolicy, version: ModelVersion) -> None:
    """Every tag the policy names must be set on the version, to the required value."""
    for key, wanted in policy.required_tags.items():
        value = version.tags.get(key)
        if value != wanted:
            found = "is not set" if value is None else f"is '{value}'"
            raise PolicyViolation(
                f"tag:{key}",
                f"tag '{key}' of version {version.version} of '{version.name}' {found}; "
                f"{policy.target} requires '{wanted}'",
            )


def require_metrics(
    policy: PromotionPolicy, version: ModelVersion, metrics: Mapping[str, float]
) -> None:
    """Each threshold must hold for the latest value of the metric in the source run.

    ``metrics`` holds the run's latest values of the metrics the policy names.
    """
    for threshold in policy.metric_thresholds:
        rule = f"metric:{threshold.metric}"
        if version.run_id is None:
            raise PolicyViolation(
                rule,
                f"version {version.version} of '{version.name}' has no source run to read "
                f"metric {threshold.metric} from; {policy.target} requires {threshold}",
            )
        value = metrics.get(threshold.metric)
        if value is None:
            raise PolicyViolation(
                rule,
                f"run {version.run_id} has no metric {threshold.metric}; "
                f"{policy.target} requires {threshold}",
            )
        if math.isnan(value) or not threshold.comparison.holds(value, threshold.value):
            raise PolicyViolation(
                rule,
                f"metric {threshold.metric} of run {version.run_id} = {value:g} "
                f"{threshold.comparison.negation.value} {threshold.value:g}; "
                f"{policy.target} requires {threshold}",
            )


def require_compatible_signature(
    policy: PromotionPolicy,
    version: ModelVersion,
    signature: ModelSignature | None,
    current: ModelVersion,
    current_signature: ModelSignature | None,
) -> None:
    """The version's signature must keep the contract of the version holding the target."""
    changes = breaking_changes(current_signature, signature)
    if changes:
        raise PolicyViolation(
            "contract",
            f"the signature of version {version.version} of '{version.name}' breaks the "
            f"contract of version {current.version}, which holds {policy.target}: "
            + "; ".join(changes),
        )
