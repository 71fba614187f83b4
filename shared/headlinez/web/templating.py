"""The Jinja2 environment of the pages: autoescaped, strict, built once per execution environment.

`headlinez.web.pages` imports this module on its first render, so a cold start that only serves
JSON never imports Jinja2 (docs/decisions.md, D-templates).

Escaping: every `{{ value }}` in a template is escaped (`autoescape` for every template: they are
all HTML). Only `Markup` passes through unescaped: Jinja's own (macro output, `{% set %}` blocks)
and `headlinez.web.html.Markup` (the SVG charts), which declares itself safe with `__html__`.
An undefined name is an error (`StrictUndefined`), never an empty string on a page.

Whitespace: the templates are written one element per line, indented, for people; the pages are
sent as compact as the element builder made them. `JoinLines` rewrites each template's source
before it is compiled (once): a line break with the indentation around it is removed where it
touches a tag (`<`, `>`) or a statement/comment (`{% %}`, `{# #}`), and becomes one space
elsewhere (text or `{{ }}` running on to the next line), as a browser would read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.ext import Extension

TEMPLATES_DIR = Path(__file__).with_name("templates")
_LINE_BREAK = re.compile(r"[ \t]*\n\s*")
_TIGHT_BEFORE = (">", "%}", "#}")
_TIGHT_AFTER = ("<", "{%", "{#")


def join_lines(source: str) -> str:
    """The template source with its line breaks removed or turned into one space (module doc)."""

    def replace(match: re.Match[str]) -> str:
        start, end = match.span()
        before, after = source[max(start - 2, 0):start], source[end:end + 2]
        if not before or not after or before.endswith(_TIGHT_BEFORE) or after.startswith(_TIGHT_AFTER):
            return ""
        return " "

    return _LINE_BREAK.sub(replace, source)


class JoinLines(Extension):
    """Applies `join_lines` to every template's source before Jinja parses it."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return join_lines(source)


def build_environment(
    *, filters: Mapping[str, Callable[..., Any]], globals_: Mapping[str, Any]
) -> Environment:
    """The pages' environment over `templates/` (package data, shipped in the shared layer).

    `auto_reload=False`: templates never change inside a running function, so Jinja does not
    stat the file on every render; each template is compiled on its first use and kept."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
        undefined=StrictUndefined,
        auto_reload=False,
        extensions=[JoinLines],
    )
    environment.filters.update(filters)
    environment.globals.update(globals_)
    return environment
