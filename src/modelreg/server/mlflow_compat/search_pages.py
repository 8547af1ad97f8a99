"""The answer to a registry search: one page of results in MLflow's shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import orjson

from modelreg.entities.paging import PagedList

__all__ = ["search_answer"]

T = TypeVar("T")

Search = Callable[[str | None, int | None, list[str] | None, str | None], PagedList[T]]


def search_answer(
    search: Search[T],
    field: str,
    to_wire: Callable[[T], dict[str, Any]],
    filter: str | None,
    max_results: int | None,
    order_by: tuple[str, ...] | None,
    page_token: str | None,
) -> bytes:
    """``{field: [...], "next_page_token": ...}`` for the page ``search`` returns (each key
    left out when empty, as MLflow's server does)."""
    page = search(filter, max_results, list(order_by) if order_by else None, page_token)
    body: dict[str, object] = {}
    if page:
        body[field] = [to_wire(item) for item in page]
    if page.token:
        body["next_page_token"] = page.token
    return orjson.dumps(body)
