"""Paging through searches, and page tokens whose values were edited by a client.

A token is base64 JSON, not signed: anyone can decode one the server issued, keep its query
fingerprint and change the sort values. Such a token must be refused as InvalidFilter (a 400),
never reach the database as values of the wrong number or type (a 500).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from modelreg.errors import InvalidFilter
from modelreg.search import RUNS, Filter, OrderKey
from modelreg.search.paging import offset_page
from modelreg.service import RegistryService
from modelreg.store.sql import SqlRegistryStore


def with_values(token: str, after: list[Any]) -> str:
    """The token with its sort values replaced and its query fingerprint kept."""
    payload = json.loads(base64.urlsafe_b64decode(token))
    payload["after"] = after
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.fixture(scope="module")
def three_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryService]:
    """A SQLite registry holding m0, m1 and m2, shared by this module's read-only tests."""
    store = SqlRegistryStore.from_uri(f"sqlite:///{tmp_path_factory.mktemp('paging')}/r.db")
    registry = RegistryService(store)
    for name in ("m0", "m1", "m2"):
        registry.create_registered_model(name)
    yield registry
    store.close()


def test_keyset_pages_visit_every_model_once(three_models: RegistryService) -> None:
    seen, token = [], None
    while True:
        page = three_models.search_registered_models(max_results=2, page_token=token)
        seen += [model.name for model in page]
        token = page.token
        if token is None:
            break
    assert seen == ["m0", "m1", "m2"]


@pytest.mark.parametrize(
    "after",
    [[], ["m0"], [{"a": 1}, 1], [["m0"], 1], ["m0", 10**30]],
    ids=["empty", "too-few", "object", "list", "huge-int"],
)
def test_registered_model_token_with_edited_values_is_rejected(
    three_models: RegistryService, after: list[Any]
) -> None:
    token = three_models.search_registered_models(max_results=1).token
    assert token is not None
    with pytest.raises(InvalidFilter, match="page_token"):
        three_models.search_registered_models(max_results=1, page_token=with_values(token, after))


def _runs(search: Filter, order: Sequence[OrderKey], offset: int, limit: int) -> tuple[list, bool]:
    rows = list(range(5))
    return rows[offset : offset + limit], offset + limit < len(rows)


def test_offset_pages_visit_every_row_once() -> None:
    seen, token = [], None
    while True:
        page = offset_page(RUNS, _runs, None, 2, None, token)
        seen += list(page)
        token = page.token
        if token is None:
            break
    assert seen == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("after", [["two"], [{"a": 1}]], ids=["text", "object"])
def test_offset_token_with_edited_values_is_rejected(after: list[Any]) -> None:
    token = offset_page(RUNS, _runs, None, 2, None, None).token
    assert token is not None
    with pytest.raises(InvalidFilter, match="page_token"):
        offset_page(RUNS, _runs, None, 2, None, with_values(token, after))


def test_offset_token_with_a_negative_offset_is_rejected() -> None:
    token = offset_page(RUNS, _runs, None, 2, None, None).token
    assert token is not None
    with pytest.raises(InvalidFilter, match="page_token"):
        offset_page(RUNS, _runs, None, 2, None, with_values(token, [-3]))
