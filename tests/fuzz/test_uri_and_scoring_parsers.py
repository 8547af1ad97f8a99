"""Fuzzing the parsers of untrusted input: model URIs and scoring request bodies.

Arbitrary and near-miss inputs must parse or raise the parser's own error class (which the
doors turn into a 400); nothing else may escape. (The search language has its own property
tests in tests/search/test_parser_properties.py.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from modelreg.errors import InvalidParameterValue
from modelreg.models.schema import Schema
from modelreg.serving.errors import ScoringError
from modelreg.serving.inputs import parse_body
from modelreg.uris import ModelsUri, RunsUri, parse_models_uri, parse_runs_uri

E = TypeVar("E", bound=Exception)

SETTINGS = settings(max_examples=150, deadline=None)

_URI_PARTS = st.sampled_from(
    ["models:/", "models:", "runs:/", "Unicorn", "/", "@", "champion", "3", "-1", "latest",
     "Production", "prod", "..", "%2F", " ", "", "\x00", "é", "models:/a/b/c", "//"]
)  # fmt: skip
URIS = st.one_of(st.text(max_size=60), st.lists(_URI_PARTS, max_size=6).map("".join))


def attempt(action: Callable[[], object], expected: type[E]) -> object | E:
    """What ``action`` returns, or the ``expected`` error it raised (anything else escapes)."""
    try:
        return action()
    except expected as error:
        return error


@SETTINGS
@given(URIS)
def test_models_uris_parse_or_fail_clearly(uri: str) -> None:
    parsed = attempt(lambda: parse_models_uri(uri), InvalidParameterValue)
    if isinstance(parsed, InvalidParameterValue):
        assert parsed.message.startswith("Invalid")
        assert "models:/" in parsed.message
    else:
        assert isinstance(parsed, ModelsUri)
        assert parsed.name
        assert [parsed.version, parsed.stage, parsed.alias].count(None) >= 2


@SETTINGS
@given(URIS)
def test_runs_uris_parse_or_fail_clearly(uri: str) -> None:
    parsed = attempt(lambda: parse_runs_uri(uri), InvalidParameterValue)
    if isinstance(parsed, InvalidParameterValue):
        assert "runs:/" in parsed.message
    else:
        assert isinstance(parsed, RunsUri)
        assert parsed.run_id


SCHEMA = Schema.from_dict(
    [
        {"name": "R&D Spend", "type": "double"},
        {"name": "State", "type": "string"},
        {"name": "Count", "type": "long", "required": False},
    ]
)
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
)
_VALUES: st.SearchStrategy[Any] = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_COLUMNS = st.sampled_from(["R&D Spend", "State", "Count", "Other", "", 1, None])
_BODIES = st.fixed_dictionaries(
    {},
    optional={
        "dataframe_split": st.fixed_dictionaries(
            {},
            optional={
                "columns": st.one_of(_VALUES, st.lists(_COLUMNS, max_size=4)),
                "data": st.one_of(_VALUES, st.lists(st.lists(_SCALARS, max_size=4), max_size=4)),
                "index": _VALUES,
            },
        ),
        "dataframe_records": st.one_of(
            _VALUES, st.lists(st.dictionaries(_COLUMNS.map(str), _SCALARS, max_size=4))
        ),
        "instances": _VALUES,
        "inputs": _VALUES,
        "params": _VALUES,
        "other": _VALUES,
    },
)


@SETTINGS
@given(_BODIES, st.booleans())
def test_json_bodies_parse_or_fail_clearly(body: dict[str, Any], with_schema: bool) -> None:
    schema = SCHEMA if with_schema else None
    raw = json.dumps(body).encode()
    outcome = attempt(lambda: parse_body(raw, "application/json", schema).data(), ScoringError)
    assert not isinstance(outcome, ScoringError) or outcome.status == 400


@SETTINGS
@given(st.binary(max_size=200), st.sampled_from(["application/json", "text/csv"]))
def test_arbitrary_bytes_parse_or_fail_clearly(body: bytes, mime: str) -> None:
    outcome = attempt(lambda: parse_body(body, mime, SCHEMA).data(), ScoringError)
    assert not isinstance(outcome, ScoringError) or outcome.status == 400


@SETTINGS
@given(st.lists(st.lists(st.text(max_size=6), min_size=1, max_size=4), min_size=1, max_size=5))
def test_csv_tables_parse_or_fail_clearly(rows: list[list[str]]) -> None:
    text = "\n".join(",".join(json.dumps(cell) for cell in row) for row in rows)
    outcome = attempt(lambda: parse_body(text.encode(), "text/csv", SCHEMA).data(), ScoringError)
    assert not isinstance(outcome, ScoringError) or outcome.status == 400
