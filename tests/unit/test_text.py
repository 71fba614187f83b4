"""Plain text out of feed HTML, and headline fingerprints."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headlinez.domain.text import ELLIPSIS, clean_identifier, html_to_text, normalize_title, title_fingerprint


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("Plain headline", "Plain headline"),
        ("<p>Hello <b>world</b></p>", "Hello world"),
        # script/style contents are not text
        ("<p>News</p><script>var x = '<b>no</b>';</script><style>p{color:red}</style>", "News"),
        ("<noscript>enable JS</noscript>Story", "Story"),
        # entities, including double-encoded ones and numeric ones
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("It&amp;#8217;s official", "It\u2019s official"),
        ("It&amp;amp;#8217;s", "It\u2019s"),
        ("caf&eacute; &#233; &#xE9;", "caf\u00e9 \u00e9 \u00e9"),
        # HTML escaped as text inside the feed
        ("&lt;p&gt;Escaped &lt;b&gt;markup&lt;/b&gt;&lt;/p&gt;", "Escaped markup"),
        # block elements separate words; whitespace collapses
        ("<p>one</p><p>two</p>three<br>four<li>five</li>", "one two three four five"),
        ("  lots\n\n of\t\u00a0 space  ", "lots of space"),
        # zero-width and soft-hyphen characters disappear
        ("zero\u200bwidth soft\u00adhyphen", "zerowidth softhyphen"),
        # bidirectional overrides and isolates would reorder what a reader sees; marks stay
        ("Bank \u202egnirolpxe\u202c says &#x202E;rtl\u2066x\u2069", "Bank gnirolpxe says rtlx"),
        ("\u05e9\u05dc\u05d5\u05dd\u200f world", "\u05e9\u05dc\u05d5\u05dd\u200f world"),
        # comparisons in plain text are not tags
        ("3 < 5 and 7 > 2", "3 < 5 and 7 > 2"),
        # an ampersand that is not an entity stays
        ("AT&T and M&S", "AT&T and M&S"),
        ("<img src='x.jpg' alt='photo'>Caption", "Caption"),
        ("<!-- comment -->Visible", "Visible"),
    ],
)
def test_html_to_text(value: str | None, expected: str) -> None:
    assert html_to_text(value, 1000) == expected


def test_truncates_on_word_boundary_with_ellipsis() -> None:
    text = html_to_text("The quick brown fox jumps over the lazy dog", 20)
    assert text == "The quick brown" + ELLIPSIS
    assert len(text) <= 20


def test_truncation_cuts_inside_a_word_only_when_it_is_very_long() -> None:
    text = html_to_text("Supercalifragilisticexpialidocious is long", 10)
    assert text == "Supercali" + ELLIPSIS


def test_truncation_drops_trailing_punctuation_before_ellipsis() -> None:
    assert html_to_text("alpha beta, gamma delta", 13) == "alpha beta" + ELLIPSIS


def test_short_text_is_not_truncated() -> None:
    assert html_to_text("exactly ten", 11) == "exactly ten"


def test_max_chars_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        html_to_text("x", 0)


@given(st.text(max_size=400), st.integers(min_value=1, max_value=200))
def test_output_is_bounded_and_collapsed(value: str, max_chars: int) -> None:
    text = html_to_text(value, max_chars)
    assert len(text) <= max_chars
    assert text == text.strip()
    assert "  " not in text
    assert "\n" not in text


_tag = st.sampled_from(["p", "b", "div", "span", "a", "em", "li"])
_word = st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True)


@given(st.lists(st.tuples(_tag, _word), min_size=1, max_size=10))
def test_tags_never_survive(pieces: list[tuple[str, str]]) -> None:
    html = "".join(f"<{tag} class='c'>{word}</{tag}>" for tag, word in pieces)
    text = html_to_text(html, 10_000)
    assert not re.search(r"<[a-z]", text)
    assert text.replace(" ", "") == "".join(word for _, word in pieces)


# --- fingerprints --------------------------------------------------------------------------------


def test_normalize_title_strips_case_accents_punctuation() -> None:
    assert normalize_title("  \u00c9tude: L'\u00c9CONOMIE  ralentit!! ") == "etude l economie ralentit"


def test_normalize_title_keeps_non_latin_letters_and_digits() -> None:
    assert normalize_title("\u4e2d\u56fd\u7ecf\u6d4e 2026\u5e74") == "\u4e2d\u56fd\u7ecf\u6d4e 2026\u5e74"


def test_fingerprint_ignores_cosmetic_differences() -> None:
    a = title_fingerprint("Biden\u2019s plan: what\u2019s next?")
    b = title_fingerprint("biden's plan - what's next")
    c = title_fingerprint("BIDEN S PLAN WHAT S NEXT")
    assert a == b == c
    assert re.fullmatch(r"[0-9a-f]{20}", a)


def test_fingerprint_differs_for_different_headlines() -> None:
    assert title_fingerprint("Fire in the city") != title_fingerprint("Fire in the county")


@given(st.lists(st.from_regex(r"[a-zA-Z0-9\u00e9\u00fc]{1,8}", fullmatch=True), min_size=1, max_size=8))
def test_fingerprint_is_stable_under_case_punctuation_and_spacing(words: list[str]) -> None:
    plain = " ".join(words)
    noisy = "  " + ",  ".join(word.upper() for word in words) + " — !?"
    assert title_fingerprint(noisy) == title_fingerprint(plain)


# --- found by fuzzing (twenty-seventh session) ----------------------------------------------------

def test_markup_the_parser_cannot_close_never_reaches_the_text() -> None:
    # an inline base64 image longer than the scan limit: the cut tag was shown, the lead lost
    image = '<p><img src="data:image/png;base64,' + "A" * 24_000 + '"></p><p>The real lead paragraph.</p>'
    assert html_to_text(image, 1000) == "The real lead paragraph."
    huge = '<p><img src="data:image/png;base64,' + "A" * 100_000 + '"></p><p>Lead.</p>'
    assert "<" not in html_to_text(huge, 1000)
    # an unterminated comment or CDATA section, and a tag hidden by a NUL
    unterminated = html_to_text("Storm hits coast <!-- sponsored: <b>ad", 200)
    assert unterminated.startswith("Storm hits coast")
    assert "<" not in unterminated
    assert html_to_text("a <![CDATA[b]>", 200) == "a"
    assert html_to_text("A\x00<b\x00>B", 200) == "A B"
    # text that only looks like markup stays
    assert html_to_text("Why 3 < 5 matters", 200) == "Why 3 < 5 matters"


def test_a_feed_identifier_is_cleaned_to_storable_text() -> None:
    assert clean_identifier("x\ud800", 100) == "x"
    assert clean_identifier("  tag:news.example.com,2026:\x00 42 ", 100) == "tag:news.example.com,2026: 42"
    assert clean_identifier(None, 100) == ""
    assert len(clean_identifier("g" * 1000, 300)) == 300
