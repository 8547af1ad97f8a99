"""``PolicyGate``: the promotion gate that enforces promotion policies on every move.

The registry calls it inside the move's transaction with the model locked, so the policy,
the request and the facts it reads are those the move is made against, and a refusal
leaves nothing changed. Without a policy for the target, every move passes.
"""

from __future__ import annotations

from modelreg.artifacts import ArtifactNotFound, artifact_store_for
from modelreg.entities import ModelVersion
from modelreg.errors import PolicyViolation
from modelreg.governance import rules
from modelreg.governance.policies import PromotionTarget
from modelreg.governance.transition_requests import RequestState, TransitionRequest
from modelreg.models import MLMODEL_FILE_NAME, MLmodel, ModelSignature
from modelreg.service.access import AccessControl, Resource
from modelreg.service.gates import Move
from modelreg.store.sql import governance_store
from modelreg.store.sql.registry_store import SqlRegistryTransaction

__all__ = ["PolicyGate", "stored_signature"]


class PolicyGate:
    """Refuses moves that break the policy governing their target.

    The rules run in this order: the role (skipped for a move that carries out an approved
    transition request), the signature, the tags, the metrics, the signature contract. A
    forced move (``force``, which needs MANAGE) skips them all.
    """

    def __init__(self, access: AccessControl) -> None:
        self.access = access

    def check(self, tx: SqlRegistryTransaction, move: Move) -> None:
        """Raise PolicyViolation if ``move`` breaks a rule; return to let it through."""
        target = PromotionTarget(stage=move.stage, alias=move.alias)
        policy = governance_store.effective_policy(tx.connection, move.model_id, target)
        request = None
        if move.request_id is not None:
            request = governance_store.request(tx.connection, move.request_id)
            _require_request_for(request, move, target)
            rules.require_approvals(policy, request)
        if policy is None or move.force:
            return
        version = tx.get_version(move.model_name, move.model_id, move.version)
        if request is None:
            held = self.access.permission(Resource.model(move.model_name))
            rules.require_role(policy, version, held)
        signature = None
        if policy.require_signature or policy.contract_check:
            signature = stored_signature(version)
        if policy.require_signature:
            rules.require_signature(policy, version, signature)
        rules.require_tags(policy, version)
        if policy.metric_thresholds and version.run_id is not None:
            names = [threshold.metric for threshold in policy.metric_thresholds]
            metrics = governance_store.latest_metric_values(tx.connection, version.run_id, names)
        else:
            metrics = {}
        rules.require_metrics(policy, version, metrics)
        holder = move.current
        if policy.contract_check and holder is not None and holder != move.version:
            current = tx.get_version(move.model_name, move.model_id, holder)
            rules.require_compatible_signature(
                policy, version, signature, current, stored_signature(current)
            )


def _require_request_for(request: TransitionRequest, move: Move, target: PromotionTarget) -> None:
    """The request must be pending and ask for exactly this move."""
    if request.state is not RequestState.PENDING:
        raise PolicyViolation("approvals", f"{request} is {request.state.value}, not pending")
    if (request.model_name, request.version, request.target) != (
        move.model_name,
        move.version,
        target,
    ):
        raise PolicyViolation(
            "approvals",
            f"{request} does not ask to move version {move.version} of "
            f"'{move.model_name}' into {target}",
        )


def stored_signature(version: ModelVersion) -> ModelSignature | None:
    """The signature in the ``MLmodel`` of the registry's copy of a version (None: none).

    A version whose files the registry did not copy (no ``storage_location``) has none.
    """
    if not version.storage_location:
        return None
    store = artifact_store_for(version.storage_location)
    try:
        with store.open(MLMODEL_FILE_NAME) as stream:
            text = stream.read().decode("utf-8")
    except ArtifactNotFound:
        return None
    return MLmodel.from_yaml(text).signature
