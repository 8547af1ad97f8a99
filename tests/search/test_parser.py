"""Filter strings parsed to the AST, and the InvalidFilter messages of the ones that fail."""

from __future__ import annotations

import pytest

from modelreg.errors import InvalidFilter, InvalidParameterValue
from modelreg.search import (
    MODEL_VERSIONS,
    REGISTERED_MODELS,
    Comparison,
    Filter,
    SearchSpec,
    parse_filter,
)
from modelreg.search.ast import ComparisonKind, Value


def one(kind: ComparisonKind, key: str, op: str, value: Value) -> Filter:
    return Filter((Comparison(kind, key, op, value),))


NAME_A_AND_NOT_B = Filter(
    (Comparison("attribute", "name", "=", "a"), Comparison("attribute", "name", "!=", "b"))
)


@pytest.mark.parametrize("text", [None, "", "   ", "\t\n"])
def test_no_filter_matches_everything(text: str | None) -> None:
    assert parse_filter(text, REGISTERED_MODELS) == Filter()


def test_mlflow_style_filter_parses_to_its_comparisons() -> None:
    search = parse_filter("name LIKE 'Uni%' AND tags.`team` != 'a'", REGISTERED_MODELS)
    assert search == Filter(
        (
            Comparison("attribute", "name", "LIKE", "Uni%"),
            Comparison("tag", "team", "!=", "a"),
        )
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name = 'a'", one("attribute", "name", "=", "a")),
        ('name = "a"', one("attribute", "name", "=", "a")),
        ("`name` = 'a'", one("attribute", "name", "=", "a")),
        ("attribute.name = 'a'", one("attribute", "name", "=", "a")),
        ("ATTRIBUTES.\"name\" = 'a'", one("attribute", "name", "=", "a")),
        ("name <> 'a'", one("attribute", "name", "!=", "a")),
        ("name like 'a%'", one("attribute", "name", "LIKE", "a%")),
        ("name iLike 'A%'", one("attribute", "name", "ILIKE", "A%")),
        ("name='a'and name!='b'", NAME_A_AND_NOT_B),
        ("name = 'a'\n  AND\tname <> 'b'", NAME_A_AND_NOT_B),
        ("tags.team = 'ml'", one("tag", "team", "=", "ml")),
        ("TAG.team = 'ml'", one("tag", "team", "=", "ml")),
        ("tags.`a.b c` = 'x'", one("tag", "a.b c", "=", "x")),
        ("tags.\"a.b\" = 'x'", one("tag", "a.b", "=", "x")),
        ("tags.`it``s` = 'x'", one("tag", "it`s", "=", "x")),
        ("tags.k = 'it''s'", one("tag", "k", "=", "it's")),
        ('tags.k = "say ""hi"""', one("tag", "k", "=", 'say "hi"')),
        ("tags.k = ''", one("tag", "k", "=", "")),
        ("name IN ('a', \"b\")", one("attribute", "name", "IN", ("a", "b"))),
    ],
)
def test_registered_model_filter(text: str, expected: Filter) -> None:
    assert parse_filter(text, REGISTERED_MODELS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version_number = 3", one("attribute", "version_number", "=", 3)),
        ("version_number>=-2", one("attribute", "version_number", ">=", -2)),
        ("version_number < 2.5", one("attribute", "version_number", "<", 2.5)),
        ("version_number <= 1e3", one("attribute", "version_number", "<=", 1000.0)),
        ("run_id IN ('r1','r2')", one("attribute", "run_id", "IN", ("r1", "r2"))),
        ("run_id not  IN ( 'r1' )", one("attribute", "run_id", "NOT IN", ("r1",))),
        ("source_path LIKE 's3://%'", one("attribute", "source_path", "LIKE", "s3://%")),
    ],
)
def test_model_version_filter(text: str, expected: Filter) -> None:
    assert parse_filter(text, MODEL_VERSIONS) == expected


def test_integer_and_float_values_keep_their_type() -> None:
    (integer,) = parse_filter("version_number = 3", MODEL_VERSIONS).comparisons
    (real,) = parse_filter("version_number = 3.0", MODEL_VERSIONS).comparisons
    assert type(integer.value) is int
    assert type(real.value) is float


def test_invalid_filter_is_an_invalid_parameter_value() -> None:
    with pytest.raises(InvalidParameterValue) as caught:
        parse_filter("name ~ 'a'", REGISTERED_MODELS)
    assert isinstance(caught.value, InvalidFilter)
    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize(
    ("spec", "text", "reason", "position"),
    [
        (REGISTERED_MODELS, "name ~ 'a'", "unexpected character '~'", 5),
        (REGISTERED_MODELS, "name = 'a", 'unexpected character "\'"', 7),
        (REGISTERED_MODELS, "tags.`k = 'a'", "unexpected character '`'", 5),
        (REGISTERED_MODELS, "name = 'a' OR name = 'b'", "expected AND", 11),
        (REGISTERED_MODELS, "name = 'a' AND", "found the end", 14),
        (REGISTERED_MODELS, "name =", "expected a value, found the end", 6),
        (REGISTERED_MODELS, "owner = 'a'", "invalid attribute key 'owner'", 0),
        (REGISTERED_MODELS, "  NAME = 'a'", "invalid attribute key 'NAME'", 2),
        (REGISTERED_MODELS, "run_id = 'a'", "invalid attribute key 'run_id'", 0),
        (REGISTERED_MODELS, "version_number = 1", "invalid attribute key", 0),
        (REGISTERED_MODELS, "name.x = 'a'", "expected tags.<key>", 0),
        (REGISTERED_MODELS, "tags.'k' = 'a'", "expected a key", 5),
        (REGISTERED_MODELS, "'name' = 'a'", "expected an identifier", 0),
        (REGISTERED_MODELS, "name = 3", "compared with quoted strings", 7),
        (REGISTERED_MODELS, "name < 'a'", "comparator < is not supported", 0),
        (REGISTERED_MODELS, "tags.k IN ('a')", "comparator IN is not supported", 5),
        (REGISTERED_MODELS, "name NOT LIKE 'a'", "expected IN after NOT", 9),
        (REGISTERED_MODELS, "name IN 'a'", "expected '(' to open", 8),
        (REGISTERED_MODELS, "name IN ()", "expected a quoted string in the list", 9),
        (REGISTERED_MODELS, "name IN ('a' 'b')", "expected ',' or ')'", 13),
        (REGISTERED_MODELS, "name IN ('a',", "found the end", 13),
        (MODEL_VERSIONS, "version_number = '3'", "compared with numbers", 17),
        (MODEL_VERSIONS, "version_number LIKE '3%'", "comparator LIKE is not supported", 0),
        (MODEL_VERSIONS, "version_number = 3AND", "unexpected character '3'", 17),
        (MODEL_VERSIONS, "version_number = 1.", "unexpected character '1'", 17),
        (MODEL_VERSIONS, "source_path IN ('a')", "comparator IN is not supported", 0),
    ],
)
def test_invalid_filter_names_the_reason_and_position(
    spec: SearchSpec, text: str, reason: str, position: int
) -> None:
    with pytest.raises(InvalidFilter) as caught:
        parse_filter(text, spec)
    message = caught.value.message
    assert reason in message
    assert message.endswith(f" at position {position}.")
    assert repr(text) in message


def test_integer_too_long_to_convert_is_an_invalid_filter() -> None:
    with pytest.raises(InvalidFilter, match="position 17"):
        parse_filter("version_number = " + "9" * 5_000, MODEL_VERSIONS)
