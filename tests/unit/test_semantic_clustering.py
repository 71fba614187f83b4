"""The semantic path of clustering: average linkage on embeddings, wire copy, id stability."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import pytest
from tests.unit.test_clustering import T0, article

from headlinez.domain.clustering import ClusterConfig, ClusterRunResult, DocumentFrequencies, cluster_articles
from headlinez.domain.semantic import SemanticIndex, embedding_text, unpack_sum
from headlinez.domain.syndication import SYNDICATION_THRESHOLD, sketch_similarity, wire_sketch
from headlinez.models import Article, TrendState

# The fixtures' one-line summaries stand for leads: headline-only scaling is off here and tested
# on its own below (test_headline_only_*).
CONFIG = ClusterConfig(headline_only_words=0)
DIM = 8


def unit(*values: float) -> list[float]:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[: len(values)] = values
    return (vector / np.linalg.norm(vector)).tolist()


# Two stories that share vocabulary ("Iran", "talks") but not meaning, as an embedding model sees them.
GENEVA = unit(1.0, 0.1)
GENEVA_2 = unit(1.0, 0.2)
HORMUZ = unit(0.3, 1.0)


# --- syndication ------------------------------------------------------------------------------

WIRE_LEAD = ("French President Emmanuel Macron met Indian Prime Minister Narendra Modi in New Delhi on "
             "Tuesday to discuss defence cooperation, trade and the war in Ukraine, officials said.")


def test_the_same_wire_lead_under_two_mastheads_is_one_copy() -> None:
    # Given one AP text republished with a trimmed headline
    first = wire_sketch("Macron and Modi discuss defence ties in New Delhi", WIRE_LEAD)
    second = wire_sketch("Macron, Modi talk defence", WIRE_LEAD + " The visit lasts three days.")
    # Then the sketches estimate a high Jaccard similarity
    assert sketch_similarity(first, second) >= SYNDICATION_THRESHOLD


def test_independent_reports_of_one_event_are_not_copies() -> None:
    first = wire_sketch("Macron and Modi discuss defence ties in New Delhi", WIRE_LEAD)
    second = wire_sketch(
        "India and France deepen military partnership",
        "Talks between the two leaders focused on submarines and jet engines, according to a "
        "statement from the foreign ministry released after the meeting in the Indian capital.",
    )
    assert sketch_similarity(first, second) < SYNDICATION_THRESHOLD


def test_short_texts_have_no_sketch_and_never_match() -> None:
    assert wire_sketch("Breaking", "") == ""
    assert sketch_similarity("", wire_sketch("Macron and Modi discuss defence ties", WIRE_LEAD)) == 0.0


def test_wire_copy_counts_as_one_newsroom_in_a_trend() -> None:
    # Given the AP story from AP itself, then reprinted by another masthead under a new title
    batch = [
        article("ap", "Macron and Modi discuss defence ties in New Delhi", WIRE_LEAD, family="ap"),
        article("jt", "Macron, Modi talk defence and trade", WIRE_LEAD, family="japan-today",
                at=T0 + timedelta(minutes=5)),
    ]
    vectors = {batch[0].article_id: GENEVA, batch[1].article_id: GENEVA}
    result = cluster_articles([], batch, DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                              config=CONFIG, embeddings=vectors)
    # Then there is one trend, two articles, one newsroom
    (trend,) = result.changed
    assert trend.article_count == 2
    assert trend.source_families == ["ap"]
    assert len(trend.outlets) == 2


# --- semantic index ---------------------------------------------------------------------------


def test_average_linkage_is_one_dot_product_with_the_mean() -> None:
    index = SemanticIndex(DIM, capacity=1)
    members = [np.asarray(GENEVA, dtype=np.float32), np.asarray(HORMUZ, dtype=np.float32)]
    index.put("t1", members[0] + members[1], 2, T0, T0)
    probe = np.asarray(GENEVA_2, dtype=np.float32)
    expected = (float(probe @ members[0]) + float(probe @ members[1])) / 2
    assert math.isclose(index.similarity("t1", probe) or 0.0, expected, rel_tol=1e-5)


def test_nearest_respects_time_and_grows() -> None:
    index = SemanticIndex(DIM, capacity=1)
    index.put("old", np.asarray(GENEVA, dtype=np.float32), 1, T0 - timedelta(days=5), T0 - timedelta(days=5))
    index.put("new", np.asarray(GENEVA_2, dtype=np.float32), 1, T0, T0)
    found = index.nearest(np.asarray(GENEVA, dtype=np.float32), earliest_last=T0 - timedelta(days=1),
                          latest_first=T0 + timedelta(days=1), limit=5)
    assert [tid for tid, _ in found] == ["new"]
    index.remove("new")
    assert index.nearest(np.asarray(GENEVA, dtype=np.float32), earliest_last=T0 - timedelta(days=1),
                         latest_first=T0 + timedelta(days=1), limit=5) == []


def test_embedding_text_is_title_and_lead() -> None:
    assert embedding_text(" Title ", "a  b\nc") == "Title. a b c"
    assert embedding_text("Title", "") == "Title"
    assert len(embedding_text("T", "x" * 1000)) == len("T. ") + 300


# --- assignment --------------------------------------------------------------------------------


def test_shared_words_do_not_merge_different_events_when_meaning_differs() -> None:
    # Given the Geneva talks and the Hormuz closure: lexically close ("Iran", "US", "talks")
    batch = [
        article("g1", "Iran and US hold nuclear talks in Geneva", "Negotiators met in Geneva.",
                family="a"),
        article("g2", "US and Iran nuclear talks resume in Geneva", "Envoys met again in Geneva.",
                family="b", at=T0 + timedelta(minutes=3)),
        article("h1", "Iran closes Strait of Hormuz during US nuclear talks", "Iran shut the strait.",
                family="c", at=T0 + timedelta(minutes=6)),
    ]
    vectors = {batch[0].article_id: GENEVA, batch[1].article_id: GENEVA_2, batch[2].article_id: HORMUZ}
    result = cluster_articles([], batch, DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                              config=CONFIG, embeddings=vectors)
    # Then the talks are one trend and the closure is another
    assert result.assignments[batch[0].article_id] == result.assignments[batch[1].article_id]
    assert result.assignments[batch[2].article_id] != result.assignments[batch[0].article_id]
    talks = next(t for t in result.changed if t.trend_id == result.assignments[batch[0].article_id])
    assert talks.embedding_weight > 0
    total = unpack_sum(talks.embedding_sum)
    assert total is not None
    assert len(total) == DIM


# Three reports of one earthquake in different words, as an embedding model sees them (close vectors)
QUAKE = [("Quake strikes off Japan coast", "A strong earthquake hit.", unit(1, 0, 0.3)),
         ("Tsunami warning lifted after tremor", "Residents return home.", unit(1, 0.1, 0.3)),
         ("Japan earthquake tsunami alert ends", "Quake tremor warning lifted.", unit(1, 0.05, 0.3))]


def quake_reports(*times: datetime) -> tuple[list[Article], dict[str, list[float]]]:
    """The QUAKE reports published at `times` (one newsroom each), with their embeddings."""
    reports = [article(f"q{n}", title, summary, family=f"f{n}", at=at)
               for n, ((title, summary, _), at) in enumerate(zip(QUAKE, times, strict=False))]
    return reports, {a.article_id: vector for a, (_, _, vector) in zip(reports, QUAKE, strict=False)}


Fragments = tuple[list[TrendState], Article, ClusterRunResult, dict[str, list[float]]]


def two_fragments(later: timedelta) -> Fragments:
    """Two trends of the quake founded in separate runs (thresholds keep them apart), the second
    `later` after the first; then the third report, published 5 minutes after the second."""
    (first, second, third), vectors = quake_reports(T0, T0 + later, T0 + later + timedelta(minutes=5))
    apart = ClusterConfig(semantic_threshold=0.99, semantic_merge_threshold=0.99)
    run1 = cluster_articles([], [first], DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                            config=apart, embeddings=vectors)
    run2 = cluster_articles(run1.changed, [second], run1.frequencies, now=T0 + later + timedelta(minutes=1),
                            config=apart, embeddings=vectors)
    assert run2.assignments[second.article_id] != run1.assignments[first.article_id]
    open_trends = [t for t in run2.changed if t.is_open] + [
        t for t in run1.changed if t.trend_id not in {x.trend_id for x in run2.changed}]
    return open_trends, third, run2, vectors


def test_fragments_merge_and_the_older_id_survives() -> None:
    # Given two trends of one story founded 20 minutes apart (different words, same meaning)
    open_trends, third, before, vectors = two_fragments(timedelta(minutes=20))
    oldest = min(open_trends, key=lambda t: t.first_seen).trend_id
    # When a later run uses the default thresholds, the merge pass folds the fragments together
    run3 = cluster_articles(open_trends, [third], before.frequencies, now=T0 + timedelta(minutes=45),
                            config=CONFIG, embeddings=vectors)
    survivors = {t.trend_id: t for t in run3.changed if t.is_open}
    merged = {t.trend_id: t for t in run3.changed if t.merged_into}
    assert oldest in survivors  # the older id is kept
    assert merged
    assert all(t.merged_into == oldest for t in merged.values())
    assert survivors[oldest].article_count == 3


@pytest.mark.parametrize(("hours_apart", "merged"), [(10, True), (14, False)])
def test_only_trends_covered_within_the_merge_gap_merge(hours_apart: int, merged: bool) -> None:
    # Given a one-article trend, and a later trend of the same meaning founded `hours_apart` after it
    # (e.g. a budget row, then a state visit, both about one president)
    open_trends, third, before, vectors = two_fragments(timedelta(hours=hours_apart))
    now = T0 + timedelta(hours=hours_apart, minutes=15)
    # When the merge pass runs with the default thresholds and gap (12 hours)
    assert CONFIG.merge_max_gap == timedelta(hours=12)
    run3 = cluster_articles(open_trends, [third], before.frequencies, now=now, config=CONFIG,
                            embeddings=vectors)
    # Then they are one trend only when their coverage came within the gap
    assert any(t.merged_into for t in run3.changed) is merged
    narrow = ClusterConfig(headline_only_words=0, merge_max_gap=timedelta(hours=hours_apart - 1))
    run4 = cluster_articles(open_trends, [third], before.frequencies, now=now, config=narrow,
                            embeddings=vectors)
    assert not any(t.merged_into for t in run4.changed)  # a narrower gap keeps them apart


@pytest.mark.parametrize(("hours_later", "joins"), [(20, True), (26, False)])
def test_the_semantic_join_is_bounded_by_the_join_gap(hours_later: int, joins: bool) -> None:
    # Given a trend, and a report of the same meaning `hours_later` after its last article
    (first, second), vectors = quake_reports(T0, T0 + timedelta(hours=hours_later))
    run1 = cluster_articles([], [first], DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                            config=CONFIG, embeddings=vectors)
    run2 = cluster_articles(run1.changed, [second], run1.frequencies,
                            now=T0 + timedelta(hours=hours_later, minutes=15), config=CONFIG,
                            embeddings=vectors)
    # Then it joins only within join_max_gap (24 h), although the trend is open for 36 h
    assert (run2.assignments[second.article_id] == run1.assignments[first.article_id]) is joins


def test_without_embeddings_the_lexical_path_is_unchanged() -> None:
    batch = [article("v1", "Volcano erupts in Iceland, flights grounded", family="a"),
             article("v2", "Iceland volcano eruption grounds flights", family="b",
                     at=T0 + timedelta(minutes=2))]
    lexical = cluster_articles([], batch, DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                               config=CONFIG)
    assert len({lexical.assignments[a.article_id] for a in batch}) == 1
    assert all(t.embedding_sum is None for t in lexical.changed)


def test_a_retried_run_with_embeddings_is_identical() -> None:
    batch = [article(f"r{i}", f"Story {i % 2} headline words {i}", family=f"f{i}",
                     at=T0 + timedelta(minutes=i)) for i in range(6)]
    vectors = {a.article_id: (GENEVA if i % 2 else HORMUZ) for i, a in enumerate(batch)}
    first = cluster_articles([], batch, DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                             config=CONFIG, embeddings=vectors)
    second = cluster_articles([], batch, DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                              config=CONFIG, embeddings=vectors)
    assert first.assignments == second.assignments
    assert [t.model_dump() for t in first.changed] == [t.model_dump() for t in second.changed]


def test_headline_only_items_join_at_the_calibrated_lower_threshold() -> None:
    # Given two headline-only items of one story whose combined score falls between the
    # headline-only threshold (0.45 x 0.83 = 0.37) and the threshold for texts with a lead (0.45)
    first = article("u1", "Apple unveils new iPhone at Cupertino event", "", family="a")
    second = article("u2", "Shoppers queue overnight outside stores", "", family="b",
                     at=T0 + timedelta(minutes=3))
    vectors = {first.article_id: unit(1, 0, 0), second.article_id: unit(0.62, 0.785, 0)}
    default = ClusterConfig()
    result = cluster_articles([], [first, second], DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                              config=default, embeddings=vectors)
    # Then they are one trend, which counts its headline-only members
    assert result.assignments[first.article_id] == result.assignments[second.article_id]
    (trend,) = result.changed
    assert trend.headline_only_members == 2
    # And with leads (or with the scaling off) the same scores keep them apart
    apart = cluster_articles([], [first, second], DocumentFrequencies(), now=T0 + timedelta(minutes=15),
                             config=ClusterConfig(headline_only_words=0), embeddings=vectors)
    assert apart.assignments[first.article_id] != apart.assignments[second.article_id]


def test_headline_only_factor_applies_by_side() -> None:
    from headlinez.domain.clustering import _Run  # the rule itself: both, one or no side headline-only

    run = _Run.__new__(_Run)
    run.config = ClusterConfig()
    assert run.text_factor(True, True) == 0.83
    assert run.text_factor(True, False) == run.text_factor(False, True) == 0.86
    assert run.text_factor(False, False) == 1.0
    lead = article("l1", "Title", "A lead of more than five words here.", family="a")
    bare = article("l2", "Title", "Four words only here", family="a")
    assert not run.is_headline_only(lead)
    assert run.is_headline_only(bare)


def test_an_embedding_sum_is_stored_packed_and_an_old_list_still_reads() -> None:
    from headlinez.models import TrendState, pack_floats

    vector = np.asarray([0.5, -1.25, 3.0, 0.0], dtype=np.float32)
    packed = pack_floats(vector.tolist())
    assert isinstance(packed, str)
    assert np.array_equal(unpack_sum(packed), vector)
    # A trend stored before the packed form (a JSON list) reads as the same vector
    old = TrendState.model_validate({"trend_id": "t1", "first_seen": T0, "last_seen": T0,
                                     "embedding_sum": [0.5, -1.25, 3.0, 0.0], "embedding_weight": 2.0})
    assert old.embedding_sum == packed
    assert TrendState.model_validate_json(old.model_dump_json()).embedding_sum == packed
    assert unpack_sum(None) is None
