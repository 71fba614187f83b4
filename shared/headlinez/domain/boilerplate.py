"""What a publisher's CMS adds to an item's description that is not the article.

- WordPress's footer (Yoast SEO's default RSS footer): "The post <title> appeared first on <Site>."
  ends every description of many WordPress feeds (Boston.com: all 10 items of the 2026-02-18
  snapshot). It repeats the headline, so it is no lead: it adds the headline's words to the
  summary's terms and the embedded lead. Removed only when it ends the text and has exactly that
  shape (a site name may hold dots, "Boston.com", and a space before the final period, which is
  how the text of `<a>Boston.com</a>.` reads).
- A "read more" stub: a description that is only "Continue reading…", "Read more »", "[…]" (the
  CMS put the article in `content:encoded` and only a link in `<description>`). Such a description
  is no summary: the parser takes the content instead (`adapters.feed_parser`).
"""

from __future__ import annotations

import re

from headlinez.domain.text import html_to_text

__all__ = ["is_boilerplate_only", "without_wordpress_footer"]

_FOOTER_START = "The post "
# The rest of a footer after "The post ": a headline, then the site's name: at most 100 characters
# and no sentence end inside ("Boston.com" has a dot, "said. More" is prose, not a name)
_FOOTER_REST = re.compile(r"(?P<title>\S.*?) appeared first on (?P<site>\S(?:[^.!?]|[.!?](?!\s)){0,99}?) ?\.",
                          re.DOTALL)

# A description longer than this (markup included) is never only a stub: the test stays cheap
_MAX_STUB_MARKUP_CHARS = 2000
_MAX_STUB_TEXT_CHARS = 200
# Nor one of more words than this between its tags: a cheap first look, before the HTML is read
# (parse_feed asks about every entry whose content differs from its description; reading each
# description's HTML cost a quarter of its time on the 200 benchmark feeds, this look about 2%)
_MAX_STUB_WORDS = 12
_TAG = re.compile(r"<[^>]*(?:>|$)")  # a tag, or one cut off at the end (Blogger cuts descriptions)
# "Continue reading", "Read more", "Read the full story", "(more…)", "[…]", with the arrows,
# ellipses and brackets CMSs put around them; nothing else.
_STUB = re.compile(
    r"(?:continue reading|read more|read the (?:full|whole|rest of the) (?:story|article|post)"
    r"|full (?:story|article)|more)?",
    re.IGNORECASE,
)
_STUB_DECORATION = re.compile(r"[\s.\u2026\[\]()<>\u00ab\u00bb\u2039\u203a\u2192\u27a4\u25b6|:-]+")


def without_wordpress_footer(text: str) -> str:
    """`text` without a trailing WordPress footer ("The post X appeared first on Site."), stripped;
    `text` unchanged when it does not end with one. The last "The post " that starts a complete
    footer is taken, so a lead that itself says "The post office..." keeps its words."""
    start = text.rfind(_FOOTER_START)
    while start >= 0:
        # at the start of the text or of a word: "Lamppost " is no footer
        if (start == 0 or text[start - 1].isspace()) and _FOOTER_REST.fullmatch(
                text, start + len(_FOOTER_START)):
            return text[:start].rstrip()
        start = text.rfind(_FOOTER_START, 0, start)
    return text


def is_boilerplate_only(description: str | None) -> bool:
    """Whether `description` (HTML or text), as text, is empty or only a "read more" stub, an
    ellipsis marker or a WordPress footer: nothing a reader would take for the article's lead."""
    if not description:
        return True
    if len(description) > _MAX_STUB_MARKUP_CHARS:
        return False
    # the words before a footer: a lead and a footer is no stub, and the cheap look says so
    before_footer = description
    if "appeared first on" in description:
        before_footer = description.rsplit(_FOOTER_START, 1)[0]
    if len(_TAG.sub(" ", before_footer).split()) > _MAX_STUB_WORDS:
        return False
    text = without_wordpress_footer(html_to_text(description, _MAX_STUB_MARKUP_CHARS))
    if len(text) > _MAX_STUB_TEXT_CHARS:
        return False
    words = _STUB_DECORATION.sub(" ", text).strip()
    return _STUB.fullmatch(words) is not None
