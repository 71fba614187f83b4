"""Headline choice: straight reports first, a distinct second angle from another newsroom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.unit.test_clustering import T0, article

from headlinez.domain.clustering import ClusterConfig, DocumentFrequencies, cluster_articles
from headlinez.domain.headlines import FORMAT_PENALTY, headline_weight, is_feature_format, is_roundup
from headlinez.domain.terms import title_overlap


@pytest.mark.parametrize("title", [
    "Iran talks in Geneva: live updates",
    "What we know about the Geneva talks",
    "In pictures: Rio Carnival parades",
    "10 things to know about the Winter Olympics",
    "Podcast: the week in Iran",
    "Opinion: Geneva is a test for Trump",
    "Why the Strait of Hormuz matters",
    "The Iran talks, explained",
    # a question is an analysis's title, not the report's (a reader's review, allowed days)
    "Can Bangladesh's old guard build a new democracy?",
    "Munich Security Conference: a showdown between Europe and Trump?",
    "Is the 'Board of Peace' a rival UN?'",
    # a podcast's episode: a roundup of several stories, not a report of one
    "Episode 212: Chile earthquake and Iceland volcano",
    "Ep. 5 - Inside the Iceland eruption",
])
def test_feature_formats_are_recognised(title: str) -> None:
    assert is_feature_format(title)
    assert headline_weight(title) == FORMAT_PENALTY


@pytest.mark.parametrize("title", [
    "Iran and US open nuclear talks in Geneva",
    "Jesse Jackson, civil rights leader, dies at 84",
    "Olympic champion lives up to billing in Milan",
    "Spain orders criminal investigation into X, Meta and TikTok",
    "Key Bangladesh election returns old guard to power",
    "Who is Tarique Rahman? Bangladesh's new prime minister sworn in",
    "Episode of violence at Paris match leads to arrests",
])
def test_straight_reports_are_not_penalised(title: str) -> None:
    assert not is_feature_format(title)
    assert headline_weight(title) == 1.0


def test_the_main_headline_is_a_straight_report_and_the_second_a_distinct_angle() -> None:
    # Given a story whose most central title is a live blog
    batch = [
        article("live", "Iran nuclear talks Geneva live updates", "Iran and US nuclear talks in Geneva.",
                family="a"),
        article("news", "Iran and US hold nuclear talks in Geneva", "Iran and US nuclear talks in Geneva.",
                family="b", at=T0 + timedelta(minutes=1)),
        article("para", "Iran, US hold nuclear talks in Geneva", "Talks between Iran and the US in Geneva.",
                family="c", at=T0 + timedelta(minutes=2)),
        article("angle", "Oil prices fall as Iran and US negotiate in Geneva", "Iran US talks in Geneva.",
                family="d", at=T0 + timedelta(minutes=3)),
    ]
    result = cluster_articles([], batch, DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                              config=ClusterConfig())
    trends = [t for t in result.changed if t.article_count == 4]
    assert trends, "the four articles form one trend"
    trend = trends[0]
    # Then the main headline is not the live blog, and the second is no paraphrase of it
    assert not is_feature_format(trend.headline)
    assert trend.second_headline is not None
    assert title_overlap(trend.headline, trend.second_headline) <= ClusterConfig().second_headline_max_overlap
    members = {a.title: a.publisher_family for a in batch}
    assert members[trend.headline] != members[trend.second_headline]


@pytest.mark.parametrize(("title", "roundup"), [
    ("Rev. Jesse Jackson has died. And, U.S. and Iran set for high-stakes nuclear talks", True),
    ("Peru ousts its president. Plus: what the Winter Olympics cost", True),
    ("Jesse Jackson, civil rights leader, dies at 84", False),
    ("U.S. and Iran make progress in Geneva talks", False),
    ("U.S. And Iran Make Progress In Geneva Talks", False),
    ("Talks end. What comes next for Iran?", False),
])
def test_a_title_running_two_stories_together_is_a_roundup(title: str, roundup: bool) -> None:
    assert is_roundup(title) is roundup
    assert (headline_weight(title) == FORMAT_PENALTY) is (roundup or is_feature_format(title))


def test_a_roundup_is_never_the_second_headline() -> None:
    # Given a death reported by three newsrooms, one of them in a radio rundown with another story
    batch = [
        article("abc", "Jesse Jackson dies at 84", "Civil rights leader Jesse Jackson has died.", family="a"),
        article("npr", "Rev. Jesse Jackson has died. And, U.S. and Iran set for nuclear talks",
                "Civil rights leader Jesse Jackson has died at 84.", family="b",
                at=T0 + timedelta(minutes=1)),
        article("bbc", "Tributes pour in for civil rights leader Jesse Jackson",
                "Civil rights leader Jesse Jackson has died.", family="c", at=T0 + timedelta(minutes=2)),
    ]
    result = cluster_articles([], batch, DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                              config=ClusterConfig())
    trend = next(t for t in result.changed if t.article_count == 3)
    # Then neither headline is the rundown's
    assert not is_roundup(trend.headline)
    assert trend.second_headline is not None
    assert not is_roundup(trend.second_headline)
