"""Page tokens: opaque, URL-safe, and only valid for the search that issued them."""

from __future__ import annotations

import base64
import json

import pytest

from modelreg.errors import InvalidFilter
from modelreg.search import decode_page_token, encode_page_token
from modelreg.search.page_token import query_fingerprint


def token_of(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize("token", [None, ""])
def test_no_token_is_the_first_page(token: str | None) -> None:
    assert decode_page_token(token, "fp") is None


def test_token_round_trips_the_last_row_values() -> None:
    token = encode_page_token(["Unicorn", 1_700_000_000_000, 42], "fp")
    assert decode_page_token(token, "fp") == ["Unicorn", 1_700_000_000_000, 42]


def test_fingerprint_depends_on_every_part_of_the_query() -> None:
    fingerprints = {
        query_fingerprint("registered_models", "name = 'a'", ("name",)),
        query_fingerprint("registered_models", "name = 'b'", ("name",)),
        query_fingerprint("registered_models", "name = 'a'", ("timestamp",)),
        query_fingerprint("model_versions", "name = 'a'", ("name",)),
    }
    assert len(fingerprints) == 4


def test_token_of_another_search_is_rejected() -> None:
    token = encode_page_token(["a", 1], query_fingerprint("one search"))
    with pytest.raises(InvalidFilter, match="different filter or order_by"):
        decode_page_token(token, query_fingerprint("another search"))


@pytest.mark.parametrize(
    "token",
    [
        "not a token",
        "%%%",
        "eyJ",  # a cut-off token
        token_of([1, 2]),
        token_of("after"),
        token_of({"query": "fp"}),
        token_of({"after": [1]}),
        token_of({"after": "x", "query": "fp"}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_foreign_token_is_rejected(token: str) -> None:
    with pytest.raises(InvalidFilter, match="page_token"):
        decode_page_token(token, "fp")


def test_deeply_nested_foreign_token_is_rejected() -> None:
    with pytest.raises(InvalidFilter, match="page_token"):
        decode_page_token(base64.urlsafe_b64encode(b"[" * 100_000).decode(), "fp")
