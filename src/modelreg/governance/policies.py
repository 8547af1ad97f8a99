"""Promotion policies: the rules a version must meet to enter a stage or take an alias.

A policy targets one stage (``Production``) or one alias (``champion``), of one model or of
every model (a *global* policy). A model's own policy for a target replaces the global one
for that target entirely: the two are never merged, so a model can relax a global rule as
well as tighten it (changing a model's policy needs MANAGE on it, a global one an admin).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from modelreg import validation
from modelreg.entities import Stage
from modelreg.entities.permissions import Permission
from modelreg.errors import InvalidParameterValue

__all__ = ["Comparison", "MetricThreshold", "PromotionPolicy", "PromotionTarget"]

#: The most approvals a policy may require.
MAX_APPROVALS = 20


@dataclass(frozen=True)
class PromotionTarget:
    """A stage or an alias (exactly one is set): where a policy applies, what a request asks."""

    stage: Stage | None = None
    alias: str | None = None

    @classmethod
    def of(cls, stage: str | Stage | None = None, alias: str | None = None) -> PromotionTarget:
        """Exactly one of ``stage`` and ``alias``, validated."""
        if (stage is None) == (alias is None):
            raise InvalidParameterValue("Give exactly one of 'stage' and 'alias'.")
        if stage is not None:
            return cls(stage=Stage.parse(stage))
        return cls(alias=validation.alias(alias))

    def __str__(self) -> str:
        return f"stage {self.stage.value}" if self.stage is not None else f"alias @{self.alias}"


class Comparison(StrEnum):
    """The operators of a metric threshold."""

    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "=="
    NE = "!="

    def holds(self, left: float, right: float) -> bool:
        """Whether ``left <op> right``."""
        return _OPERATORS[self](left, right)

    @property
    def negation(self) -> Comparison:
        """The operator that holds exactly when this one does not (``>=`` → ``<``)."""
        return _NEGATIONS[self]


_OPERATORS: dict[Comparison, Callable[[float, float], bool]] = {
    Comparison.GE: operator.ge,
    Comparison.GT: operator.gt,
    Comparison.LE: operator.le,
    Comparison.LT: operator.lt,
    Comparison.EQ: operator.eq,
    Comparison.NE: operator.ne,
}
_NEGATIONS = {
    Comparison.GE: Comparison.LT,
    Comparison.GT: Comparison.LE,
    Comparison.LE: Comparison.GT,
    Comparison.LT: Comparison.GE,
    Comparison.EQ: Comparison.NE,
    Comparison.NE: Comparison.EQ,
}
# Metric names as MLflow allows them; two-character operators first, so ">=" is not read
# as ">" followed by "=0.9".
_THRESHOLD = re.compile(
    r"^\s*(?P<metric>[\w\-./ ]+?)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<value>\S+)\s*$"
)
_METRICS_PREFIX = "metrics."


@dataclass(frozen=True)
class MetricThreshold:
    """A bound on the latest value of a metric of the version's source run: ``r2 >= 0.9``."""

    metric: str
    comparison: Comparison
    value: float

    def __post_init__(self) -> None:
        if not self.metric:
            raise InvalidParameterValue("A metric threshold needs a metric name.")
        if not math.isfinite(self.value):
            raise InvalidParameterValue(
                f"The threshold of metric '{self.metric}' must be a finite number."
            )

    @classmethod
    def parse(cls, text: str) -> MetricThreshold:
        """Read ``"r2 >= 0.9"`` (the ``metrics.`` prefix of search filters is allowed)."""
        match = _THRESHOLD.match(text)
        if match is None:
            raise InvalidParameterValue(
                f"Invalid metric threshold {text!r}: expected '<metric> <op> <number>' with "
                f"<op> one of {', '.join(c.value for c in Comparison)}, e.g. 'r2 >= 0.9'."
            )
        try:
            value = float(match["value"])
        except ValueError:
            raise InvalidParameterValue(
                f"Invalid metric threshold {text!r}: {match['value']!r} is not a number."
            ) from None
        return cls(match["metric"].removeprefix(_METRICS_PREFIX), Comparison(match["op"]), value)

    def __str__(self) -> str:
        return f"{self.metric} {self.comparison.value} {self.value:g}"


@dataclass(frozen=True)
class PromotionPolicy:
    """What a version needs to enter ``target``; ``model_name`` None makes it global.

    ``required_role`` is the permission needed to move a version there directly; without it
    the move needs a transition request approved by ``required_approvals`` distinct managers
    (at least one). Requiring approvals without a role protects the target with MANAGE.
    ``require_signature`` wants a signature in the version's ``MLmodel``; ``required_tags``
    are version tags that must hold these values; ``metric_thresholds`` bound metrics of the
    version's source run; ``contract_check`` refuses a signature that breaks callers of the
    version holding the target now (see :mod:`~modelreg.governance.signature_contract`).
    """

    target: PromotionTarget
    model_name: str | None = None
    required_role: Permission | None = None
    required_approvals: int = 0
    require_signature: bool = False
    required_tags: Mapping[str, str] = field(default_factory=dict)
    metric_thresholds: tuple[MetricThreshold, ...] = ()
    contract_check: bool = False

    def __post_init__(self) -> None:
        if self.model_name is not None:
            validation.model_name(self.model_name)
        if isinstance(self.required_approvals, bool) or not (
            isinstance(self.required_approvals, int) and self.required_approvals >= 0
        ):
            raise InvalidParameterValue("'required_approvals' must be a non-negative integer.")
        if self.required_approvals > MAX_APPROVALS:
            raise InvalidParameterValue(
                f"'required_approvals' must be at most {MAX_APPROVALS}, "
                f"got {self.required_approvals}."
            )
        if self.required_role is not None and not self.required_role.allows(Permission.EDIT):
            raise InvalidParameterValue(
                "'required_role' must be EDIT or MANAGE: moving a version always needs EDIT."
            )
        if self.required_approvals and self.required_role is None:
            object.__setattr__(self, "required_role", Permission.MANAGE)
        object.__setattr__(self, "required_tags", validation.tags(dict(self.required_tags)))
        object.__setattr__(self, "metric_thresholds", tuple(self.metric_thresholds))

    @property
    def approvals_needed(self) -> int:
        """How many distinct managers must approve a request before it is carried out."""
        return max(1, self.required_approvals)

    @property
    def scope(self) -> str:
        """``model 'Unicorn'`` or ``every model``, for messages."""
        return "every model" if self.model_name is None else f"model '{self.model_name}'"
