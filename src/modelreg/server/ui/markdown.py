"""Descriptions rendered from Markdown, safely: raw HTML is shown as text, never interpreted.

CommonMark with tables and strikethrough; HTML in the source is escaped, links may only use
safe schemes (``javascript:``, ``vbscript:``, ``data:`` and ``file:`` are dropped by
markdown-it's link validation), images are not rendered (a description must not make the
browser fetch anything), and links open without a referrer or ``window.opener``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

__all__ = ["MarkdownRenderer"]


def _link_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
    return renderer.renderToken(tokens, idx, options, env)


class MarkdownRenderer:
    """Renders Markdown text to HTML that is safe to put in a page."""

    def __init__(self) -> None:
        parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        parser.enable(["table", "strikethrough"])
        parser.disable("image")
        parser.add_render_rule("link_open", _link_open)
        self._parser = parser

    def __call__(self, text: Any) -> Markup:
        """The HTML of ``text`` (empty for None)."""
        if not text:
            return Markup("")
        # The parser escapes every character of the source that is not Markdown syntax.
        return Markup(self._parser.render(str(text)))
