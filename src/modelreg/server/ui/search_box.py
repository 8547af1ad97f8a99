"""What the models search box means: a filter in the search language, or plain text.

``name LIKE 'Uni%'`` and ``tags.team = 'a'`` are used as written; anything that does not
parse and does not look like an attempt at a filter (``unicorn``, ``fraud model``) matches
names containing it, case-insensitively: ``name ILIKE '%unicorn%'``.
"""

from __future__ import annotations

import re

from modelreg.errors import InvalidFilter
from modelreg.search import SearchSpec, parse_filter

__all__ = ["filter_for", "quoted"]

# A filter's start: a prefixed key (``tags.x``), a quoted key, or a word then a comparator.
_FILTER_START = re.compile(
    r"""^\s*(?:(?P<prefixed>(?:tags?|attributes?|params?|metrics?)\s*\.)|(?P<quoted>[`"])
    |(?P<word>\w+)\s*(?:=|!=|<>|<|>|\b(?:like|ilike|in|not)\b))""",
    re.IGNORECASE | re.VERBOSE,
)


def _looks_like_filter(query: str, spec: SearchSpec) -> bool:
    match = _FILTER_START.match(query)
    if match is None:
        return False
    word = match.group("word")
    return word is None or word.lower() in spec.attributes


def quoted(text: str) -> str:
    """``text`` as a single-quoted string of the search language."""
    return "'" + text.replace("'", "''") + "'"


def filter_for(query: str, spec: SearchSpec, text_key: str = "name") -> str:
    """The filter string for what was typed in the search box ("" for nothing); plain text
    matches the attribute ``text_key``.

    Raises InvalidFilter when the text is meant as a filter but is not a valid one.
    """
    query = query.strip()
    if not query:
        return ""
    try:
        parse_filter(query, spec)
    except InvalidFilter:
        if _looks_like_filter(query, spec):
            raise
        return f"{text_key} ILIKE {quoted('%' + query + '%')}"
    return query
