"""``order_by`` clauses parsed to the full ordering of a search."""

from __future__ import annotations

import pytest

from modelreg.errors import InvalidFilter
from modelreg.search import MODEL_VERSIONS, REGISTERED_MODELS, OrderKey, SearchSpec, parse_order_by

NAME = OrderKey("name")
UPDATED_DESC = OrderKey("last_updated_timestamp", ascending=False)
VERSION_DESC = OrderKey("version_number", ascending=False)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [(REGISTERED_MODELS, (NAME,)), (MODEL_VERSIONS, (UPDATED_DESC, NAME, VERSION_DESC))],
)
def test_no_order_by_is_the_natural_order(spec: SearchSpec, expected: tuple[OrderKey]) -> None:
    assert parse_order_by(None, spec) == expected
    assert parse_order_by([], spec) == expected


@pytest.mark.parametrize(
    ("clauses", "expected"),
    [
        (["timestamp DESC"], (UPDATED_DESC, NAME)),
        (["last_updated_timestamp desc"], (UPDATED_DESC, NAME)),
        ("name DESC", (OrderKey("name", ascending=False),)),
        (["`creation_timestamp`  Asc"], (OrderKey("creation_timestamp"), NAME)),
        (["attribute.name DESC"], (OrderKey("name", ascending=False),)),
        (["name", "timestamp"], (NAME, OrderKey("last_updated_timestamp"))),
    ],
)
def test_registered_model_order_by(clauses: list[str] | str, expected: tuple[OrderKey]) -> None:
    assert parse_order_by(clauses, REGISTERED_MODELS) == expected


def test_model_version_order_by_keeps_the_rest_of_the_natural_order() -> None:
    assert parse_order_by(["name"], MODEL_VERSIONS) == (NAME, UPDATED_DESC, VERSION_DESC)
    assert parse_order_by(["version_number ASC"], MODEL_VERSIONS) == (
        OrderKey("version_number"),
        UPDATED_DESC,
        NAME,
    )


@pytest.mark.parametrize(
    ("clauses", "reason"),
    [
        (["owner"], "Valid keys are creation_timestamp, last_updated_timestamp, name, timestamp"),
        (["name sideways"], "use ASC or DESC"),
        (["name ASC DESC"], "Invalid order_by"),
        ([""], "Invalid order_by key"),
        (["version_number"], "Invalid order_by key"),
        (["timestamp", "last_updated_timestamp DESC"], "last_updated_timestamp more than once"),
        (["name", "`name` DESC"], "name more than once"),
    ],
)
def test_invalid_order_by_is_rejected(clauses: list[str], reason: str) -> None:
    with pytest.raises(InvalidFilter, match=reason):
        parse_order_by(clauses, REGISTERED_MODELS)


@pytest.mark.parametrize("spec", [REGISTERED_MODELS, MODEL_VERSIONS])
def test_tags_are_not_an_order_by_key_of_registry_searches(spec: SearchSpec) -> None:
    with pytest.raises(InvalidFilter, match="Invalid order_by key"):
        parse_order_by(["tags.team DESC"], spec)
