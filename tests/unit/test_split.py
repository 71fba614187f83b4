"""The refinement split (issue 8 §2): a distinct event found inside a trend gets a trend of its own,
the larger part keeps the id, members move, and the two are never merged back but are related."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from tests.unit.test_clustering import T0, article

from headlinez.domain.clustering import ClusterConfig, DocumentFrequencies, cluster_articles, trend_id_for
from headlinez.domain.related import related_trends
from headlinez.domain.split import cohesion, dequantize, find_split, quantize, root_split
from headlinez.models import Article, MemberVector, TrendState

DIM = 8
# Joins on meaning alone (no lexical share, no headline-only scaling), so the fixtures' vectors
# decide: the talks and the strait are 0.48 apart, above the 0.45 join threshold.
CONFIG = ClusterConfig(headline_only_words=0, lexical_share=0.0)


def _unit(values: list[float]) -> np.ndarray:
    vector = np.zeros(DIM)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


TALKS = _unit([1.0, 0.0])
STRAIT = _unit([0.48, (1 - 0.48**2) ** 0.5])


def _near(base: np.ndarray, k: int) -> list[float]:
    """A member of `base`'s story: the base direction with a small own component."""
    vector = base.copy()
    vector[2 + k % (DIM - 2)] += 0.12
    return (vector / np.linalg.norm(vector)).tolist()


def _member(n: int, base: np.ndarray, family: str) -> MemberVector:
    return MemberVector(article_id=f"{n:032x}", title=f"Headline {n}", url=f"https://e.com/{n}",
                        outlet=family.upper(), publisher_family=family, published=T0 + timedelta(minutes=n),
                        vector=quantize(_near(base, n)))


# --- the pure rule ----------------------------------------------------------------------------------


def test_quantized_vectors_keep_their_direction() -> None:
    vector = _near(TALKS, 1)
    back = dequantize(quantize(vector))
    assert back.dtype == np.float32
    assert float(np.dot(back, vector)) > 0.999
    assert dequantize("not base64!").size == 0


def test_the_root_split_of_two_groups_is_the_two_groups() -> None:
    vectors = np.array([_near(TALKS, k) for k in range(3)] + [_near(STRAIT, k) for k in range(3)])
    similarity = vectors @ vectors.T
    first, second, linkage = root_split(similarity)
    assert sorted([first, second]) == [[0, 1, 2], [3, 4, 5]]
    assert linkage == pytest.approx(float(similarity[:3, 3:].mean()), abs=1e-9)
    assert cohesion(similarity, [0, 1, 2]) > 0.95
    assert cohesion(similarity, [0]) == 1.0


def test_a_distinct_event_from_two_newsrooms_leaves() -> None:
    members = [_member(1, TALKS, "a"), _member(2, STRAIT, "b"), _member(3, TALKS, "c"),
               _member(4, TALKS, "d"), _member(5, STRAIT, "e"), _member(6, STRAIT, "f"),
               _member(7, TALKS, "g")]
    decision = find_split(members)
    assert decision is not None
    assert [members[i].publisher_family for i in decision.leaving] == ["b", "e", "f"]
    assert decision.linkage < 0.8 * min(decision.cohesions)


def test_no_split_of_one_story_or_of_one_newsroom_s_angle() -> None:
    one_story = [_member(n, TALKS, f"n{n}") for n in range(6)]
    assert find_split(one_story) is None
    # The strait part comes from one newsroom only: an angle of that newsroom, not a story
    one_newsroom = [_member(1, TALKS, "a"), _member(2, STRAIT, "b"), _member(3, TALKS, "c"),
                    _member(4, STRAIT, "b"), _member(5, TALKS, "d")]
    assert find_split(one_newsroom) is None
    # Too few members to judge, or the rule switched off
    assert find_split(one_newsroom[:3]) is None
    assert find_split([_member(1, TALKS, "a"), _member(2, STRAIT, "b"), _member(3, TALKS, "c"),
                       _member(4, STRAIT, "d")], factor=0.0) is None


# --- in the clustering run ---------------------------------------------------------------------------


# Distinct wording per newsroom (near-identical texts would be one wire copy, one newsroom).
TALKS_TITLES = ["Iran and US open nuclear talks in Geneva", "Negotiators meet in Switzerland over Iran",
                "Araghchi arrives for second round with Witkoff", "Diplomats report progress at Geneva",
                "Tehran says principles agreed with Washington"]
STRAIT_TITLES = ["Iran closes the Strait of Hormuz for drills",
                 "Shipping halted as Revolutionary Guards exercise",
                 "Tankers wait outside the Gulf during live fire", "Hormuz closure rattles oil markets"]


def _talks(n: int, family: str, minutes: int) -> Article:
    return article(f"talks{n}", TALKS_TITLES[n - 1], f"Lead of talks report {n}.", family=family,
                   at=T0 + timedelta(minutes=minutes))


def _strait(n: int, family: str, minutes: int) -> Article:
    return article(f"strait{n}", STRAIT_TITLES[n - 1], f"Lead of strait report {n}.", family=family,
                   at=T0 + timedelta(minutes=minutes))


def _embeddings(articles: list[Article]) -> dict[str, list[float]]:
    return {a.article_id: _near(STRAIT if a.title in STRAIT_TITLES else TALKS, k)
            for k, a in enumerate(articles)}


def _run(trends: list[TrendState], batch: list[Article], minutes: int, everything: list[Article]):  # type: ignore[no-untyped-def]
    return cluster_articles(trends, batch, DocumentFrequencies(), now=T0 + timedelta(minutes=minutes),
                            config=CONFIG, embeddings=_embeddings(everything))


def test_a_trend_holding_two_events_is_split_and_the_larger_part_keeps_its_id() -> None:
    # Given the talks, then the strait's closure joining them (0.48 alike) over two runs
    first = [_talks(1, "a", 0), _strait(1, "b", 5), _talks(2, "c", 10)]
    second = [_strait(2, "d", 20), _talks(3, "e", 25), _strait(3, "f", 30), _talks(4, "g", 35)]
    everything = first + second
    run1 = _run([], first, 14, everything)
    talks_id = trend_id_for(first[0].article_id)
    assert {t.trend_id for t in run1.changed} == {talks_id}  # joined: no split with 3 members
    # When the second run sees four more
    run2 = _run(run1.changed, second, 44, everything)
    by_id = {t.trend_id: t for t in run2.changed}
    # Then the strait's articles have a trend of their own; the talks keep the id
    strait_id = trend_id_for(first[1].article_id)
    assert set(by_id) == {talks_id, strait_id}
    talks, strait = by_id[talks_id], by_id[strait_id]
    assert talks.article_count == 4
    assert strait.article_count == 3
    assert sorted(talks.source_families) == ["a", "c", "e", "g"]
    assert sorted(strait.source_families) == ["b", "d", "f"]
    assert sum(b.articles for b in talks.hourly) == 4
    assert all(m.title in STRAIT_TITLES for m in strait.title_candidates)
    assert all(m.title in TALKS_TITLES for m in talks.title_candidates)
    assert talks.split_partners == [strait_id]
    assert strait.split_partners == [talks_id]
    assert talks.embedding_weight == pytest.approx(4.0)
    # And the members move: the strait article stored in run 1 leaves the talks' partition,
    # the ones of this run are written to the strait trend only
    assert [m.article_id for m in run2.removed_members[talks_id]] == [first[1].article_id]
    assert {m.article_id for m in run2.new_members[strait_id]} == {a.article_id for a in everything
                                                                   if a.title in STRAIT_TITLES}
    assert all(m.title in TALKS_TITLES for m in run2.new_members[talks_id])
    assert {run2.assignments[a.article_id] for a in second if a.title in STRAIT_TITLES} == {strait_id}


def test_split_trends_are_never_merged_back_and_are_related() -> None:
    first = [_talks(1, "a", 0), _strait(1, "b", 5), _talks(2, "c", 10)]
    second = [_strait(2, "d", 20), _talks(3, "e", 25), _strait(3, "f", 30), _talks(4, "g", 35)]
    third = [_talks(5, "h", 50), _strait(4, "i", 55)]
    everything = first + second + third
    run1 = _run([], first, 14, everything)
    run2 = _run(run1.changed, second, 44, everything)
    # When both grow in a later run (the merge pass sees both touched, 0.48 alike)
    run3 = _run([t for t in run2.changed if t.is_open], third, 59, everything)
    open_ids = {t.trend_id for t in run3.changed if t.is_open}
    assert open_ids == {t.trend_id for t in run2.changed}
    assert not any(t.merged_into for t in run3.changed)
    # And each lists the other as related, never as the same story
    related = related_trends([t for t in run3.changed if t.is_open])
    talks_id, strait_id = trend_id_for(first[0].article_id), trend_id_for(first[1].article_id)
    assert [r.trend_id for r in related[talks_id]][:1] == [strait_id]
    assert [r.trend_id for r in related[strait_id]][:1] == [talks_id]


def test_a_retried_run_splits_the_same_way() -> None:
    first = [_talks(1, "a", 0), _strait(1, "b", 5), _talks(2, "c", 10)]
    second = [_strait(2, "d", 20), _talks(3, "e", 25), _strait(3, "f", 30), _talks(4, "g", 35)]
    run1 = _run([], first, 14, first + second)
    once = _run(run1.changed, second, 44, first + second)
    again = _run(run1.changed, second, 44, first + second)
    assert [t.model_dump() for t in once.changed] == [t.model_dump() for t in again.changed]
    assert once.removed_members == again.removed_members
