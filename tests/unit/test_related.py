"""Related trends: shared topics and similarity, never the same story twice."""

from __future__ import annotations

from datetime import UTC, datetime

from headlinez.domain.related import MAX_RELATED, related_trends, same_story
from headlinez.domain.topics import _slug
from headlinez.models import Topic, TopicKind, TrendState

NOW = datetime(2026, 2, 17, 12, 0, tzinfo=UTC)


def make(trend_id: str, headline: str, centroid: dict[str, float],
         topics: list[tuple[str, TopicKind]] = (), merged_into: str | None = None) -> TrendState:  # type: ignore[assignment]
    return TrendState(
        trend_id=trend_id, first_seen=NOW, last_seen=NOW, headline=headline, centroid=centroid,
        topics=[Topic(name=n, kind=k, slug=_slug(n)) for n, k in topics], merged_into=merged_into,
    )


IRAN_TALKS = make("t-talks", "US and Iran hold nuclear talks in Geneva",
                  {"iran": 2.0, "nuclear": 3.0, "talk": 3.0, "geneva": 2.5, "negotiat": 2.0, "envoy": 1.5},
                  [("Iran", "place"), ("United States", "place"), ("Geneva", "place")])
HORMUZ = make("t-hormuz", "Strait of Hormuz closed for naval drills",
              {"iran": 1.5, "hormuz": 3.0, "strait": 3.0, "drill": 2.0, "naval": 2.0, "closur": 1.5},
              [("Iran", "place"), ("Strait of Hormuz", "place")])
UKRAINE = make("t-ukraine", "Russia and Ukraine open peace talks in Geneva",
               {"ukrain": 3.0, "russia": 3.0, "peace": 2.0, "talk": 1.5, "geneva": 1.5, "zelensky": 2.0},
               [("Ukraine", "place"), ("Russia", "place"), ("Geneva", "place")])
OLYMPICS = make("t-olympics", "Team USA wins hockey gold at the Winter Olympics",
                {"hockey": 3.0, "olymp": 3.0, "gold": 2.0},
                [("Olympics", "organization"), ("United States", "place")])


def test_shared_topics_and_vocabulary_make_a_relation() -> None:
    related = related_trends([IRAN_TALKS, HORMUZ, UKRAINE, OLYMPICS])
    ids = [r.trend_id for r in related["t-talks"]]
    assert ids == ["t-ukraine", "t-hormuz"]  # Geneva talks first (shared vocabulary), then Iran
    assert all(r.score > 0 for r in related["t-talks"])
    scores = [r.score for r in related["t-talks"]]
    assert scores == sorted(scores, reverse=True)
    assert related["t-hormuz"][0].headline == IRAN_TALKS.headline
    assert "t-talks" not in [r.trend_id for r in related["t-talks"]]


def test_the_same_story_is_never_related() -> None:
    # A split of the talks story: almost the same centroid, another id
    split = make("t-split", "Negotiators meet for a second day",
                 {"iran": 2.0, "nuclear": 2.8, "talk": 3.0, "geneva": 2.0, "negotiat": 2.0},
                 [("Iran", "place"), ("Geneva", "place")])
    # A trend merged into the talks story
    merged = make("t-merged", "Nuclear talks resume", {"nuclear": 2.0, "talk": 2.0}, [("Iran", "place")],
                  merged_into="t-talks")
    # A different centroid but a near-identical headline
    copy = make("t-copy", "US and Iran hold nuclear talks in Geneva today", {"diplomacy": 2.0, "iran": 0.3},
                [("Iran", "place"), ("Geneva", "place")])
    assert same_story(IRAN_TALKS, split)
    assert same_story(IRAN_TALKS, merged)
    assert same_story(IRAN_TALKS, copy)
    assert not same_story(IRAN_TALKS, HORMUZ)
    related = related_trends([IRAN_TALKS, split, merged, copy, HORMUZ])
    ids = [r.trend_id for r in related["t-talks"]]
    assert not {"t-split", "t-merged", "t-copy"} & set(ids)
    assert "t-merged" not in related  # a merged trend gets no list of its own


def test_one_list_never_holds_one_story_twice() -> None:
    # Two trends that are one story (a split) are both related to the talks: only one is listed
    hormuz_split = make("t-hormuz-2", "Navy drills shut the waterway",
                        {"iran": 1.5, "hormuz": 3.0, "strait": 2.5, "drill": 2.0, "naval": 2.0, "shut": 1.0},
                        [("Iran", "place"), ("Strait of Hormuz", "place")])
    related = related_trends([IRAN_TALKS, HORMUZ, hormuz_split])
    ids = [r.trend_id for r in related["t-talks"]]
    assert len({"t-hormuz", "t-hormuz-2"} & set(ids)) == 1


def test_unrelated_trends_get_nothing_and_lists_are_bounded() -> None:
    assert related_trends([IRAN_TALKS, OLYMPICS])["t-olympics"] == []
    many = [make(f"t{i}", f"Story number {i} about Iran and item{i}",
                 {"iran": 1.0, f"item{i}": 3.0, f"other{i}": 2.0}, [("Iran", "place")]) for i in range(12)]
    lists = related_trends([IRAN_TALKS, *many])
    assert len(lists["t-talks"]) <= MAX_RELATED
    assert related_trends([]) == {}
