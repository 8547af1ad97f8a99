"""Property tests of the search language: filters, order_by clauses and page tokens.

Filters are generated from the grammar in ``modelreg.search.parser`` (random identifiers,
quoting, keyword case and whitespace), rendered to text and parsed back to the very AST they
were generated from. Junk, near-miss and mutated inputs must parse or raise InvalidFilter
naming a position inside the text; nothing else may escape.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import string
from dataclasses import dataclass

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from modelreg.errors import InvalidFilter
from modelreg.search import (
    MODEL_VERSIONS,
    REGISTERED_MODELS,
    Comparison,
    Filter,
    OrderKey,
    SearchSpec,
    decode_page_token,
    encode_page_token,
    parse_filter,
    parse_order_by,
)
from modelreg.search.page_token import query_fingerprint

# Few examples and no deadline: the machine is shared, and the whole file must stay fast.
SETTINGS = settings(max_examples=30, deadline=None)
#: The filter round trip and the junk filters are the heart of the file: a few more examples.
MORE = settings(max_examples=60, deadline=None)

STRING_OPS = ("=", "!=", "LIKE", "ILIKE")
LIST_OPS = ("IN", "NOT IN")
NUMERIC_OPS = ("=", "!=", "<", "<=", ">", ">=")

# The grammar each entity accepts, written out here rather than read from the specs, so a
# change to the specs that drops or widens an attribute fails these tests.
ATTRIBUTE_OPS: dict[str, dict[str, tuple[str, ...]]] = {
    "registered_models": {"name": STRING_OPS + LIST_OPS},
    "model_versions": {
        "name": STRING_OPS + LIST_OPS,
        "run_id": STRING_OPS + LIST_OPS,
        "source_path": STRING_OPS,
        "version_number": NUMERIC_OPS,
    },
}
NUMERIC_ATTRIBUTES = frozenset({"version_number"})
SPECS = (REGISTERED_MODELS, MODEL_VERSIONS)

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
POSITION = re.compile(r" at position (\d+)\.$")


# -- rendering helpers ----------------------------------------------------------------------


def quote(text: str, mark: str) -> str:
    """``text`` between ``mark`` quotes, with the quote character doubled inside."""
    return mark + text.replace(mark, mark * 2) + mark


def render_number(value: int | float) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "1e999" if value > 0 else "-1e999"
    return repr(value)


def render_canonical(search: Filter) -> str:
    """One fixed spelling of a filter, for parsing an AST back after it was parsed once."""
    parts = []
    for c in search.comparisons:
        prefix = "tags." if c.kind == "tag" else "attribute."
        if isinstance(c.value, tuple):
            value = "(" + ", ".join(quote(item, "'") for item in c.value) + ")"
        elif isinstance(c.value, str):
            value = quote(c.value, "'")
        else:
            value = render_number(c.value)
        parts.append(f"{prefix}{quote(c.key, '`')} {c.op} {value}")
    return " AND ".join(parts)


def _wordish(char: str) -> bool:
    return char.isalnum() or char == "_"


# -- strategies -----------------------------------------------------------------------------

optional_space = st.text(alphabet=" \t\r\n", max_size=2)
some_space = st.text(alphabet=" \t\r\n", min_size=1, max_size=2)


@st.composite
def keyword(draw: st.DrawFn, word: str) -> str:
    """``word`` in random letter case (one bit of ``mask`` per letter)."""
    mask = draw(st.integers(0, 2 ** len(word) - 1))
    return "".join(c.upper() if mask >> i & 1 else c.lower() for i, c in enumerate(word))


@st.composite
def joined(draw: st.DrawFn, pieces: list[str]) -> str:
    """Join tokens with random whitespace, required only where two words would run together."""
    text = draw(optional_space)
    for i, piece in enumerate(pieces):
        if i:
            touching = _wordish(pieces[i - 1][-1]) and _wordish(piece[0])
            text += draw(some_space if touching else optional_space)
        text += piece
    return text + draw(optional_space)


# Any text, and strings that exercise the quoting rules and LIKE's wildcards.
awkward_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "it's", 'say "hi"', "a''b", "%", "_x%", "`", "a.b", "x y", "AND"]),
)
word_key = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True)


@st.composite
def tag_identifier(draw: st.DrawFn) -> tuple[str, str]:
    """``tags.<key>`` / ``tag.<key>`` with a word, backquoted or double-quoted key."""
    prefix = draw(keyword(draw(st.sampled_from(["tags", "tag"]))))
    key = draw(st.one_of(word_key, awkward_text))
    forms = [quote(key, "`"), quote(key, '"')]
    if WORD.fullmatch(key):
        forms.append(key)
    return key, f"{prefix}.{draw(st.sampled_from(forms))}"


@st.composite
def attribute_identifier(draw: st.DrawFn, key: str) -> str:
    """An attribute, bare, backquoted, or after ``attribute.`` / ``attributes.``."""
    bare = draw(st.sampled_from([key, quote(key, "`")]))
    if draw(st.booleans()):
        return bare
    prefix = draw(keyword(draw(st.sampled_from(["attribute", "attributes"]))))
    spelling = draw(st.sampled_from([key, quote(key, "`"), quote(key, '"')]))
    return f"{prefix}.{spelling}"


@st.composite
def operator(draw: st.DrawFn, op: str) -> str:
    """A canonical comparator spelled as a user might."""
    if op == "!=":
        return draw(st.sampled_from(["!=", "<>"]))
    if op == "NOT IN":
        return draw(keyword("NOT")) + draw(some_space) + draw(keyword("IN"))
    if op.isalpha():
        return draw(keyword(op))
    return op


@st.composite
def string_value(draw: st.DrawFn) -> tuple[str, str]:
    text = draw(awkward_text)
    return text, quote(text, draw(st.sampled_from(["'", '"'])))


@st.composite
def number_value(draw: st.DrawFn) -> tuple[int | float, str]:
    number = draw(
        st.one_of(
            st.integers(-(10**18), 10**18),
            st.floats(allow_nan=False, allow_infinity=False),
        )
    )
    return number, render_number(number)


@st.composite
def string_list(draw: st.DrawFn) -> tuple[tuple[str, ...], str]:
    items = draw(st.lists(string_value(), min_size=1, max_size=4))
    separators = [draw(optional_space) + "," + draw(optional_space) for _ in items[1:]]
    inner = items[0][1] + "".join(
        s + item for s, (_, item) in zip(separators, items[1:], strict=True)
    )
    text = "(" + draw(optional_space) + inner + draw(optional_space) + ")"
    return tuple(value for value, _ in items), text


@st.composite
def comparison(draw: st.DrawFn, spec: SearchSpec) -> tuple[Comparison, list[str]]:
    """A valid comparison for ``spec`` and its tokens."""
    attributes = ATTRIBUTE_OPS[spec.entity]
    choice = draw(st.sampled_from(["tag", *sorted(attributes)]))
    if choice == "tag":
        key, identifier = draw(tag_identifier())
        kind, ops = "tag", STRING_OPS
    else:
        key, identifier = choice, draw(attribute_identifier(choice))
        kind, ops = "attribute", attributes[choice]
    op = draw(st.sampled_from(ops))
    if op in LIST_OPS:
        value, value_text = draw(string_list())
    elif kind == "attribute" and key in NUMERIC_ATTRIBUTES:
        value, value_text = draw(number_value())
    else:
        value, value_text = draw(string_value())
    return Comparison(kind, key, op, value), [identifier, draw(operator(op)), value_text]


@dataclass(frozen=True)
class FilterCase:
    spec: SearchSpec
    text: str
    expected: Filter
    pieces: tuple[str, ...]


@st.composite
def filter_cases(draw: st.DrawFn, spec: SearchSpec) -> FilterCase:
    """A random valid filter for ``spec``, as text and as the Filter it must parse to."""
    comparisons = draw(st.lists(comparison(spec), max_size=4))
    pieces: list[str] = []
    for i, (_, tokens) in enumerate(comparisons):
        if i:
            pieces.append(draw(keyword("AND")))
        pieces.extend(tokens)
    text = draw(joined(pieces))
    return FilterCase(spec, text, Filter(tuple(c for c, _ in comparisons)), tuple(pieces))


any_filter_case = st.sampled_from(SPECS).flatmap(filter_cases)
any_spec = st.sampled_from(SPECS)

# Pieces of the language, glued together at random: mostly near-misses of real filters.
FRAGMENTS = [
    "name", "tags", "tag", "attribute", "version_number", "run_id", "source_path", "x",
    ".", "`", "``", "'", "''", '"', "=", "!=", "<>", "<", "<=", ">", ">=", "!", "LIKE",
    "ilike", "IN", "not", "AND", "or", "(", ")", ",", " ", "\t", "1", "-", "2.5", "e", "1e3",
    "%", "\\", "\n", "'a'", '"b"', "`c d`", "tags.`k`", "é", "\x00",
]  # fmt: skip
fragment_soup = st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join)


# Whole tokens of every kind, to put where the grammar expects another kind.
TOKENS = [
    "name", "run_id", "version_number", "tags.k", "`k`", '"k"', "'v'", '"v"', "3", "-2.5",
    "=", "<>", "<", "LIKE", "ILIKE", "IN", "NOT IN", "NOT", "AND", "OR", "(", ")", ",", ".",
    "('a')", "('a', 'b')",
]  # fmt: skip


@st.composite
def token_swapped_filter(draw: st.DrawFn) -> tuple[SearchSpec, str]:
    """A valid non-empty filter with one token replaced by a token of any kind."""
    case = draw(any_filter_case.filter(lambda case: case.pieces))
    pieces = list(case.pieces)
    pieces[draw(st.integers(0, len(pieces) - 1))] = draw(st.sampled_from(TOKENS))
    return case.spec, " ".join(pieces)


@st.composite
def mutated_filter(draw: st.DrawFn) -> tuple[SearchSpec, str]:
    """A valid filter with one random edit: a deletion, an insertion or a truncation."""
    case = draw(any_filter_case)
    text = case.text
    at = draw(st.integers(0, len(text)))
    edit = draw(st.sampled_from(["delete", "insert", "truncate"]))
    if edit == "delete":
        text = text[:at] + text[at + draw(st.integers(1, 4)) :]
    elif edit == "insert":
        text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at:]
    else:
        text = text[:at]
    return case.spec, text


# -- checks ---------------------------------------------------------------------------------


def assert_well_formed(search: Filter, spec: SearchSpec) -> None:
    """Every comparison of a parsed filter is one the grammar allows for ``spec``."""
    attributes = ATTRIBUTE_OPS[spec.entity]
    for c in search.comparisons:
        if c.kind == "tag":
            assert c.op in STRING_OPS
        else:
            assert c.kind == "attribute"
            assert c.op in attributes[c.key]
        if c.op in LIST_OPS:
            assert isinstance(c.value, tuple)
            assert c.value
            assert all(isinstance(item, str) for item in c.value)
        elif c.kind == "attribute" and c.key in NUMERIC_ATTRIBUTES:
            assert isinstance(c.value, int | float)
        else:
            assert isinstance(c.value, str)


def assert_same_ast(actual: Filter, expected: Filter) -> None:
    """Equal, and with values of the same types (``3`` and ``3.0`` compare equal)."""
    assert actual == expected
    assert [type(c.value) for c in actual.comparisons] == [
        type(c.value) for c in expected.comparisons
    ]


def assert_names_a_position(error: InvalidFilter, text: str) -> None:
    """The message ends with a position inside ``text``, at the character it complains of."""
    match = POSITION.search(error.message)
    assert match, error.message
    position = int(match.group(1))
    assert 0 <= position <= len(text)
    if "unexpected character" in error.message:
        assert f"unexpected character {text[position]!r}" in error.message


def assert_parses_or_rejects(text: str, spec: SearchSpec) -> None:
    """``text`` parses to a well-formed filter, or raises InvalidFilter with a position."""
    try:
        search = parse_filter(text, spec)
    except InvalidFilter as error:
        assert_names_a_position(error, text)
        return
    assert_well_formed(search, spec)
    # What parsed once must parse the same from its canonical spelling.
    assert_same_ast(parse_filter(render_canonical(search), spec), search)


# -- filters --------------------------------------------------------------------------------


@MORE
@given(any_filter_case)
def test_generated_filter_parses_back_to_its_ast(case: FilterCase) -> None:
    assert_same_ast(parse_filter(case.text, case.spec), case.expected)
    assert_same_ast(parse_filter(render_canonical(case.expected), case.spec), case.expected)


@MORE
@given(any_spec, st.text(max_size=40))
def test_arbitrary_text_parses_or_raises_invalid_filter(spec: SearchSpec, text: str) -> None:
    assert_parses_or_rejects(text, spec)


@MORE
@given(any_spec, fragment_soup)
def test_fragments_of_the_language_parse_or_raise_invalid_filter(
    spec: SearchSpec, text: str
) -> None:
    assert_parses_or_rejects(text, spec)


@MORE
@given(token_swapped_filter())
def test_filter_with_a_token_swapped_parses_or_raises_invalid_filter(
    swapped: tuple[SearchSpec, str],
) -> None:
    spec, text = swapped
    assert_parses_or_rejects(text, spec)


@MORE
@given(mutated_filter())
def test_edited_valid_filter_parses_or_raises_invalid_filter(
    mutated: tuple[SearchSpec, str],
) -> None:
    spec, text = mutated
    assert_parses_or_rejects(text, spec)


@SETTINGS
@given(any_filter_case, st.sampled_from(["OR", "AND", "AND AND", ",", ")", "'x'"]))
def test_trailing_garbage_after_a_valid_filter_is_rejected(case: FilterCase, tail: str) -> None:
    text = case.text + " " + tail
    with pytest.raises(InvalidFilter) as caught:
        parse_filter(text, case.spec)
    match = POSITION.search(caught.value.message)
    assert match, caught.value.message
    assert len(case.text) <= int(match.group(1)) <= len(text)


# -- order_by -------------------------------------------------------------------------------

# The spellings of each canonical order key, per entity.
ORDER_SPELLINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "registered_models": {
        "name": ("name",),
        "last_updated_timestamp": ("last_updated_timestamp", "timestamp"),
        "creation_timestamp": ("creation_timestamp",),
    },
    "model_versions": {
        "name": ("name",),
        "version_number": ("version_number",),
        "creation_timestamp": ("creation_timestamp",),
        "last_updated_timestamp": ("last_updated_timestamp", "timestamp"),
    },
}


@st.composite
def order_clause(draw: st.DrawFn, spec: SearchSpec, key: str) -> tuple[OrderKey, str]:
    spelling = draw(st.sampled_from(ORDER_SPELLINGS[spec.entity][key]))
    if draw(st.booleans()):
        spelling = quote(spelling, "`")
    if draw(st.booleans()):
        spelling = (
            draw(keyword(draw(st.sampled_from(["attribute", "attributes"])))) + "." + spelling
        )
    direction = draw(st.sampled_from([None, "ASC", "DESC"]))
    text = draw(optional_space) + spelling
    if direction is not None:
        text += draw(some_space) + draw(keyword(direction))
    return OrderKey(key, ascending=direction != "DESC"), text + draw(optional_space)


@dataclass(frozen=True)
class OrderCase:
    spec: SearchSpec
    clauses: list[str]
    expected: tuple[OrderKey, ...]


@st.composite
def order_cases(draw: st.DrawFn, spec: SearchSpec) -> OrderCase:
    keys = draw(st.permutations(sorted(ORDER_SPELLINGS[spec.entity])))
    chosen = keys[: draw(st.integers(0, len(keys)))]
    clauses = [draw(order_clause(spec, key)) for key in chosen]
    defaults = tuple(k for k in spec.default_order if k.key not in chosen)
    return OrderCase(spec, [text for _, text in clauses], tuple(k for k, _ in clauses) + defaults)


any_order_case = st.sampled_from(SPECS).flatmap(order_cases)


@SETTINGS
@given(any_order_case)
def test_generated_order_by_parses_to_its_keys_then_the_default_order(case: OrderCase) -> None:
    assert parse_order_by(case.clauses, case.spec) == case.expected


@st.composite
def single_order_clause(draw: st.DrawFn) -> tuple[SearchSpec, str]:
    spec = draw(any_spec)
    key = draw(st.sampled_from(sorted(ORDER_SPELLINGS[spec.entity])))
    return spec, draw(order_clause(spec, key))[1]


@SETTINGS
@given(single_order_clause())
def test_a_single_order_by_string_is_one_clause(case: tuple[SearchSpec, str]) -> None:
    spec, clause = case
    assert parse_order_by(clause, spec) == parse_order_by([clause], spec)


@st.composite
def duplicated_order(draw: st.DrawFn) -> tuple[SearchSpec, list[str]]:
    spec = draw(any_spec)
    key = draw(st.sampled_from(sorted(ORDER_SPELLINGS[spec.entity])))
    clauses = [text for _, text in draw(st.lists(order_clause(spec, key), min_size=2, max_size=3))]
    return spec, draw(st.permutations(clauses))


@SETTINGS
@given(duplicated_order())
def test_order_by_naming_a_key_twice_is_rejected(case: tuple[SearchSpec, list[str]]) -> None:
    spec, clauses = case
    with pytest.raises(InvalidFilter, match="more than once"):
        parse_order_by(clauses, spec)


@SETTINGS
@given(any_spec, st.lists(st.one_of(st.text(max_size=25), fragment_soup), max_size=4))
def test_arbitrary_order_by_parses_or_raises_invalid_filter(
    spec: SearchSpec, clauses: list[str]
) -> None:
    try:
        order = parse_order_by(clauses, spec)
    except InvalidFilter:
        return
    keys = [(key.kind, key.key) for key in order]
    assert len(keys) == len(set(keys))
    assert set(keys) >= {(key.kind, key.key) for key in spec.default_order}
    # Registry searches sort by attributes only, under their canonical names.
    assert {key.kind for key in order} == {"attribute"}
    assert {key.key for key in order} <= set(ORDER_SPELLINGS[spec.entity])


# -- page tokens ----------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
sort_values = st.lists(json_scalars, max_size=6)
fingerprints = st.builds(query_fingerprint, st.text(max_size=10), st.integers())
URL_SAFE = re.compile(r"[A-Za-z0-9_=-]+")


@SETTINGS
@given(sort_values, st.one_of(fingerprints, st.text(max_size=20)))
def test_page_token_round_trips(after: list[object], fingerprint: str) -> None:
    token = encode_page_token(after, fingerprint)
    assert URL_SAFE.fullmatch(token)
    decoded = decode_page_token(token, fingerprint)
    assert decoded == after
    assert [type(value) for value in decoded] == [type(value) for value in after]


@SETTINGS
@given(sort_values, fingerprints, fingerprints)
def test_page_token_of_another_search_is_rejected(
    after: list[object], issued_for: str, used_for: str
) -> None:
    token = encode_page_token(after, issued_for)
    if issued_for == used_for:
        assert decode_page_token(token, used_for) == after
    else:
        with pytest.raises(InvalidFilter, match="different filter or order_by"):
            decode_page_token(token, used_for)


@SETTINGS
@given(sort_values, fingerprints, st.data())
def test_truncated_page_token_is_rejected(
    after: list[object], fingerprint: str, data: st.DataObject
) -> None:
    token = encode_page_token(after, fingerprint)
    cut = data.draw(st.integers(1, len(token) - 1))
    with pytest.raises(InvalidFilter):
        decode_page_token(token[:cut], fingerprint)


B64_ALPHABET = string.ascii_letters + string.digits + "-_"


def _bytes_of_base64_char(index: int) -> set[int]:
    """The payload bytes whose bits the token character at ``index`` carries."""
    group, offset = divmod(index, 4)
    first = 3 * group
    return [{first}, {first, first + 1}, {first + 1, first + 2}, {first + 2}][offset]


@SETTINGS
@given(sort_values, fingerprints, st.data())
def test_page_token_with_an_edited_query_is_rejected(
    after: list[object], fingerprint: str, data: st.DataObject
) -> None:
    token = encode_page_token(after, fingerprint)
    payload = base64.urlsafe_b64decode(token)
    # The payload ends with `"query":"<fingerprint>"}`: edit a character carrying only
    # bytes of the quoted fingerprint.
    end = len(payload) - 1
    start = end - len(json.dumps(fingerprint))
    candidates = [
        i for i in range(len(token)) if _bytes_of_base64_char(i) <= set(range(start, end))
    ]
    index = data.draw(st.sampled_from(candidates))
    replacement = data.draw(st.sampled_from(B64_ALPHABET.replace(token[index], "")))
    tampered = token[:index] + replacement + token[index + 1 :]
    with pytest.raises(InvalidFilter):
        decode_page_token(tampered, fingerprint)


@SETTINGS
@given(sort_values, fingerprints, st.data())
def test_page_token_with_any_edit_decodes_or_raises_invalid_filter(
    after: list[object], fingerprint: str, data: st.DataObject
) -> None:
    token = encode_page_token(after, fingerprint)
    index = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.text(min_size=0, max_size=2))
    tampered = token[:index] + replacement + token[index + 1 :]
    try:
        decoded = decode_page_token(tampered, fingerprint)
    except InvalidFilter:
        return
    assert decoded is None or isinstance(decoded, list)


json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)


@st.composite
def foreign_payloads(draw: st.DrawFn, fingerprint: str) -> object:
    """JSON that is not ``{"after": [...], "query": fingerprint}``."""
    payload = draw(
        st.one_of(
            json_values,
            st.fixed_dictionaries(
                {"after": json_values.filter(lambda v: not isinstance(v, list))},
                optional={"query": st.just(fingerprint)},
            ),
            st.fixed_dictionaries({"query": st.just(fingerprint)}),
            st.fixed_dictionaries(
                {"after": st.lists(json_scalars)}, optional={"query": json_scalars}
            ),
        )
    )
    valid = (
        isinstance(payload, dict)
        and isinstance(payload.get("after"), list)
        and payload.get("query") == fingerprint
    )
    assume(not valid)
    return payload


@SETTINGS
@given(fingerprints, st.data())
def test_foreign_json_page_token_is_rejected(fingerprint: str, data: st.DataObject) -> None:
    payload = data.draw(foreign_payloads(fingerprint))
    token = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    with pytest.raises(InvalidFilter):
        decode_page_token(token, fingerprint)


@SETTINGS
@given(fingerprints, st.text(min_size=1, max_size=60))
def test_arbitrary_text_is_not_a_page_token(fingerprint: str, text: str) -> None:
    with pytest.raises(InvalidFilter, match="page_token"):
        decode_page_token(text, fingerprint)


@SETTINGS
@given(fingerprints, st.binary(min_size=1, max_size=40))
def test_base64_of_arbitrary_bytes_is_not_a_page_token(fingerprint: str, raw: bytes) -> None:
    token = base64.urlsafe_b64encode(raw).decode()
    try:
        payload = json.loads(raw)
    except (ValueError, binascii.Error):
        payload = None
    if isinstance(payload, dict) and payload.get("query") == fingerprint:
        return  # a valid token by construction, vanishingly rare
    with pytest.raises(InvalidFilter):
        decode_page_token(token, fingerprint)
