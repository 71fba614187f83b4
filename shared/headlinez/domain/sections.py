"""The section a publisher filed one article under, as a taxonomy category (`models.CATEGORIES`).

Feeds say where an item belongs more often than its headline does: an RSS `<category>` ("Sports",
"Culture & Life"), a URL folder (`/world-news/...`, `/economy-and-business/...`), or the feed's own
title ("NYT > World News", "Tech – TIME"). Ingest reads it
once per article (`normalize.normalize_entry`) into `Article.category_hint`, which the category
model adds to a trend's probabilities as it does a feed's own hint. Kept out of
`domain.category` so that ingest does not load the category model's numpy and gazetteers.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from headlinez import data as lexicon

__all__ = ["MAX_SECTION_TERMS", "article_section", "feed_title_section"]

# Section names → the taxonomy. "Politics" is left out on purpose: a publisher's politics section
# holds every country's politics, which the taxonomy splits between politics (US) and world.
_SECTIONS = lexicon.string_map("category_sections")
MAX_SECTION_TERMS = 20  # a feed item with more tags than this is tagging topics, not a section
MAX_SECTION_TERM_CHARS = 60
_URL_FOLDERS = re.compile(r"^[a-z][a-z0-9-]*$")


def article_section(terms: Iterable[str], url: str = "") -> str | None:
    """The taxonomy category an article's publisher filed it under, or None.

    Read from the feed item's own category terms ("Sports"; several in one term are split at
    commas, as WordPress and MercoPress write them) and the folders of its URL
    (`/culture/2026/...`, `/world-news/...`; the last path segment is the slug and is not read).
    Only whole terms of `category_sections.json` count; when they point to two different
    categories the publisher's filing says nothing and the result is None."""
    found: set[str] = set()
    for index, term in enumerate(itertools.chain.from_iterable(t.split(",") for t in terms)):
        if index >= MAX_SECTION_TERMS:
            break
        key = " ".join(term.replace("&amp;", "&").split()).lower()
        if len(key) <= MAX_SECTION_TERM_CHARS and key in _SECTIONS:
            found.add(_SECTIONS[key])
    for folder in _url_folders(url):
        if folder in _SECTIONS:
            found.add(_SECTIONS[folder])
    return found.pop() if len(found) == 1 else None


# A feed's title names the section it carries after a separator ("NYT > World News", "Tech – TIME",
# "NPR Topics: World", "Japan Today - Category World").
_TITLE_PARTS = re.compile(r"\s+[-–—>|»]\s+|:\s+")
_TITLE_PREFIX = re.compile(r"^(?:category|topics?|section)\s+")


def feed_title_section(title: str | None) -> str | None:
    """The taxonomy category a feed's own title says it carries, or None: a whole part of the
    title, between separators, that is a section name ("World – TIME" -> world); a title naming no
    section ("BBC News") or two ("World News: ... tech, and more" is one part, not a list) says
    nothing. A feed's configured hint, where an operator set one, comes first (`normalize_entry`)."""
    if not title:
        return None
    found: set[str] = set()
    for part in _TITLE_PARTS.split(title[:MAX_SECTION_TERM_CHARS * 4]):
        key = _TITLE_PREFIX.sub("", " ".join(part.split()).lower())
        if key in _SECTIONS:
            found.add(_SECTIONS[key])
    return found.pop() if len(found) == 1 else None


def _url_folders(url: str) -> list[str]:
    path = url.split("://", 1)[-1].partition("/")[2].split("?", 1)[0].split("#", 1)[0]
    folders = path.lower().split("/")[:-1]
    return [f for f in folders[:MAX_SECTION_TERMS] if _URL_FOLDERS.match(f)]
