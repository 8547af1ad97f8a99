"""One page of a search: parse its arguments once, run it, and mint the next page's token.

Two pagination styles share the parsing: keyset (the token holds the last row's sort values,
so pages stay stable while rows are inserted; used by the registry) and offset (the token
holds a row count; used by run, experiment and logged-model searches, as MLflow does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from modelreg import validation
from modelreg.entities import PagedList
from modelreg.errors import InvalidFilter
from modelreg.search.ast import Filter, OrderKey
from modelreg.search.order_by import parse_order_by
from modelreg.search.page_token import decode_page_token, encode_page_token, query_fingerprint
from modelreg.search.parser import parse_filter
from modelreg.search.specs import SearchSpec

#: run(filter, order, after_sort_values_or_None, limit) -> (items, last_sort_values_or_None)
KeysetQuery = Callable[
    [Filter, Sequence[OrderKey], list[Any] | None, int], tuple[list[Any], list[Any] | None]
]
#: run(filter, order, offset, limit) -> (items, whether more rows follow)
OffsetQuery = Callable[[Filter, Sequence[OrderKey], int, int], tuple[list[Any], bool]]


_MAX_INT = 2**63 - 1


def _scalar(value: object) -> bool:
    if value is None or isinstance(value, str):
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -_MAX_INT <= value <= _MAX_INT
    return isinstance(value, float)


def _edited_token() -> InvalidFilter:
    return InvalidFilter("Invalid page_token: it was not issued for this search or was altered.")


def _prepare(
    spec: SearchSpec,
    filter_string: str | None,
    max_results: int | None,
    order_by: Sequence[str] | None,
    page_token: str | None,
    scope: object,
) -> tuple[Filter, tuple[OrderKey, ...], int, str, list[Any] | None]:
    limit = validation.max_results(
        max_results, default=spec.default_max_results, limit=spec.max_results_limit
    )
    search = parse_filter(filter_string, spec)
    order = parse_order_by(order_by, spec)
    fingerprint = query_fingerprint(spec.entity, search, order, scope)
    return search, order, limit, fingerprint, decode_page_token(page_token, fingerprint)


def keyset_page(
    spec: SearchSpec,
    run: KeysetQuery,
    filter_string: str | None,
    max_results: int | None,
    order_by: Sequence[str] | None,
    page_token: str | None,
    scope: object = None,
) -> PagedList[Any]:
    """A page that starts strictly after the row its token names."""
    search, order, limit, fingerprint, after = _prepare(
        spec, filter_string, max_results, order_by, page_token, scope
    )
    # One value per sort key plus the id tie-breaker, each a plain, bounded scalar.
    if after is not None and (len(after) != len(order) + 1 or not all(map(_scalar, after))):
        raise _edited_token()
    items, last = run(search, order, after, limit)
    return PagedList(items, None if last is None else encode_page_token(last, fingerprint))


def offset_page(
    spec: SearchSpec,
    run: OffsetQuery,
    filter_string: str | None,
    max_results: int | None,
    order_by: Sequence[str] | None,
    page_token: str | None,
    scope: object = None,
) -> PagedList[Any]:
    """A page that starts after as many rows as its token counts."""
    search, order, limit, fingerprint, after = _prepare(
        spec, filter_string, max_results, order_by, page_token, scope
    )
    offset = 0
    if after is not None:
        if len(after) != 1 or type(after[0]) is not int or not 0 <= after[0] <= _MAX_INT:
            raise _edited_token()
        offset = after[0]
    items, more = run(search, order, offset, limit)
    return PagedList(items, encode_page_token([offset + limit], fingerprint) if more else None)
