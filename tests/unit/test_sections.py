"""article_section: the section a publisher filed an article under, from its feed terms and URL;
feed_title_section: the section a feed's own title names."""

from __future__ import annotations

import pytest

from headlinez.domain.sections import MAX_SECTION_TERMS, article_section, feed_title_section


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (["Sports"], "sports"),
        (["sport"], "sports"),
        (["Culture &amp; Life"], "entertainment"),  # The Week's term, entity and all
        (["Culture & Life"], "entertainment"),
        (["Environment"], "science"),
        (["  World   News "], "world"),  # case and spacing do not matter
        (["Uncategorized, AI, News Desk"], "technology"),  # several terms in one, as WordPress writes
        (["Uncategorized", "News Desk"], None),  # no term names a section
        (["Politics"], None),  # any country's politics: the taxonomy splits it between politics and world
        (["Donald Trump", "Iran"], None),  # topic tags are not sections
        # science and world at once: says nothing
        (["Environment, Fisheries, Politics, Argentina, International"], None),
    ],
)
def test_feed_terms(terms: list[str], expected: str | None) -> None:
    assert article_section(terms) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.nytimes.com/2026/02/17/world/europe/geneva-talks.html", "world"),
        ("https://www.ndtv.com/world-news/iran-closes-strait-11051442", "world"),
        ("https://english.elpais.com/economy-and-business/2026-02-17/slug.html", "business"),
        ("https://theweek.com/culture-life/books/slug", "entertainment"),
        ("https://www.boston.com/sports/olympics/2026/02/17/slug/", "sports"),
        # The last segment is the article's own slug, never a section (an article called "sports").
        ("https://example.com/news/sports", None),
        ("https://www.dw.com/en/winter-olympics-begin-quietly-with-curling/a-75712345", None),
        # Query and fragment are not folders.
        ("https://example.com/story?section=sports/x", None),
        ("https://example.com/a#sports/b", None),
        ("not a url", None),
        ("", None),
    ],
)
def test_url_folders(url: str, expected: str | None) -> None:
    assert article_section([], url) == expected


def test_terms_and_url_that_agree_or_disagree() -> None:
    assert article_section(["Sports"], "https://example.com/sports/x") == "sports"
    # The publisher's filing contradicts itself: no hint rather than a coin toss.
    assert article_section(["Sports"], "https://example.com/business/x") is None


def test_hostile_terms_are_bounded() -> None:
    # A tag cloud of topics with a section word at its end is a cloud, not a filing.
    cloud = [f"topic {i}" for i in range(MAX_SECTION_TERMS)] + ["Sports"]
    assert article_section(cloud) is None
    assert article_section(["sports " * 50]) is None  # an overlong term is not a section name
    assert article_section(["x" * 100_000]) is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("NYT > World News", "world"),
        ("World – TIME", "world"),
        ("Tech – TIME", "technology"),
        ("NPR Topics: World", "world"),
        ("Japan Today - Category World", "world"),
        ("ABC News: International", "world"),
        ("Sport | The Guardian", "sports"),
        ("World", "world"),
        # No part of the title is a section name
        ("BBC News", None),
        ("Deutsche Welle", None),
        ("Top Stories", None),
        # A section word inside a part is no section: "World Cup Live" is not world news
        ("World Cup Live - ESPN", None),
        # Two sections: says nothing
        ("World - Sports", None),
        (None, None),
        ("", None),
    ],
)
def test_feed_title_section(title: str | None, expected: str | None) -> None:
    assert feed_title_section(title) == expected


def test_a_hostile_feed_title_is_bounded() -> None:
    assert feed_title_section("World - " + "x" * 1_000_000) == "world"
    assert feed_title_section(" - ".join(["World", "Sports"] * 10_000)) is None
