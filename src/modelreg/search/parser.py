"""Parse a filter string such as ``name LIKE 'Uni%' AND tags.`team` != 'a'`` into a Filter.

Grammar (keywords are case-insensitive)::

    filter     := [comparison (AND comparison)*]
    comparison := identifier operator value
    identifier := prefix "." key | key
    prefix     := tags | tag | metrics | metric | params | param | attribute | attributes
    key        := word | `backquoted` | "double quoted"
    operator   := = | != | <> | < | <= | > | >= | LIKE | ILIKE | IN | NOT IN
    value      := 'single' | "double" | number | "(" string ("," string)* ")"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modelreg.errors import InvalidFilter
from modelreg.search.ast import Comparison, ComparisonKind, Filter, Value
from modelreg.search.specs import LIST_OPS, NUMERIC_OPS, STRING_OPS, TAG_OPS, SearchSpec

#: Identifier prefixes and the kind of comparison each introduces.
PREFIXES: dict[str, ComparisonKind] = {
    "tags": "tag",
    "tag": "tag",
    "metrics": "metric",
    "metric": "metric",
    "params": "param",
    "param": "param",
    "attributes": "attribute",
    "attribute": "attribute",
}

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<backquoted>`(?:[^`]|``)*`)
  | (?P<single>'(?:[^']|'')*')
  | (?P<double>"(?:[^"]|"")*")
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\w.])
  | (?P<op>!=|<>|<=|>=|=|<|>)
  | (?P<punct>[(),.])
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    """A lexical token: its kind, its text as written, and its offset in the filter."""

    kind: str
    text: str
    pos: int

    @property
    def unquoted(self) -> str:
        """The text without its quotes, with doubled quotes collapsed."""
        if self.kind in ("backquoted", "single", "double"):
            quote = self.text[0]
            return self.text[1:-1].replace(quote * 2, quote)
        return self.text

    def is_word(self, *words: str) -> bool:
        """Whether this is one of the given keywords, case-insensitively."""
        return self.kind == "word" and self.text.upper() in words


def tokenize(text: str) -> list[Token]:
    """Split a filter into tokens, raising InvalidFilter at the first character that fits none."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise _error(text, pos, f"unexpected character {text[pos]!r}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    return tokens


def _error(text: str, pos: int, reason: str) -> InvalidFilter:
    return InvalidFilter(f"Invalid filter string {text!r}: {reason} at position {pos}.")


class _Parser:
    def __init__(self, text: str, spec: SearchSpec) -> None:
        self.text = text
        self.spec = spec
        self.tokens = tokenize(text)
        self.index = 0

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str) -> Token:
        token = self.peek()
        if token is None:
            raise _error(self.text, len(self.text), f"expected {expected}, found the end")
        self.index += 1
        return token

    def fail(self, token: Token, reason: str) -> InvalidFilter:
        return _error(self.text, token.pos, f"{reason}, found {token.text!r}")

    def parse(self) -> Filter:
        comparisons = []
        if self.peek() is None:
            return Filter()
        while True:
            comparisons.append(self.comparison())
            token = self.peek()
            if token is None:
                return Filter(tuple(comparisons))
            if not token.is_word("AND"):
                raise self.fail(token, "expected AND (the only connective)")
            self.index += 1

    def comparison(self) -> Comparison:
        kind, key, key_token = self.identifier()
        op = self.operator()
        value_token = self.peek()
        value = self.value(op)
        assert value_token is not None
        self.check(kind, key, key_token, op, value, value_token)
        return Comparison(kind, key, op, value)

    def identifier(self) -> tuple[ComparisonKind, str, Token]:
        token = self.take("an identifier such as name or tags.<key>")
        following = self.peek()
        prefixed = following is not None and following.text == "."
        if token.kind == "word" and prefixed:
            kind = PREFIXES.get(token.text.lower())
            if kind is None or (kind != "attribute" and kind not in self.spec.prefixed_kinds):
                allowed = ", ".join(f"{k}s.<key>" for k in sorted(self.spec.prefixed_kinds))
                raise self.fail(token, f"expected {allowed} or an attribute")
            self.index += 1
            key_token = self.take("a key after the dot")
            if key_token.kind not in ("word", "backquoted", "double"):
                raise self.fail(key_token, "expected a key (backquote keys with dots or spaces)")
            return kind, key_token.unquoted, key_token
        if token.kind not in ("word", "backquoted"):
            raise self.fail(token, "expected an identifier such as name or tags.<key>")
        return "attribute", token.unquoted, token

    def operator(self) -> str:
        token = self.take("a comparator (=, !=, LIKE, ILIKE, IN)")
        if token.kind == "op":
            return "!=" if token.text == "<>" else token.text
        if token.is_word("LIKE", "ILIKE", "IN"):
            return token.text.upper()
        if token.is_word("NOT"):
            following = self.take("IN after NOT")
            if following.is_word("IN"):
                return "NOT IN"
            raise self.fail(following, "expected IN after NOT")
        raise self.fail(token, "expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN)")

    def value(self, op: str) -> Value:
        if op in LIST_OPS:
            return self.string_list()
        token = self.take("a value")
        if token.kind in ("single", "double"):
            return token.unquoted
        if token.kind == "number":
            try:
                if any(c in token.text for c in ".eE"):
                    return float(token.text)
                return int(token.text)
            except ValueError:
                raise self.fail(token, "expected a number Python can hold") from None
        raise self.fail(token, "expected a quoted string or a number")

    def string_list(self) -> tuple[str, ...]:
        opening = self.take("a parenthesised list of strings")
        if opening.text != "(":
            raise self.fail(opening, "expected '(' to open a list of strings")
        items: list[str] = []
        while True:
            item = self.take("a quoted string")
            if item.kind not in ("single", "double"):
                raise self.fail(item, "expected a quoted string in the list")
            items.append(item.unquoted)
            separator = self.take("',' or ')'")
            if separator.text == ")":
                return tuple(items)
            if separator.text != ",":
                raise self.fail(separator, "expected ',' or ')' in the list")

    def check(
        self, kind: str, key: str, key_token: Token, op: str, value: Value, value_token: Token
    ) -> None:
        spec = self.spec
        numeric = kind == "metric" or (kind == "attribute" and key in spec.numeric_attributes)
        if kind in ("tag", "param"):
            allowed = TAG_OPS
        elif numeric:
            allowed = NUMERIC_OPS
        elif key in spec.string_attributes:
            allowed = STRING_OPS | (LIST_OPS if key in spec.list_attributes else frozenset())
        else:
            valid = ", ".join(sorted(spec.attributes))
            raise _error(
                self.text,
                key_token.pos,
                f"invalid attribute key '{key}' (valid keys are {valid}, and tags.<key>)",
            )
        if op not in allowed:
            raise _error(
                self.text,
                key_token.pos,
                f"comparator {op} is not supported for {kind} '{key}' "
                f"(supported: {', '.join(sorted(allowed))})",
            )
        if numeric and not isinstance(value, int | float):
            raise self.fail(value_token, f"'{key}' is compared with numbers")
        if not numeric and op not in LIST_OPS and not isinstance(value, str):
            raise self.fail(value_token, f"{kind} '{key}' is compared with quoted strings")


def parse_filter(text: str | None, spec: SearchSpec) -> Filter:
    """Parse ``text`` into a Filter for the entity ``spec`` describes.

    Raises InvalidFilter naming the offending token and its position.
    """
    if text is None or not text.strip():
        return Filter()
    return _Parser(text, spec).parse()
