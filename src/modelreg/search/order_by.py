"""Parse ``order_by`` clauses such as ``["last_updated_timestamp DESC", "metrics.`r 2`"]``."""

from __future__ import annotations

from collections.abc import Sequence

from modelreg.errors import InvalidFilter
from modelreg.search.ast import ComparisonKind, OrderKey
from modelreg.search.parser import PREFIXES, Token, tokenize
from modelreg.search.specs import SearchSpec


def _key(clause: str, tokens: list[Token], spec: SearchSpec) -> tuple[ComparisonKind, str]:
    if len(tokens) == 3 and tokens[1].text == "." and tokens[0].kind == "word":
        kind = PREFIXES.get(tokens[0].text.lower())
        if kind is not None and (kind == "attribute" or kind in spec.orderable_kinds):
            if kind != "attribute":
                return kind, tokens[2].unquoted
            tokens = tokens[2:]
    if len(tokens) == 1 and tokens[0].kind in ("word", "backquoted"):
        canonical = spec.order_keys.get(tokens[0].unquoted)
        if canonical is not None:
            return "attribute", canonical
    valid = ", ".join(sorted(spec.order_keys))
    extra = "".join(f", {kind}s.<key>" for kind in sorted(spec.orderable_kinds))
    raise InvalidFilter(f"Invalid order_by key in {clause!r}. Valid keys are {valid}{extra}.")


def _parse_clause(clause: str, spec: SearchSpec) -> OrderKey:
    tokens = tokenize(clause)
    ascending = True
    if tokens and tokens[-1].is_word("ASC", "DESC"):
        ascending = tokens.pop().text.upper() == "ASC"
    elif len(tokens) > 1 and tokens[-1].kind == "word" and tokens[-2].text != ".":
        raise InvalidFilter(
            f"Invalid order_by direction {tokens[-1].text!r} in {clause!r}: use ASC or DESC."
        )
    kind, key = _key(clause, tokens, spec)
    return OrderKey(key, ascending=ascending, kind=kind)


def parse_order_by(clauses: Sequence[str] | None, spec: SearchSpec) -> tuple[OrderKey, ...]:
    """Return the full ordering: the given keys, then the entity's natural order for the rest.

    Raises InvalidFilter for an unknown key, a bad direction or a key given twice.
    """
    if isinstance(clauses, str):
        clauses = [clauses]
    keys = [_parse_clause(clause, spec) for clause in clauses or ()]
    seen = [(key.kind, key.key) for key in keys]
    duplicates = sorted({key for kind, key in seen if seen.count((kind, key)) > 1})
    if duplicates:
        raise InvalidFilter(f"Invalid order_by: it names {', '.join(duplicates)} more than once.")
    return tuple(keys) + tuple(key for key in spec.default_order if (key.kind, key.key) not in seen)
