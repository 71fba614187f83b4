"""Escaping helpers of the pages, and a tiny, strict HTML builder (the SVG charts use it).

Feed text (titles, outlets, URLs, errors) is untrusted. The pages are Jinja2 templates with
autoescape on (`headlinez.web.templating`), which escape as `esc` does; the rules of this builder:

- Text and attribute values always go through `html.escape(quote=True)` (`&`, `<`, `>`, `"`, `'`).
  Attribute values are always double-quoted. Tag and attribute names are code, never data.
- `Markup` is the only way to pass HTML through unescaped, and only this package creates it
  (from literals and from the output of `el`).
- A URL from a feed becomes a link only if `safe_url` accepts it: absolute http(s) with a host,
  no whitespace or control characters anywhere (browsers strip those inside "java\\tscript:"),
  no credentials. External links (the `external_link` macro of templates/macros.html) carry
  `rel="noopener noreferrer"`. Anything else is shown as plain text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

MAX_URL_LENGTH = 2048
_VOID = frozenset({"meta", "link", "br", "hr", "img", "input"})


class Markup(str):
    """A string that is already safe HTML."""

    __slots__ = ()

    def __html__(self) -> str:
        """Jinja2's autoescape (markupsafe) passes objects with `__html__` through unescaped:
        the SVG charts this builder makes go into the page templates as they are."""
        return self


def esc(value: object) -> Markup:
    """Escape any value for text or a double-quoted attribute (Markup passes through)."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def _render_children(children: Iterable[object]) -> str:
    parts: list[str] = []
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, str | int | float):
            parts.append(esc(child))
        elif isinstance(child, Iterable):
            parts.append(_render_children(child))
        else:
            parts.append(esc(child))
    return "".join(parts)


def el(tag: str, attrs: Mapping[str, object] | None = None, *children: object) -> Markup:
    """`<tag attr="value">children</tag>`; attributes with value None or False are left out,
    True gives a bare attribute. `attrs` keys are code: "class_" may be used for "class"."""
    rendered = [tag]
    for name, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        attr = name.rstrip("_").replace("_", "-")
        rendered.append(attr if value is True else f'{attr}="{esc(value)}"')
    opening = "<" + " ".join(rendered) + ">"
    if tag in _VOID:
        return Markup(opening)
    return Markup(f"{opening}{_render_children(children)}</{tag}>")


def join(items: Iterable[object], separator: str = "") -> Markup:
    return Markup(esc(separator).join(_render_children([item]) for item in items))


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL safe to put in href, else None."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        return None
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F or ch in "\\<>\"'`" for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    return url


def href(path: str, **query: object) -> str:
    """An internal link: a path of our own plus encoded query parameters (None values dropped)."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"internal links are absolute paths: {path!r}")
    params = {name: str(value) for name, value in query.items() if value is not None and value != ""}
    return path + ("?" + urlencode(params) if params else "")


def ago(then: datetime | None, now: datetime) -> str:
    """'just now', '4 min ago', '9h ago', '1 day 8h ago', '3 days ago' (or 'in 5 min' for a future time).

    Hours stop at a day: "32h ago" made the reader do the sum."""
    if then is None:
        return "never"
    seconds = (now - then.astimezone(UTC)).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        text = f"{int(seconds // 60)} min"
    elif seconds < 24 * 3600:
        text = f"{int(seconds // 3600)}h"
    elif seconds < 48 * 3600:
        hours = int((seconds - 24 * 3600) // 3600)
        text = f"1 day {hours}h" if hours else "1 day"
    else:
        text = f"{int(seconds // 86400)} days"
    return f"in {text}" if future else f"{text} ago"


