"""Promotion with gates, for pipelines: ``Client().promote(...)``, ``modelreg versions promote``.

The gates read the latest metrics of each version's source run. They run in the client, on
top of the registry's own promotion policies (which the server enforces for every move).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from modelreg.entities import ModelVersion, Stage
from modelreg.errors import InvalidParameterValue, PolicyViolation, ResourceNotFound
from modelreg.governance.policies import Comparison, MetricThreshold
from modelreg.operations import Backend

#: Which way is better for a metric, read from the requirement's operator.
_HIGHER_IS_BETTER = (Comparison.GE, Comparison.GT)
_LOWER_IS_BETTER = (Comparison.LE, Comparison.LT)


class PromotionMethods:
    """``promote``: move the candidate of one stage to the next when its metrics pass."""

    _backend: Backend

    def promote(
        self,
        name: str,
        *,
        from_stage: str,
        to_stage: str,
        require: Sequence[str] = (),
        compare_with: str | None = None,
        archive_existing: bool = True,
    ) -> ModelVersion:
        """Move the latest version in ``from_stage`` to ``to_stage`` if it passes the gates.

        Example::

            client.promote("Unicorn", from_stage="Staging", to_stage="Production",
                           require=["metrics.r2 >= 0.9", "metrics.rmse < 9000"],
                           compare_with="Production")

        Args:
            require: thresholds on the latest metrics of the candidate's source run.
            compare_with: a stage whose current holder the candidate must match or beat on
                every required metric (``>=``/``>`` rules: higher is better, ``<=``/``<``:
                lower is better).
            archive_existing: archive the versions already in ``to_stage``.

        Raises PolicyViolation naming the failed requirement (nothing moves); the move is a
        compare-and-set, so a concurrent promotion makes it fail with ResourceConflict.
        """
        thresholds = [MetricThreshold.parse(text) for text in require]
        source, target = Stage.parse(from_stage), Stage.parse(to_stage)
        if compare_with is not None and not any(
            t.comparison in (*_HIGHER_IS_BETTER, *_LOWER_IS_BETTER) for t in thresholds
        ):
            raise InvalidParameterValue(
                "compare_with needs a requirement with >=, >, <= or < to compare on."
            )
        registry = self._backend.registry
        candidate = _latest(registry.get_latest_versions(name, [source.value]), name, source)
        metrics = self._metrics(candidate)
        for threshold in thresholds:
            _check(threshold, candidate, metrics)
        if compare_with is not None:
            holders = registry.get_latest_versions(name, [Stage.parse(compare_with).value])
            if holders and holders[0].version != candidate.version:
                self._beat(thresholds, candidate, metrics, holders[0])
        holders = registry.get_latest_versions(name, [target.value])
        return registry.transition_model_version_stage(
            name,
            candidate.version,
            target.value,
            archive_existing and target in (Stage.STAGING, Stage.PRODUCTION),
            expected_version=holders[0].version if holders else 0,
        )

    def _metrics(self, version: ModelVersion) -> dict[str, float]:
        if version.run_id is None:
            return {}
        return dict(self._backend.tracking.get_run(version.run_id).data.metrics)

    def _beat(
        self,
        thresholds: Sequence[MetricThreshold],
        candidate: ModelVersion,
        metrics: dict[str, float],
        holder: ModelVersion,
    ) -> None:
        current = self._metrics(holder)
        for threshold in thresholds:
            mine, theirs = metrics.get(threshold.metric), current.get(threshold.metric)
            if mine is None or theirs is None or math.isnan(theirs):
                continue
            worse = (threshold.comparison in _HIGHER_IS_BETTER and mine < theirs) or (
                threshold.comparison in _LOWER_IS_BETTER and mine > theirs
            )
            if worse:
                raise PolicyViolation(
                    f"compare:{threshold.metric}",
                    f"candidate version {candidate.version} has {threshold.metric} = {mine:g}, "
                    f"worse than version {holder.version} ({theirs:g}) in "
                    f"{holder.current_stage.value}",
                )


def _latest(versions: list[ModelVersion], name: str, stage: Stage) -> ModelVersion:
    if not versions:
        raise ResourceNotFound(f"Model '{name}' has no version in {stage.value} to promote.")
    return versions[0]


def _check(threshold: MetricThreshold, version: ModelVersion, metrics: dict[str, float]) -> None:
    """Raise PolicyViolation unless the version's run meets ``threshold``."""
    value = metrics.get(threshold.metric)
    rule = f"require:{threshold}"
    if value is None:
        where = f"run {version.run_id}" if version.run_id else "its source (no run)"
        raise PolicyViolation(
            rule,
            f"candidate version {version.version}: {where} has no metric {threshold.metric}",
        )
    if math.isnan(value) or not threshold.comparison.holds(value, threshold.value):
        raise PolicyViolation(
            rule,
            f"candidate version {version.version} has {threshold.metric} = {value:g}, "
            f"which is not {threshold.comparison.value} {threshold.value:g}",
        )
