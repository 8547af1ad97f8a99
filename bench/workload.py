"""The registry workload both benchmarks share: model names, stages, aliases and query picks.

Standard library only, so the MLflow benchmark (run in MLflow's own virtualenv) seeds and
queries exactly the same registry as the modelreg one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

VERSIONS_PER_MODEL = 3
CHAMPION = "champion"
DEFAULT_SEED = 20_240_601


@dataclass(frozen=True)
class ModelPlan:
    """One seeded model: its name, a tag, the stage of each version and the champion."""

    name: str
    team: str
    stages: tuple[str, ...]
    champion: int
    run_ids: tuple[str, ...]

    def source(self, version: int) -> str:
        """Where the version's files would live."""
        return f"s3://bench-bucket/models/{self.name}/{version}"


def model_name(index: int) -> str:
    """``model-000123``: six digits, so ``model-001`` matches a thousand models."""
    return f"model-{index:06d}"


def plan_models(start: int, stop: int, seed: int = DEFAULT_SEED) -> list[ModelPlan]:
    """The plans of models ``start`` to ``stop - 1``, the same whichever range is asked for."""
    return [_plan(index, random.Random(seed * 1_000_003 + index)) for index in range(start, stop)]


def _plan(index: int, rng: random.Random) -> ModelPlan:
    # Version 1 is often archived, version 2 often in Staging, version 3 often in Production,
    # so latest-versions returns one to three versions and the champion is any of them.
    stages = (
        "Archived" if rng.random() < 0.3 else "None",
        "Staging" if rng.random() < 0.5 else "None",
        "Production" if rng.random() < 0.6 else "None",
    )
    run_ids = tuple(f"{rng.getrandbits(128):032x}" for _ in range(VERSIONS_PER_MODEL))
    return ModelPlan(
        name=model_name(index),
        team=f"team-{index % 10}",
        stages=stages,
        champion=rng.randint(1, VERSIONS_PER_MODEL),
        run_ids=run_ids,
    )


@dataclass(frozen=True)
class ReadPicks:
    """The arguments of the measured read calls at one size."""

    names: list[str]
    like_prefixes: list[str]


def read_picks(models: int, calls: int, seed: int = DEFAULT_SEED) -> ReadPicks:
    """Random seeded models, and ``model-NNN`` prefixes that each match up to 1,000 models.

    Every prefix of a registry with at least 1,000 models matches 1,000 of them, well over a
    100-model page, so the search always fills its page and has a next one.
    """
    rng = random.Random(seed + models)
    indexes = [rng.randrange(models) for _ in range(calls)]
    prefixes = [model_name(rng.randrange(models))[: len("model-000")] for _ in range(calls)]
    return ReadPicks([model_name(i) for i in indexes], prefixes)


def prefix_matches(prefix: str, models: int) -> int:
    """How many of the first ``models`` models a ``model-NNN`` prefix matches."""
    first = int(prefix.removeprefix("model-")) * 1_000
    return max(0, min(models, first + 1_000) - first)


def like_filter(prefix: str) -> str:
    """The filter of the measured search."""
    return f"name LIKE '{prefix}%'"


def parse_sizes(text: str) -> list[int]:
    """``"1000,10000"`` → ``[1000, 10000]``, sorted and de-duplicated."""
    sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise ValueError(f"sizes must be positive integers, got {text!r}")
    return sizes
