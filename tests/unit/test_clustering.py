"""Streaming clustering: assignment, identity, idempotency, closing, headlines, sources, bounds."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from headlinez.domain import clustering
from headlinez.domain.clustering import (
    ClusterConfig,
    ClusterRunResult,
    DocumentFrequencies,
    cluster_articles,
    trend_id_for,
)
from headlinez.domain.terms import MAX_TERM_CHARS, stem, title_overlap
from headlinez.domain.text import title_fingerprint
from headlinez.models import Article, TrendState

T0 = datetime(2026, 2, 17, 10, 0, tzinfo=UTC)
CONFIG = ClusterConfig()
REPO_ROOT = Path(__file__).resolve().parents[2]

VOLCANO = [
    ("Volcano erupts in Iceland, flights grounded", "Ash from the Iceland volcano grounds flights."),
    ("Iceland volcano eruption forces airlines to ground flights", "Airlines cancel flights as ash spreads."),
    ("Flights cancelled as Iceland volcano spews ash", "The eruption near Reykjavik continues."),
]
BANK = ("Central bank raises interest rates to fight inflation", "The bank lifted its benchmark rate.")


def aid(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def article(
    name: str,
    title: str,
    summary: str = "",
    *,
    at: datetime = T0,
    family: str = "outlet-a",
    outlet: str | None = None,
    fingerprint: str | None = None,
    trend_id: str | None = None,
) -> Article:
    return Article(
        article_id=aid(name),
        url=f"https://{family}.example/{name}",
        title=title,
        summary=summary,
        published=at,
        ingested_at=at,
        feed_id=family,
        outlet=outlet or family.title(),
        publisher_family=family,
        title_fingerprint=fingerprint if fingerprint is not None else title_fingerprint(title),
        trend_id=trend_id,
    )


def run(
    articles: Sequence[Article],
    open_trends: Sequence[TrendState] = (),
    frequencies: DocumentFrequencies | None = None,
    *,
    now: datetime = T0 + timedelta(minutes=15),
    config: ClusterConfig = CONFIG,
) -> ClusterRunResult:
    return cluster_articles(
        open_trends, articles, frequencies or DocumentFrequencies(), now=now, config=config
    )


def trend_state(
    trend_id: str, centroid: dict[str, float], *, first: datetime = T0, last: datetime = T0
) -> TrendState:
    return TrendState(trend_id=trend_id, centroid=centroid, article_count=1, first_seen=first, last_seen=last)


def open_after(result: ClusterRunResult) -> list[TrendState]:
    return [trend for trend in result.changed if trend.is_open]


# --- assignment --------------------------------------------------------------------------------


def test_articles_of_one_story_share_a_trend_and_another_story_starts_one() -> None:
    # Given three reports of one eruption and one unrelated central-bank story
    batch = [
        article(f"v{i}", title, summary, at=T0 + timedelta(minutes=i), family=f"f{i}")
        for i, (title, summary) in enumerate(VOLCANO)
    ]
    batch.append(article("bank", *BANK, at=T0 + timedelta(minutes=5), family="f9"))
    # When one run clusters them
    result = run(batch)
    # Then the eruption is one trend and the bank story another
    volcano = {result.assignments[aid(f"v{i}")] for i in range(3)}
    assert len(volcano) == 1
    assert result.assignments[aid("bank")] not in volcano
    assert len(result.changed) == 2
    trend = next(t for t in result.changed if t.trend_id in volcano)
    assert trend.article_count == 3
    assert trend.source_families == ["f0", "f1", "f2"]
    assert len(result.new_members[trend.trend_id]) == 3


def test_a_later_article_joins_the_existing_open_trend() -> None:
    # Given a trend created by an earlier run
    first = run([article("v0", *VOLCANO[0])])
    (trend,) = first.changed
    # When a related article arrives in the next run
    later = T0 + timedelta(hours=3)
    second = run(
        [article("v1", *VOLCANO[1], at=later, family="other")],
        open_after(first),
        first.frequencies,
        now=later + timedelta(minutes=15),
    )
    # Then it joins that trend, which is updated, not recreated
    assert second.assignments[aid("v1")] == trend.trend_id
    (updated,) = second.changed
    assert updated.trend_id == trend.trend_id
    assert updated.article_count == 2
    assert updated.version == trend.version + 1
    assert updated.first_seen == T0
    assert updated.last_seen == later
    assert [m.article_id for m in second.new_members[trend.trend_id]] == [aid("v1")]


def test_articles_are_processed_in_publish_time_order() -> None:
    # Given a batch listed out of order, the earliest article founds the trend
    batch = [article("late", *VOLCANO[1], at=T0 + timedelta(minutes=9)), article("early", *VOLCANO[0], at=T0)]
    result = run(batch)
    assert {result.assignments[aid("late")], result.assignments[aid("early")]} == {trend_id_for(aid("early"))}


def test_trend_id_is_derived_from_the_first_article() -> None:
    result = run([article("v0", *VOLCANO[0])])
    assert result.changed[0].trend_id == "t" + aid("v0")[:15]


def test_a_trend_out_of_the_quiet_window_is_not_joined() -> None:
    # Given a trend last seen 40 hours before the next related article
    first = run([article("v0", *VOLCANO[0])])
    later = T0 + timedelta(hours=40)
    # When the related article arrives
    second = run(
        [article("v1", *VOLCANO[1], at=later)],
        open_after(first),
        first.frequencies,
        now=later + timedelta(minutes=15),
    )
    # Then it starts a new trend and the old one is closed
    old_id = first.changed[0].trend_id
    assert second.assignments[aid("v1")] == trend_id_for(aid("v1"))
    assert second.closed == [old_id]


# --- idempotency and determinism ------------------------------------------------------------------


def _volcano_batch() -> list[Article]:
    return [
        article(f"v{i}", title, summary, at=T0 + timedelta(minutes=i), family=f"f{i}")
        for i, (title, summary) in enumerate(VOLCANO)
    ] + [article("bank", *BANK, at=T0 + timedelta(minutes=2), family="f9")]


def test_a_retried_run_produces_identical_output() -> None:
    # Given the same inputs twice (a retry after a failure)
    first = run(_volcano_batch())
    again = run(_volcano_batch())
    # Then the results are identical, trend ids included
    assert again.model_dump() == first.model_dump()


def test_processing_the_same_batch_twice_changes_nothing() -> None:
    # Given a run whose trends were saved but whose articles were not marked yet
    batch = _volcano_batch()
    first = run(batch)
    # When the same batch is processed again against the saved state
    second = run(batch, open_after(first), first.frequencies)
    # Then no trend changes and every article maps to its existing trend
    assert second.changed == []
    assert second.new_members == {}
    assert second.assignments == first.assignments
    assert second.frequencies.model_dump() == first.frequencies.model_dump()


def test_articles_already_marked_with_a_trend_are_skipped() -> None:
    first = run([article("v0", *VOLCANO[0])])
    trend_id = first.changed[0].trend_id
    marked = article("v1", *VOLCANO[1], trend_id=trend_id)
    second = run([marked], open_after(first), first.frequencies)
    assert second.changed == []
    assert second.assignments == {aid("v1"): trend_id}


def test_duplicate_articles_in_one_batch_count_once() -> None:
    batch = [article("v0", *VOLCANO[0]), article("v0", *VOLCANO[0])]
    result = run(batch)
    assert result.changed[0].article_count == 1


def test_inputs_are_not_mutated() -> None:
    first = run(_volcano_batch())
    trends = open_after(first)
    before = [trend.model_dump() for trend in trends]
    frequencies_before = first.frequencies.model_dump()
    later = T0 + timedelta(hours=1)
    run([article("v9", *VOLCANO[2], at=later, family="late")], trends, first.frequencies, now=later)
    assert [trend.model_dump() for trend in trends] == before
    assert first.frequencies.model_dump() == frequencies_before


# --- closing -----------------------------------------------------------------------------------


def test_a_quiet_trend_closes_after_the_quiet_period() -> None:
    first = run([article("v0", *VOLCANO[0])])
    trends = open_after(first)
    # Not yet: 35 hours of silence
    assert run([], trends, first.frequencies, now=T0 + timedelta(hours=35)).changed == []
    # Closed: 37 hours of silence
    closing = run([], trends, first.frequencies, now=T0 + timedelta(hours=37))
    (closed,) = closing.changed
    assert closing.closed == [closed.trend_id]
    assert closed.is_open is False
    assert closed.version == trends[0].version + 1


@pytest.mark.parametrize(("hours_later", "joins"), [(23, True), (25, False)])
def test_an_article_joins_only_a_trend_covered_within_the_join_gap(hours_later: int, joins: bool) -> None:
    # Given an eruption trend, still open (quiet for less than the 36-hour quiet period)
    first = run([article("v0", *VOLCANO[0])])
    trends = open_after(first)
    # When another report of it arrives `hours_later` after the trend's last article
    later = T0 + timedelta(hours=hours_later)
    result = run([article("v1", *VOLCANO[1], at=later, family="other")], trends, first.frequencies,
                 now=later + timedelta(minutes=15))
    # Then it joins within join_max_gap (24 h), and founds a new trend beyond it (a new day's
    # development of a subject, listed as related, not an old trend revived)
    assert (result.assignments[aid("v1")] == trends[0].trend_id) is joins
    assert CONFIG.join_max_gap == timedelta(hours=24)


# --- headlines ---------------------------------------------------------------------------------


def test_headline_is_the_most_representative_title_and_the_second_is_distinct() -> None:
    batch = [
        article("a1", "Iceland volcano erupts, flights grounded across Europe", at=T0, family="alpha"),
        article("a2", "Iceland volcano erupts and grounds flights across Europe", at=T0, family="alpha"),
        article("b1", "Ash cloud: airlines cancel hundreds of flights after Iceland volcano", family="beta"),
        article("c1", "Iceland volcano eruption grounds flights", family="gamma"),
    ]
    result = run(batch)
    (trend,) = result.changed
    candidates = trend.title_candidates
    # The headline is the first (best-scoring) candidate
    assert trend.headline == candidates[0].title
    assert trend.headline_article_id == candidates[0].article_id
    # The second headline comes from another newsroom and shares few words with the first
    assert trend.second_headline is not None
    second = next(m for m in candidates if m.article_id == trend.second_headline_article_id)
    assert second.publisher_family != candidates[0].publisher_family
    assert title_overlap(second.title, trend.headline) <= CONFIG.second_headline_max_overlap
    assert second.title != trend.headline


def test_no_second_headline_without_another_newsroom() -> None:
    batch = [article(f"a{i}", title, summary, family="alpha") for i, (title, summary) in enumerate(VOLCANO)]
    (trend,) = run(batch).changed
    assert trend.second_headline is None
    assert trend.second_headline_article_id is None


# --- sources -----------------------------------------------------------------------------------


def test_republished_wire_copy_counts_as_one_source() -> None:
    # Given AP's story republished verbatim by Yahoo, and Reuters' own report
    wire = "Iceland volcano erupts, grounding flights across Europe"
    batch = [
        article("ap", wire, at=T0, family="ap", outlet="AP"),
        article("yahoo", wire, at=T0 + timedelta(minutes=5), family="yahoo", outlet="Yahoo News"),
        article(
            "reuters",
            "Flights grounded as Iceland volcano erupts",
            at=T0 + timedelta(minutes=6),
            family="reuters",
        ),
    ]
    (trend,) = run(batch).changed
    # Then the wire copy is coverage (article, outlet) but not an independent source
    assert trend.article_count == 3
    assert trend.outlets == ["AP", "Yahoo News", "Reuters"]
    assert trend.source_families == ["ap", "reuters"]
    assert trend.hourly[0].sources == ["ap", "reuters"]


def test_two_feeds_of_one_newsroom_are_one_source() -> None:
    batch = [
        article("w", *VOLCANO[0], family="time", outlet="TIME World"),
        article("t", *VOLCANO[1], family="time", outlet="TIME Tech"),
    ]
    (trend,) = run(batch).changed
    assert trend.source_families == ["time"]
    assert trend.outlets == ["TIME World", "TIME Tech"]


def test_hourly_buckets_count_articles_and_sources_per_utc_hour() -> None:
    batch = [
        article("v0", *VOLCANO[0], at=T0 + timedelta(minutes=5), family="a"),
        article("v1", *VOLCANO[1], at=T0 + timedelta(minutes=40), family="b"),
        article("v2", *VOLCANO[2], at=T0 + timedelta(minutes=70), family="a"),
    ]
    (trend,) = run(batch, now=T0 + timedelta(hours=2)).changed
    assert [(b.hour, b.articles, b.sources) for b in trend.hourly] == [
        (T0, 2, ["a", "b"]),
        (T0 + timedelta(hours=1), 1, ["a"]),
    ]


def test_hourly_buckets_are_utc_hours_whatever_the_offset() -> None:
    paris = timezone(timedelta(hours=1))
    local = article("v0", *VOLCANO[0], at=datetime(2026, 2, 17, 11, 30, tzinfo=paris))
    (trend,) = run([local], now=T0 + timedelta(hours=1)).changed
    assert trend.hourly[0].hour == datetime(2026, 2, 17, 10, tzinfo=UTC)


# --- candidate lookup --------------------------------------------------------------------------


def test_only_trends_sharing_a_term_are_scored(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given one open trend about the eruption and one sharing no term with the new article
    volcano = trend_state("tvolcano", {"volcano": 1.0, "iceland": 0.8, "flight": 0.5})
    bank = trend_state("tbank", {"bank": 1.0, "rate": 0.9, "inflation": 0.5})
    scored: list[str] = []
    original = clustering._Run._centroid

    def spy(self: clustering._Run, tid: str) -> tuple[dict[str, float], float, datetime, datetime]:
        scored.append(tid)
        return original(self, tid)

    monkeypatch.setattr(clustering._Run, "_centroid", spy)
    # When an eruption article is clustered
    result = run([article("v0", *VOLCANO[0])], [volcano, bank])
    # Then only the volcano trend was scored, and the article joined it
    assert "tvolcano" in scored
    assert "tbank" not in scored
    assert result.assignments[aid("v0")] == "tvolcano"


def test_candidates_per_article_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given 50 open trends that all share the article's terms
    trends = [trend_state(f"t{i:02d}", {"volcano": 1.0, f"other{i}": 3.0}) for i in range(50)]
    scored: list[str] = []
    original = clustering._Run._centroid

    def spy(self: clustering._Run, tid: str) -> tuple[dict[str, float], float, datetime, datetime]:
        scored.append(tid)
        return original(self, tid)

    monkeypatch.setattr(clustering._Run, "_centroid", spy)
    config = ClusterConfig(max_candidates_per_article=7, merge_threshold=None)
    run([article("v0", "Volcano")], trends, config=config)
    assert len(set(scored)) == 7


# --- rolling IDF -------------------------------------------------------------------------------


def test_idf_comes_from_earlier_runs_not_from_the_batch() -> None:
    # Given earlier runs in which "minister" was everywhere and "araghchi" never appeared
    history = [article(f"h{i}", f"Minister visits region {i}", at=T0 - timedelta(hours=2)) for i in range(30)]
    earlier = run(history, now=T0 - timedelta(hours=1))
    # When a batch mentions both words, in every article
    batch = [article(f"n{i}", f"Minister Araghchi visits town{i}", family=f"f{i}") for i in range(5)]
    result = run(batch, [], earlier.frequencies)
    # Then the unseen name outweighs the common word, although both are in the whole batch
    trend = next(t for t in result.changed if t.article_count == 5)
    assert trend.centroid["araghchi"] > 2 * trend.centroid[stem("minister")]
    # And the batch is counted for the next run (stored in units of reference_time, see the model)
    frequencies = result.frequencies
    assert frequencies.reference_time is not None
    half_lives = (T0 + timedelta(minutes=15) - frequencies.reference_time) / CONFIG.df_half_life
    assert frequencies.counts["araghchi"] * 2**-half_lives == pytest.approx(5.0)
    history_decay = 2 ** -(timedelta(minutes=75) / CONFIG.df_half_life)  # counted 75 minutes earlier
    assert frequencies.documents * 2**-half_lives == pytest.approx(5 + 30 * history_decay)


def test_document_frequencies_decay_and_stay_bounded() -> None:
    config = ClusterConfig(df_max_terms=100)
    batch = [article(f"u{i}", f"alpha{i} bravo{i} charlie{i} delta{i} echo{i}") for i in range(60)]
    result = run(batch, config=config)
    assert len(result.frequencies.counts) <= 100
    # Three days later (one half-life) a count has halved
    later = run([], [], result.frequencies, now=T0 + timedelta(days=3, minutes=15), config=config)
    assert later.frequencies.documents == pytest.approx(result.frequencies.documents / 2, rel=0.01)


def test_document_frequencies_json_fits_a_dynamodb_item() -> None:
    # Given the largest table the defaults allow: df_max_terms terms of the maximum length
    counts = {f"{i:0{MAX_TERM_CHARS}d}": 123456.123456789 + i for i in range(CONFIG.df_max_terms)}
    table = DocumentFrequencies(counts=counts, documents=9876543.21, reference_time=T0)
    # Then its JSON is well under the 400 KB item limit
    assert len(table.model_dump_json().encode()) < 350_000


# --- merge pass --------------------------------------------------------------------------------


def test_converged_trends_merge_into_the_older_one() -> None:
    # Given two open trends on one story, started separately
    old = trend_state("told", {"volcano": 1.0, "iceland": 1.0, "flight": 0.5}, first=T0 - timedelta(hours=5))
    young = trend_state("tyoung", {"volcano": 1.0, "iceland": 0.6, "ash": 1.0}, first=T0 - timedelta(hours=1))
    # When an article joins the younger one
    result = run([article("v0", "Ash from Iceland volcano")], [old, young])
    # Then the younger is folded into the older, which keeps its id
    by_id = {trend.trend_id: trend for trend in result.changed}
    assert by_id["tyoung"].is_open is False
    assert by_id["tyoung"].merged_into == "told"
    assert "tyoung" in result.closed
    assert by_id["told"].article_count == 3
    assert result.assignments[aid("v0")] == "told"
    assert set(result.new_members) == {"told"}


def test_a_trend_that_ended_long_before_the_other_began_is_not_merged() -> None:
    # Given an old trend last covered 20 hours before the young one started (beyond merge_max_gap)
    old = trend_state("told", {"volcano": 1.0, "iceland": 1.0, "flight": 0.5},
                      first=T0 - timedelta(hours=25), last=T0 - timedelta(hours=21))
    young = trend_state("tyoung", {"volcano": 1.0, "iceland": 0.6, "ash": 1.0}, first=T0 - timedelta(hours=1))
    # When an article joins the younger one
    result = run([article("v0", "Ash from Iceland volcano")], [old, young])
    # Then both stay open: an earlier event of the same subject, not a story that started twice
    assert [trend.trend_id for trend in result.changed] == ["tyoung"]
    assert result.closed == []


def test_merge_pass_can_be_disabled() -> None:
    old = trend_state("told", {"volcano": 1.0, "iceland": 1.0, "flight": 0.5}, first=T0 - timedelta(hours=5))
    young = trend_state("tyoung", {"volcano": 1.0, "iceland": 0.6, "ash": 1.0}, first=T0 - timedelta(hours=1))
    result = run(
        [article("v0", "Ash from Iceland volcano")], [old, young], config=ClusterConfig(merge_threshold=None)
    )
    assert [trend.trend_id for trend in result.changed] == ["tyoung"]
    assert result.closed == []


# --- bounds ------------------------------------------------------------------------------------


def test_state_stays_bounded_however_long_the_story() -> None:
    # Given a story covered by 300 articles from 60 newsrooms over 3 days, in 15-minute runs
    config = ClusterConfig(
        max_title_candidates=6,
        max_recent_member_ids=20,
        max_title_fingerprints=10,
        max_centroid_terms=12,
        max_hourly_buckets=24,
        # The templated texts below would all be one wire copy; syndication has its own tests.
        max_wire_sketches=0,
    )
    trends: list[TrendState] = []
    frequencies = DocumentFrequencies()
    for step in range(100):
        at = T0 + timedelta(minutes=43 * step)
        batch = [
            article(
                f"s{step}-{k}",
                f"Iceland volcano eruption update {step}: flights, ash and lava {k}",
                f"Day {step // 30} of the Iceland volcano eruption, report {k}.",
                at=at + timedelta(minutes=k),
                family=f"f{(3 * step + k) % 60}",
            )
            for k in range(3)
        ]
        result = run(batch, trends, frequencies, now=at + timedelta(minutes=15), config=config)
        changed = {trend.trend_id: trend for trend in result.changed}
        trends = [changed.get(t.trend_id, t) for t in trends if changed.get(t.trend_id, t).is_open]
        trends += [t for t in result.changed if t.is_open and t.trend_id not in {x.trend_id for x in trends}]
        frequencies = result.frequencies
    biggest = max(trends, key=lambda trend: trend.article_count)
    assert biggest.article_count > 250  # one story, not many
    assert len(biggest.title_candidates) <= 6
    assert len(biggest.recent_member_ids) <= 20
    assert len(biggest.title_fingerprints) <= 10
    assert len(biggest.centroid) <= 12
    assert len(biggest.hourly) <= 24
    assert len(biggest.source_families) == 60


def test_a_backlog_clusters_as_the_scheduled_runs_would_have() -> None:
    """cluster_in_windows over a two-day backlog == one cluster_articles call per 15-minute run."""
    from headlinez.domain.clustering import SCHEDULE_STEP, cluster_in_windows

    start = datetime(2026, 2, 16, 6, 0, tzinfo=UTC)
    stories = ["Iran and US resume nuclear talks in Geneva", "Storm floods coastal towns in Chile",
               "Jesse Jackson, civil rights leader, dies aged 84"]
    backlog = [article(f"w{n:04d}", f"{stories[n % 3]} update {n // 3}", family=f"family-{n % 5}",
                       at=start + timedelta(minutes=37 * n)) for n in range(60)]
    now = start + timedelta(hours=40)
    config = ClusterConfig()

    combined = cluster_in_windows([], backlog, DocumentFrequencies(), now=now, config=config)

    # The same stream, one scheduled run per 15-minute window, the last one at `now`
    trends: dict[str, TrendState] = {}
    frequencies = DocumentFrequencies()
    window = start.replace(minute=0)
    pending = sorted(backlog, key=lambda a: a.published)
    while window < now:
        end = min(window + SCHEDULE_STEP, now)
        batch = [a for a in pending if window <= a.published < end]
        if batch or end == now:
            result = cluster_articles([t for t in trends.values() if t.is_open], batch, frequencies,
                                      now=end, config=config)
            frequencies = result.frequencies
            trends.update({t.trend_id: t for t in result.changed})
        window = end
    assert {t.trend_id: t.article_count for t in combined.changed} == {
        tid: t.article_count for tid, t in trends.items()}
    assert len(combined.assignments) == 60
