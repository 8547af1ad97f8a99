"""Small line charts of a metric's history, drawn server-side as inline SVG coordinates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from modelreg.entities import Metric

__all__ = ["HEIGHT", "WIDTH", "MetricChart", "metric_chart"]

WIDTH = 240
HEIGHT = 64
_PAD = 4


@dataclass(frozen=True)
class MetricChart:
    """A metric's values as a polyline in a ``WIDTH`` x ``HEIGHT`` box, and its summary."""

    key: str
    points: str
    last_point: tuple[float, float]
    count: int
    minimum: float
    maximum: float
    last: float
    first_step: int
    last_step: int


def _scale(value: float, low: float, high: float, size: float) -> float:
    if high == low:
        return size / 2
    return (value - low) / (high - low) * size


def metric_chart(key: str, history: Sequence[Metric]) -> MetricChart | None:
    """The chart of ``history`` by step (by order when every step is the same); None if no
    value is finite."""
    values = [metric for metric in history if math.isfinite(metric.value)]
    if not values:
        return None
    steps = [metric.step for metric in values]
    by_order = min(steps) == max(steps)
    xs = list(range(len(values))) if by_order else steps
    low_x, high_x = min(xs), max(xs)
    low_y = min(metric.value for metric in values)
    high_y = max(metric.value for metric in values)
    inner_w, inner_h = WIDTH - 2 * _PAD, HEIGHT - 2 * _PAD
    coordinates = [
        (
            round(_PAD + _scale(x, low_x, high_x, inner_w), 2),
            round(HEIGHT - _PAD - _scale(metric.value, low_y, high_y, inner_h), 2),
        )
        for x, metric in zip(xs, values, strict=True)
    ]
    return MetricChart(
        key=key,
        points=" ".join(f"{x},{y}" for x, y in coordinates),
        last_point=coordinates[-1],
        count=len(values),
        minimum=low_y,
        maximum=high_y,
        last=values[-1].value,
        first_step=min(steps),
        last_step=max(steps),
    )
