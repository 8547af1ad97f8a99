"""The nodes a parsed search is made of: a conjunction of comparisons and an ordering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ComparisonKind = Literal["attribute", "tag", "metric", "param"]
Value = str | int | float | tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """``<kind>.<key> <op> <value>``, e.g. ``tags.team = 'a'`` or ``run_id IN ('x', 'y')``.

    ``op`` is canonical upper case: ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``LIKE``,
    ``ILIKE``, ``IN`` or ``NOT IN``; ``value`` is a tuple for ``IN`` and ``NOT IN``.
    """

    kind: ComparisonKind
    key: str
    op: str
    value: Value


@dataclass(frozen=True)
class Filter:
    """Comparisons joined by AND; no comparisons matches everything."""

    comparisons: tuple[Comparison, ...] = ()


@dataclass(frozen=True)
class OrderKey:
    """One ``order_by`` term: a canonical key (of ``kind``) and its direction."""

    key: str
    ascending: bool = True
    kind: ComparisonKind = "attribute"
