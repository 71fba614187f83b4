"""Plain text from feed HTML, and the headline fingerprint used by the dedupe guard.

Feeds put HTML everywhere: titles with `<b>`, summaries with images and scripts, entities that
were escaped twice by the CMS (`&amp;#8217;` for a right quote), sometimes HTML escaped as text
(`&lt;p&gt;`). Readers of a trend list need clean text of a bounded size; this module makes it
with the standard library only (no sanitizer is needed: the result is text, never markup).
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from html.parser import HTMLParser

__all__ = ["ELLIPSIS", "clean_identifier", "html_to_text", "mostly_letters_of", "normalize_title",
           "title_fingerprint",
           "truncate_words"]

ELLIPSIS = "\u2026"

# Elements whose content is never text for a reader.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "math"})
# Elements after which words of neighbouring blocks must not be glued together.
# fmt: off
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main",
        "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)
# fmt: on
# An entity left after the first decoding (double-escaped HTML): only the `;`-terminated form,
# so that text such as "price &notably" is not read as the legacy entity `&not`.
_LEFTOVER_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Markup that survived one round: HTML that was escaped as text inside the feed.
_LEFTOVER_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--.*?--)>", re.DOTALL)
# Invisible characters that only disturb matching and display, and the bidirectional embedding,
# override and isolate controls (U+202A-202E, U+2066-2069): in a headline they reorder what a
# reader sees ("\u202e" turns the rest of a title around); Arabic or Hebrew text needs none of them
# (its direction comes from its letters), and the marks U+200E/U+200F stay.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"
                                    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None)
# The zero-width joiner and non-joiner are part of what they join: an emoji sequence ("🏳️‍🌈" is
# the rainbow flag, not a white flag and a rainbow) or a Persian or Indic word ("می‌خواهم"). They
# stay between two such characters; next to ASCII, a space or an edge they join nothing.
_STRAY_JOINER = re.compile(r"(?<![^\x00-\x7f\s])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f\s])")
_WHITESPACE = re.compile(r"\s+")
# Latin letters NFKD does not decompose into a base letter and a mark, and the marks written as
# letters in names ("Hawaiʻi", "Hawai‘i" = "Hawaii"): folded alike by the topics' keys and search,
# so that "Lukasz" finds "Łukasz", "Lodz" "Łódź" and "Soren" "Søren".
LATIN_FOLD = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O",
                            "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "þ": "th", "Þ": "Th",
                            "ı": "i", "ʻ": None, "ʼ": None, "‘": None})
_MAX_ROUNDS = 3
_MARKUP_SCAN_CHARS = 65_536  # see html_to_text


class _TextExtractor(HTMLParser):
    """Collects text nodes, skipping the content of script-like elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


_ANY_LETTER = re.compile(r"[^\W\d_]")


def mostly_letters_of(text: str, letters: re.Pattern[str]) -> bool:
    """Whether at least half of the text's letters match `letters` (a one-character class): which
    script a text is mostly in, for the rules that read one script only. True without letters."""
    return 2 * len(letters.findall(text)) >= len(_ANY_LETTER.findall(text))


def _strip_markup(value: str) -> str:
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    return "".join(parser.parts)


def _decode_leftover_entities(text: str) -> str:
    return _LEFTOVER_ENTITY.sub(lambda match: html.unescape(match.group(0)), text)


# Control characters (categories Cc: C0, DEL, C1) and lone surrogates (Cs) are never meant as
# text. Whitespace among them becomes a space too, which the whitespace collapse then folds.
_CONTROL_OR_SURROGATE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


# A C1 control in feed text is a Windows-1252 character written as its code ("&#147;Jos&#233;&#148;
# &#150; &#128;5": XML parsers give U+0093 ... where HTML, and browsers, read the quotes, the dash
# and the euro sign): as HTML does, the character it names, not a space ("rises to 5").
_C1_AS_WINDOWS_1252 = {code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0)
                       if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def _clean_characters(text: str) -> str:
    text = text.translate(_INVISIBLE)
    if "\u200c" in text or "\u200d" in text:
        text = _STRAY_JOINER.sub("", text)
    return _CONTROL_OR_SURROGATE.sub(" ", text)


def clean_identifier(value: str | None, max_chars: int) -> str:
    """A feed's own identifier (a GUID) as text that can be stored and hashed: control characters,
    lone surrogates and invisible ones dropped, at most `max_chars`. A lone surrogate in a JSON
    Feed's "id" could not be encoded, and failed the whole ingest run at every retry."""
    return " ".join(_clean_characters(value or "").split())[:max_chars]


# What is left of markup the parser could not close: an unterminated comment or CDATA section, or
# a tag cut off at the end ("Storm hits coast <!-- sponsored: <b>ad")
_UNCLOSED_MARKUP = re.compile(r"<(?:!--|!\[CDATA\[|/?[A-Za-z][\w:-]*(?=[\s/>]|$))[^>]*(?:>|$)")


def html_to_text(value: str | None, max_chars: int) -> str:
    """Return the visible text of an HTML (or plain text) fragment, at most `max_chars` long.

    Tags are removed and the content of script/style-like elements dropped; entities are decoded,
    including ones escaped twice; HTML that was escaped as text is stripped too; whitespace is
    collapsed. Longer text is cut on a word boundary and ends with an ellipsis (counted in
    `max_chars`).
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    if not value:
        return ""
    # Markup beyond this much text cannot contribute to the kept characters (tags excepted: an
    # inline base64 image is tens of KB before the lead), and a multi-megabyte content:encoded
    # must not cost a whole parse. A tag cut by that limit is dropped, not shown as text.
    text = value[: max(max_chars * 20, _MARKUP_SCAN_CHARS)]
    if len(text) < len(value) and text.rfind("<") > text.rfind(">"):
        text = text[: text.rfind("<")]
    # Characters first: "<b\x00>" is no tag to the parser, "<b >" after the NUL becomes a space
    text = _clean_characters(text.translate(_C1_AS_WINDOWS_1252))
    if "<" not in text and "&" not in text:  # plain text: the common case for titles
        return truncate_words(_composed(_WHITESPACE.sub(" ", text).strip()), max_chars)
    for _ in range(_MAX_ROUNDS):
        text = _decode_leftover_entities(_strip_markup(text))
        if not (_LEFTOVER_TAG.search(text) or _LEFTOVER_ENTITY.search(text)):
            break
    text = _WHITESPACE.sub(" ", _clean_characters(_UNCLOSED_MARKUP.sub(" ", text))).strip()
    return truncate_words(_composed(text), max_chars)


def _composed(text: str) -> str:
    """NFC: a feed may send "José" decomposed ("e" and a combining acute); word patterns do not take
    a combining mark for a letter, so the topics read "Jose Jeri" and "Zoe Mu" of "Zoë Müller"."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def truncate_words(text: str, max_chars: int) -> str:
    """Cut `text` to at most `max_chars` characters on a word boundary, ending with an ellipsis."""
    if len(text) <= max_chars:
        return text
    if max_chars == 1:
        return ELLIPSIS
    cut = text[: _grapheme_end(text, max_chars - 1)]
    boundary = cut.rfind(" ")
    # Cut inside a word only if the last space is so early that most of the budget would be lost.
    if boundary >= max_chars // 2:
        cut = cut[:boundary]
    cut = cut.rstrip(" ,;:-\u2013\u2014")
    return cut + ELLIPSIS


def _joins_previous(char: str) -> bool:
    """A character that belongs to the one before it: a combining mark (a Devanagari vowel sign,
    an accent NFC could not compose), a variation selector, an emoji skin tone, a joiner."""
    return (unicodedata.category(char) in ("Mn", "Mc", "Me") or "\ufe00" <= char <= "\ufe0f"
            or "\U0001f3fb" <= char <= "\U0001f3ff" or char in "\u200c\u200d")


_VIRAMA = 9  # the combining class of a virama: the consonant after it is part of the same cluster


def _regional_indicator(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _grapheme_end(text: str, end: int) -> int:
    """`end`, moved back so that text[:end] does not stop inside a character as a reader sees it:
    not before a mark or after a joiner ("नरेन्" + "द्र" lost its conjunct), not between the two
    letters of a flag ("🇵" alone reads as a boxed P)."""
    while 0 < end < len(text) and (_joins_previous(text[end]) or text[end - 1] == "\u200d"
                                   or unicodedata.combining(text[end - 1]) == _VIRAMA):
        end -= 1
    pairs = 0
    while pairs < end and _regional_indicator(text[end - 1 - pairs]):
        pairs += 1
    if pairs % 2 and end < len(text) and _regional_indicator(text[end]):
        end -= 1
    return end


def normalize_title(title: str) -> str:
    """Casefolded headline without diacritics, punctuation or repeated spaces.

    "Étude: L'ÉCONOMIE  ralentit!" and "etude l economie ralentit" normalize alike. Letters and
    digits of every script are kept, so non-Latin headlines keep their content.
    """
    # the joiners go (removed, not a space): outlets write "می‌خواهد" with and without one
    decomposed = unicodedata.normalize("NFKD", title.replace("\u200c", "").replace("\u200d", ""))
    chars: list[str] = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category.startswith("M"):  # combining marks: the diacritics
            continue
        chars.append(char if category[0] in {"L", "N"} else " ")
    folded = "".join(chars).casefold()
    return _WHITESPACE.sub(" ", folded).strip()


def title_fingerprint(title: str) -> str:
    """SHA-1 (first 20 hex digits) of the normalized title: equal for headlines that differ only
    in case, accents, punctuation or spacing. Not a security digest, only a compact key."""
    return hashlib.sha1(normalize_title(title).encode("utf-8"), usedforsecurity=False).hexdigest()[:20]
