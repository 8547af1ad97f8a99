"""Parse ``order_by`` clauses such as ``["last_updated_timestamp DESC", "name"]``."""

from __future__ import annotations

from collections.abc import Sequence

from modelreg.errors import InvalidFilter
from modelreg.search.ast import OrderKey
from modelreg.search.specs import SearchSpec


def _parse_clause(clause: str, spec: SearchSpec) -> OrderKey:
    parts = clause.split()
    if not 1 <= len(parts) <= 2:
        raise InvalidFilter(f"Invalid order_by clause {clause!r}: expected '<key> [ASC|DESC]'.")
    key = parts[0].strip("`")
    canonical = spec.order_keys.get(key)
    if canonical is None:
        valid = ", ".join(sorted(spec.order_keys))
        raise InvalidFilter(f"Invalid order_by key {key!r} in {clause!r}. Valid keys are {valid}.")
    direction = parts[1].upper() if len(parts) == 2 else "ASC"
    if direction not in ("ASC", "DESC"):
        raise InvalidFilter(
            f"Invalid order_by direction {parts[1]!r} in {clause!r}: use ASC or DESC."
        )
    return OrderKey(canonical, ascending=direction == "ASC")


def parse_order_by(clauses: Sequence[str] | None, spec: SearchSpec) -> tuple[OrderKey, ...]:
    """Return the full ordering: the given keys, then the entity's natural order for the rest.

    Raises InvalidFilter for an unknown key, a bad direction or a key given twice.
    """
    if isinstance(clauses, str):
        clauses = [clauses]
    keys = [_parse_clause(clause, spec) for clause in clauses or ()]
    seen = [key.key for key in keys]
    duplicates = sorted({key for key in seen if seen.count(key) > 1})
    if duplicates:
        raise InvalidFilter(f"order_by names {', '.join(duplicates)} more than once.")
    return tuple(keys) + tuple(key for key in spec.default_order if key.key not in seen)
