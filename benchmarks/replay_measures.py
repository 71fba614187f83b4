"""Issue 9 measures on a replay of the snapshot: status changes, status over time, detection latency.

    .venv/bin/python benchmarks/replay_measures.py ../shared/data/news_feed_snapshot_2026-02-18 \
        [--hours 48] [--step-minutes 15] [--top 20] [--column-hours 3] [--lexical] [--until ISO]
        [--stories tests/data/heldout_stream_labels.csv | --stories gold]

The snapshot's articles are replayed through the production clustering run, `ClusterService.run`
(clustering, then `services.trend_intel.enrich`: status with its hysteresis, detected_at,
prediction; the state carried from run to run as the Lambda carries it), over an in-memory store
(`tests.fakes.InMemoryClusterStore`) with the default sentence embedder. Embeddings are computed
once for the whole snapshot and cached on disk (`evaluation.clustering_eval.embed_articles`);
each run reads them by text, so the numbers are those of the embedding path without its cost.

The clock is stepped every `--step-minutes` over the last `--hours` up to the newest item. An
article is ingested by the first run at or after its publish time: the replayed feed shows an
item from its publish time on (as `headlinez up --replay-*` serves it), so the feed's own
publish-to-visible lag is 0 here by construction; articles published before the window are
ingested by the first run (a first poll sees a feed's backlog).

Printed:

1. status changes per trend per day: for each trend, the most status changes in any 24 hours of
   the replay (the first status is not a change); share of trends with <= 3 (target: 95%), for the
   public trends (2+ newsrooms at some run) and for all trends, and for the public trends
   counting only from the run they went public on (what the trend list shows); and "cooled
   while covered": the
   share of public trends' Cooled runs at which 2+ newsrooms had published on the story in the
   last 6 hours (a status a reader would not agree with); and "cooled with a fresh article": the share of
   public Cooled runs whose latest article is younger than the quiet spell the trend's size
   needs to cool; and "cooled with a rise": public Cooled runs whose "+N% since first seen" (as
   the API shows it) is above 0, and how many of them show +25% or more;
2. the `--top` biggest stories (most newsrooms, then articles) with their status letter and
   velocity (as the API shows it: smoothed, at the top of the hour) every `--column-hours`;
3. detection latency of every story reaching 3 newsrooms: from the publish time of its second
   newsroom's first article (among the newsrooms the trend counts) to the first run that showed
   the story (the trend or one later merged into it) public, i.e. open with 2+ newsrooms.
   "raw" is that delay; "after first poll" subtracts the wait for the first run at or after that
   publish time (what a 15-minute schedule adds by itself), leaving what clustering adds.
   Stories whose second newsroom published before the replay window are left out (counted).
   With `--stories CSV|gold`, also per story as labelers grouped it (a CSV `id,story`, or the
   dataset's gold stories): to the first run at which one public trend holds the story's
   articles from 2+ newsrooms.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes import InMemoryClusterStore

from headlinez.adapters.embedding import load_default_embedder
from headlinez.domain.clustering import ClusterConfig
from headlinez.domain.lifecycle import covered_again_at, quiet_needed_hours
from headlinez.domain.newsrooms import PUBLIC_MIN_NEWSROOMS
from headlinez.domain.semantic import embedding_text
from headlinez.domain.velocity import growth_since_first_seen, velocity_at
from headlinez.evaluation.clustering_eval import dataset_ids, embed_articles, load_dataset
from headlinez.models import Article, TrendMember, TrendState
from headlinez.services.cluster import ClusterService

LETTERS = {"emerging": "E", "rising": "R", "peaking": "P", "fading": "F", "cooled": "C"}
TARGET_CHANGES_PER_DAY = 3
TARGET_SHARE = 95.0
COVERED_HOURS = 6.0  # "covered": articles from 2+ newsrooms in the last 6 hours
LARGE_RISE_PERCENT = 25  # a "large rise" beside a Cooled badge
AT_PEAK_SHARE = 0.8  # "at its peak": velocity >= 80% of the highest seen so far (the Peaking return)
LOOKBACK = timedelta(hours=6)  # settings.lookback_hours (CLUSTER_LOOKBACK_HOURS) default


class CachedEmbedder:
    """The Embedder port over embeddings computed once for the snapshot, looked up by text."""

    def __init__(self, model_id: str, rows: Mapping[str, Sequence[float]]) -> None:
        self.model_id = model_id
        self._rows = rows

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        return np.array([self._rows[text] for text in texts], dtype=np.float32)


@dataclass
class Observation:
    status: str | None
    velocity: float
    newsrooms: int
    is_open: bool
    recent_newsrooms: int = 0  # distinct newsrooms with an article in the last COVERED_HOURS
    quiet_hours: float = 0.0  # since the trend's latest article
    covered_again: bool = False  # Cooled with an article after it cooled: the page marks it
    growth: int | None = None  # "+N% since first seen" as the API shows it (at the top of the hour)


@dataclass
class Replay:
    runs: list[datetime] = field(default_factory=list)
    history: dict[str, dict[datetime, Observation]] = field(default_factory=lambda: defaultdict(dict))
    store: InMemoryClusterStore = field(default_factory=InMemoryClusterStore)
    start: datetime = datetime(2000, 1, 1, tzinfo=UTC)
    seconds: float = 0.0
    embedding: str = ""
    public_members: list[tuple[datetime, list[set[str]]]] = field(default_factory=list)
    """Per run, the article ids of each public trend (open, 2+ newsrooms): the gold-story latency."""
    miscounted: dict[str, tuple[datetime, int, int, int]] = field(default_factory=dict)
    """Trends whose article count, listed articles and hourly sum disagreed after a run: the first
    run it happened at and the three figures (a merge chain once lost an article from the list)."""


def _embedder(articles: Sequence[Article], lexical: bool) -> CachedEmbedder | None:
    if lexical:
        return None
    model = load_default_embedder()
    if model is None:
        print("embedding model not installed: lexical path (run `make setup`)")
        return None
    vectors, seconds = embed_articles(articles, model)
    print(f"embeddings: {len(vectors)} articles, {seconds:.1f}s CPU"
          f"{' (cached on disk by an earlier run)' if seconds == 0 else ''}")
    rows = {embedding_text(a.title, a.summary): vectors[a.article_id] for a in articles}
    return CachedEmbedder(model.model_id, rows)


def recent_newsrooms(trend: TrendState, now: datetime, hours: float = 6.0) -> int:
    """Distinct newsrooms with an article published in the `hours` before `now` (hour buckets)."""
    since = (now - timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)
    return len({s for b in trend.hourly if since <= b.hour <= now for s in b.sources})


def run(dataset: Path, hours: float, step: timedelta, lexical: bool = False,
        until: datetime | None = None) -> Replay:
    articles = [g.article for g in load_dataset(dataset)]
    if until is not None:  # nothing published after `until` is read (e.g. a held-out window)
        articles = [a for a in articles if a.published <= until]
    end = max(a.published for a in articles)
    start = end - timedelta(hours=hours)
    embedder = _embedder(articles, lexical)
    replay = Replay(start=start)
    service = ClusterService(replay.store, ClusterConfig(), lookback=LOOKBACK, embedder=embedder)
    # Arrival: the publish time, or the first run for the backlog published before the window.
    arrivals = sorted((a.model_copy(update={"ingested_at": max(a.published, start), "trend_id": None})
                       for a in articles), key=lambda a: a.ingested_at)
    position = 0
    now = start
    started = time.perf_counter()
    while now <= end:
        batch = []
        while position < len(arrivals) and arrivals[position].ingested_at <= now:
            batch.append(arrivals[position])
            position += 1
        replay.store.add(batch)
        writes = len(replay.store.writes)
        report = service.run(now)
        replay.embedding = report.embedding
        replay.runs.append(now)
        top_of_hour = now.replace(minute=0, second=0, microsecond=0)
        written = {tid for ids in replay.store.writes[writes:] for tid in ids}
        for trend in replay.store.trends.values():
            if trend.is_open or trend.trend_id in written:  # open, or closed by this run
                replay.history[trend.trend_id][now] = Observation(
                    trend.status, velocity_at(trend, top_of_hour), trend.source_count, trend.is_open,
                    recent_newsrooms(trend, now, COVERED_HOURS),
                    (now - trend.last_seen).total_seconds() / 3600,
                    covered_again_at(trend) is not None, growth_since_first_seen(trend, top_of_hour))
        for trend in replay.store.trends.values():
            listed = len(replay.store.members.get(trend.trend_id, {}))
            hourly = sum(bucket.articles for bucket in trend.hourly)
            if trend.merged_into is None and not trend.article_count == listed == hourly:
                replay.miscounted.setdefault(trend.trend_id, (now, trend.article_count, listed, hourly))
        replay.public_members.append((now, [set(replay.store.members.get(t.trend_id, {}))
                                            for t in replay.store.trends.values()
                                            if t.is_open and t.source_count >= PUBLIC_MIN_NEWSROOMS]))
        now += step
    replay.seconds = time.perf_counter() - started
    return replay


# --- 1. status changes per trend per day ------------------------------------------------------

def changes(observations: Mapping[datetime, Observation]) -> list[datetime]:
    """The runs at which the trend's status differed from the previous run's."""
    moments: list[datetime] = []
    previous: str | None = None
    for moment in sorted(observations):
        status = observations[moment].status
        if previous is not None and status != previous:
            moments.append(moment)
        previous = status
    return moments


def max_changes_in_a_day(moments: Sequence[datetime]) -> int:
    best = 0
    for index, moment in enumerate(moments):
        best = max(best, sum(1 for later in moments[index:] if later < moment + timedelta(days=1)))
    return best


def _public_part(observations: Mapping[datetime, Observation]) -> dict[datetime, Observation]:
    """The observations from the first run that saw the trend with 2+ newsrooms on."""
    public = sorted(m for m, o in observations.items() if o.newsrooms >= PUBLIC_MIN_NEWSROOMS)
    return {m: o for m, o in observations.items() if public and m >= public[0]}


def print_status_changes(replay: Replay) -> dict[str, float]:
    print("\n1. Status changes per trend per day (most changes in any 24 h; target <= "
          f"{TARGET_CHANGES_PER_DAY} for {TARGET_SHARE:.0f}% of trends)")
    shares: dict[str, float] = {}
    groups = {
        "public trends (2+ newsrooms at some run)": [
            tid for tid, obs in replay.history.items()
            if any(o.newsrooms >= PUBLIC_MIN_NEWSROOMS for o in obs.values())],
        "all trends": list(replay.history),
    }
    public_ids = groups["public trends (2+ newsrooms at some run)"]
    views: dict[str, tuple[list[str], bool]] = {label: (ids, False) for label, ids in groups.items()}
    # What the trend list shows: a trend's changes from the run it is public on (its candidate
    # phase is on the candidates view only)
    views["public trends, changes while public"] = (public_ids, True)
    for label, (ids, while_public) in views.items():
        per_day = [max_changes_in_a_day(changes(_public_part(replay.history[tid]) if while_public
                                                else replay.history[tid])) for tid in ids]
        distribution: defaultdict[int, int] = defaultdict(int)
        for value in per_day:
            distribution[value] += 1
        meeting = sum(1 for value in per_day if value <= TARGET_CHANGES_PER_DAY)
        share = 100.0 * meeting / len(per_day) if per_day else 100.0
        shares[label] = share
        spread = ", ".join(f"{k}: {distribution[k]}" for k in sorted(distribution))
        print(f"  {label}: {len(per_day)} trends; changes/day -> trends {{{spread}}}; "
              f"<= {TARGET_CHANGES_PER_DAY}: {meeting} ({share:.1f}%) "
              f"{'MET' if share >= TARGET_SHARE else 'NOT MET'}")
    over = [tid for tid in replay.history if max_changes_in_a_day(changes(replay.history[tid])) >
            TARGET_CHANGES_PER_DAY]
    for tid in over:
        observations = replay.history[tid]
        path = " ".join(f"{m:%d %H:%M} {LETTERS.get(observations[m].status or '', '?')}"
                        for m in [min(observations), *changes(observations)])
        print(f"    over {TARGET_CHANGES_PER_DAY}: {replay.store.trends[tid].headline[:60]!r}: {path}")
    return shares


def _public_cooled_share(replay: Replay, counted: Callable[[Observation], bool]) -> tuple[int, int, int]:
    """Of the public trends' Cooled runs, how many `counted` holds for: (runs counted, Cooled runs,
    trends with a counted run)."""
    cooled = hits = 0
    trends: set[str] = set()
    for trend_id, observations in replay.history.items():
        for observation in observations.values():
            if observation.newsrooms < PUBLIC_MIN_NEWSROOMS or observation.status != "cooled":
                continue
            cooled += 1
            if counted(observation):
                hits += 1
                trends.add(trend_id)
    return hits, cooled, len(trends)


def print_cooled_while_covered(replay: Replay) -> float:
    """How often a public trend shows Cooled although 2+ newsrooms covered it in the last
    COVERED_HOURS: what a reader would not call cooled."""
    covered, cooled, trends = _public_cooled_share(
        replay, lambda o: o.recent_newsrooms >= PUBLIC_MIN_NEWSROOMS)
    share = 100.0 * covered / cooled if cooled else 0.0
    print(f"  cooled while covered: {covered} of {cooled} public Cooled trend-runs ({share:.1f}%) had "
          f"articles from 2+ newsrooms in the last {COVERED_HOURS:g} h ({trends} trends)")
    return share


def print_cooled_with_fresh_article(replay: Replay) -> float:
    """How often a public trend shows Cooled although its latest article is younger than the
    quiet spell its size needs to cool (`lifecycle.quiet_needed_hours`): covered again, and still
    shown as cooled (a small story's new article cannot lift it to the revival velocity)."""
    fresh, cooled, trends = _public_cooled_share(
        replay, lambda o: o.quiet_hours < quiet_needed_hours(o.newsrooms))
    share = 100.0 * fresh / cooled if cooled else 0.0
    print(f"  cooled with a fresh article: {fresh} of {cooled} public Cooled trend-runs ({share:.1f}%) had "
          f"an article younger than the quiet spell their size needs to cool ({trends} trends)")
    marked, _, _ = _public_cooled_share(
        replay, lambda o: o.quiet_hours < quiet_needed_hours(o.newsrooms) and o.covered_again)
    print(f"    of which the page marks 'covered again' beside the badge: {marked} of {fresh}")
    return share


def print_cooled_with_a_rise(replay: Replay) -> float:
    """How often a public trend shows Cooled beside a rise: "+N% since first seen" above 0 as the
    API shows it (the issue: "a cooled trend must not show a large rise"), and how often that rise
    is large (+LARGE_RISE_PERCENT or more)."""
    rising, cooled, trends = _public_cooled_share(replay, lambda o: (o.growth or 0) > 0)
    large, _, large_trends = _public_cooled_share(replay, lambda o: (o.growth or 0) >= LARGE_RISE_PERCENT)
    share = 100.0 * rising / cooled if cooled else 0.0
    print(f"  cooled with a rise: {rising} of {cooled} public Cooled trend-runs ({share:.1f}%) showed "
          f"'+N% since first seen' above 0 ({trends} trends); +{LARGE_RISE_PERCENT}% or more: {large} "
          f"({large_trends} trends)")
    marked, _, _ = _public_cooled_share(replay, lambda o: (o.growth or 0) > 0 and o.covered_again)
    print(f"    of which the page marks 'covered again' beside the badge: {marked} of {rising}")
    return share


def print_fading_at_peak(replay: Replay) -> float:
    """How often a public trend shows Fading while its velocity (as the API shows it) is at least
    AT_PEAK_SHARE of the highest it has shown so far: the lag a status rule can add."""
    fading = at_peak = 0
    for observations in replay.history.values():
        peak = 0.0
        for moment in sorted(observations):
            observation = observations[moment]
            peak = max(peak, observation.velocity)
            if observation.newsrooms >= PUBLIC_MIN_NEWSROOMS and observation.status == "fading":
                fading += 1
                at_peak += int(peak > 0 and observation.velocity >= AT_PEAK_SHARE * peak)
    share = 100.0 * at_peak / fading if fading else 0.0
    print(f"  fading at its peak: {at_peak} of {fading} public Fading trend-runs ({share:.1f}%) had a "
          f"velocity >= {AT_PEAK_SHARE:.0%} of the trend's highest so far")
    return share


# --- 2. status over time of the biggest stories -----------------------------------------------

def biggest(replay: Replay, count: int) -> list[TrendState]:
    final = [t for t in replay.store.trends.values() if t.merged_into is None]
    final.sort(key=lambda t: (-t.source_count, -t.article_count, t.trend_id))
    return final[:count]


def _cell(observation: Observation | None) -> str:
    if observation is None:
        return "   .  "
    letter = LETTERS.get(observation.status or "", "?")
    mark = letter if observation.newsrooms >= PUBLIC_MIN_NEWSROOMS else letter.lower()
    return f"{mark}{observation.velocity:5.1f}"


def print_status_table(replay: Replay, count: int, column_hours: float) -> None:
    columns: list[datetime] = []
    moment = replay.runs[0]
    while moment <= replay.runs[-1]:
        columns.append(moment)
        moment += timedelta(hours=column_hours)
    if columns[-1] != replay.runs[-1]:
        columns.append(replay.runs[-1])
    print(f"\n2. Status over time of the {count} biggest stories (every {column_hours:g} h, UTC run time; "
          "letter = status: E emerging, R rising, P peaking, F fading, C cooled; lower case = not "
          "public yet (1 newsroom); number = velocity as the API shows it; '.' = no trend yet)")
    header = "  ".join(f"{c:%d %H}h" for c in columns)
    print(f"{'#':>2} {'nr':>3} {'art':>4}  {header}  headline")
    for rank, trend in enumerate(biggest(replay, count), start=1):
        observations = replay.history.get(trend.trend_id, {})
        cells = "  ".join(_cell(observations.get(c)) for c in columns)
        print(f"{rank:2d} {trend.source_count:3d} {trend.article_count:4d}  {cells}  {trend.headline[:60]}")


# --- 3. detection latency ---------------------------------------------------------------------

def _survivor(trends: Mapping[str, TrendState], trend_id: str) -> str:
    seen = {trend_id}
    state = trends.get(trend_id)
    while state is not None and state.merged_into and state.merged_into not in seen:
        seen.add(state.merged_into)
        trend_id = state.merged_into
        state = trends.get(trend_id)
    return trend_id


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(share / 100 * len(ordered)) - 1)
    return ordered[rank]


@dataclass
class Latency:
    headline: str
    second_published: datetime
    public_at: datetime
    first_poll: datetime
    own_second_published: datetime
    """The second newsroom's publish time within the trend that went public first (its own members
    up to that run), not the final story: a story that grew by merges may count an older article of
    another newsroom that was a separate trend (often another story) when it was published."""

    @property
    def raw_minutes(self) -> float:
        return (self.public_at - self.second_published).total_seconds() / 60

    @property
    def own_minutes(self) -> float:
        return (self.public_at - self.own_second_published).total_seconds() / 60

    @property
    def after_poll_minutes(self) -> float:
        return (self.public_at - self.first_poll).total_seconds() / 60


def _second_newsroom(members: Sequence[TrendMember], counted: set[str]) -> datetime | None:
    """Publish time of the first article of the second newsroom (of those the trend counts)."""
    firsts: dict[str, datetime] = {}
    for member in sorted(members, key=lambda m: m.published):
        if member.publisher_family in counted:
            firsts.setdefault(member.publisher_family, member.published)
    return sorted(firsts.values())[1] if len(firsts) >= 2 else None


def latencies(replay: Replay, step: timedelta) -> tuple[list[Latency], int]:
    trends = replay.store.trends
    story_trends: dict[str, list[str]] = defaultdict(list)
    for trend_id in trends:
        story_trends[_survivor(trends, trend_id)].append(trend_id)
    found: list[Latency] = []
    before_window = 0
    for survivor_id, ids in story_trends.items():
        survivor = trends[survivor_id]
        if survivor.source_count < 3:
            continue
        counted = set(survivor.source_families)
        members = sorted(replay.store.members.get(survivor_id, {}).values(), key=lambda m: m.published)
        second = _second_newsroom(members, counted)
        if second is None:
            continue
        if second < replay.start:
            before_window += 1
            continue
        public_runs = sorted((moment, tid) for tid in ids for moment, o in replay.history.get(tid, {}).items()
                             if o.is_open and o.newsrooms >= PUBLIC_MIN_NEWSROOMS)
        if not public_runs:
            continue
        public_at, public_trend = public_runs[0]
        first_poll = min(r for r in replay.runs if r >= second)
        own = _second_newsroom([m for m in replay.store.members.get(public_trend, {}).values()
                                if m.published <= public_at], set(trends[public_trend].source_families))
        found.append(Latency(survivor.headline, second, public_at, first_poll, own or second))
    return found, before_window


def print_latency(replay: Replay, step: timedelta) -> dict[str, float]:
    found, before = latencies(replay, step)
    print(f"\n3. Detection latency: {len(found)} stories reaching 3 newsrooms with their second newsroom "
          f"inside the window ({before} left out: second newsroom before the window). Delay from the "
          "second newsroom's publish time to the first run showing the story public (2+ newsrooms)")
    summary: dict[str, float] = {}
    if not found:
        return summary
    for label, values in (("raw (publish -> public)", [f.raw_minutes for f in found]),
                          ("after first poll (first run >= publish -> public)",
                           [f.after_poll_minutes for f in found]),
                          ("raw, second newsroom counted within the trend that went public first",
                           [f.own_minutes for f in found])):
        p50, p90, worst = _percentile(values, 50), _percentile(values, 90), max(values)
        summary[label] = p90
        print(f"  {label}: p50 {p50:.0f} min, p90 {p90:.0f} min, max {worst:.0f} min")
    limit = step.total_seconds() / 60
    raw_p90 = summary["raw (publish -> public)"]
    print(f"  target: p90 <= one poll interval ({limit:.0f} min) + the feed's own delay (0 here: the "
          f"replayed feed shows an item from its publish time): {'MET' if raw_p90 <= limit else 'NOT MET'}")
    slow = sorted(found, key=lambda f: -f.raw_minutes)[:5]
    print("  slowest:")
    for item in slow:
        print(f"    {item.raw_minutes:6.0f} min  second newsroom {item.second_published:%d %H:%M}Z "
              f"(within the first public trend {item.own_second_published:%d %H:%M}Z), "
              f"public at {item.public_at:%d %H:%M}Z  {item.headline[:60]}")
    return summary


def labeled_stories(dataset: Path, labels_path: Path | None) -> dict[str, list[Article]]:
    """The dataset's stories: from `labels_path` (CSV `id,story`, e.g.
    tests/data/heldout_stream_labels.csv), or the dataset's own gold stories when None."""
    labels: dict[str, str] | None = None
    if labels_path is not None:
        with labels_path.open(encoding="utf-8", newline="") as handle:
            labels = {row["id"]: row["story"] for row in csv.DictReader(handle)}
    stories: dict[str, list[Article]] = defaultdict(list)
    for row, row_id in zip(load_dataset(dataset), dataset_ids(dataset), strict=True):
        story = row.story_id if labels is None else labels.get(row_id)
        if story is not None and story != "single":
            stories[story].append(row.article)
    return stories


def story_latencies(replay: Replay, stories: Mapping[str, Sequence[Article]]) -> tuple[list[Latency], int]:
    """Latency per labeled story that reaches 3 newsrooms: from its second newsroom's first
    publish time to the first run at which one public trend holds its articles from 2+
    newsrooms. The story is the labelers', not the clustering's, so a trend that later merged in
    an older article of another story does not count that article's time, and a story split over
    two trends counts until one of them shows it."""
    found: list[Latency] = []
    before_window = 0
    for story, articles in sorted(stories.items()):
        firsts: dict[str, datetime] = {}
        for article in sorted(articles, key=lambda a: a.published):
            firsts.setdefault(article.publisher_family, article.published)
        if len(firsts) < 3:
            continue
        second = sorted(firsts.values())[1]
        if second < replay.start:
            before_window += 1
            continue
        family = {a.article_id: a.publisher_family for a in articles}
        public_at = next((moment for moment, trends in replay.public_members
                          if any(len({family[i] for i in members if i in family}) >= 2
                                 for members in trends)), None)
        if public_at is None:
            print(f"  never public as one trend: {story}")
            continue
        first_poll = min(r for r in replay.runs if r >= second)
        found.append(Latency(story, second, public_at, first_poll, second))
    return found, before_window


def print_story_latency(replay: Replay, dataset: Path, labels_path: Path | None) -> None:
    source = labels_path.name if labels_path is not None else "the dataset's gold stories"
    print(f"\n3b. Detection latency per labeled story ({source}): stories as the labelers "
          "grouped them; public = one open trend with 2+ newsrooms holds the story's articles from "
          "2+ newsrooms")
    found, before = story_latencies(replay, labeled_stories(dataset, labels_path))
    print(f"  {len(found)} stories reaching 3 newsrooms ({before} left out: second newsroom before "
          "the window)")
    if not found:
        return
    for label, values in (("raw (publish -> public)", [f.raw_minutes for f in found]),
                          ("after first poll", [f.after_poll_minutes for f in found])):
        print(f"  {label}: p50 {_percentile(values, 50):.0f} min, p90 {_percentile(values, 90):.0f} min, "
              f"max {max(values):.0f} min")
    print("  slowest:")
    for item in sorted(found, key=lambda f: -f.raw_minutes)[:6]:
        print(f"    {item.raw_minutes:6.0f} min  second newsroom {item.second_published:%d %H:%M}Z, "
              f"public at {item.public_at:%d %H:%M}Z  {item.headline}")


def print_coverage_integrity(replay: Replay) -> None:
    """Every trend's article count, the articles its coverage lists and its hourly sum agree."""
    print(f"\ncoverage integrity: {len(replay.miscounted)} of {len(replay.store.trends)} trends whose "
          "article count, listed articles and hourly sum disagreed after some run (target 0)")
    for trend_id, (at, count, listed, hourly) in sorted(replay.miscounted.items(), key=lambda kv: kv[1][0]):
        print(f"  {trend_id} at {at:%m-%d %H:%M}Z: count {count}, listed {listed}, hourly {hourly}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--hours", type=float, default=48.0)
    parser.add_argument("--step-minutes", type=float, default=15.0)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--column-hours", type=float, default=3.0)
    parser.add_argument("--lexical", action="store_true", help="clustering without the embedding model")
    parser.add_argument("--until", type=datetime.fromisoformat, default=None,
                        help="read only items published up to this time (ISO 8601, e.g. "
                             "2026-02-16T00:00+00:00: the snapshot without its held-out days)")
    parser.add_argument("--stories", default=None, metavar="CSV|gold",
                        help="also the latency per story as people group them: a CSV id,story (e.g. "
                             "tests/data/heldout_stream_labels.csv, measure only) or 'gold' for the "
                             "dataset's own stories (UCI, AllSides)")
    args = parser.parse_args(argv)
    if not args.dataset.exists():
        print(f"no dataset at {args.dataset} (the snapshot lives in ../shared/data)", file=sys.stderr)
        return 2
    step = timedelta(minutes=args.step_minutes)
    replay = run(args.dataset, args.hours, step, lexical=args.lexical, until=args.until)
    print(f"replay: {len(replay.runs)} runs every {args.step_minutes:g} min "
          f"from {replay.runs[0]:%Y-%m-%d %H:%M}Z to {replay.runs[-1]:%Y-%m-%d %H:%M}Z, "
          f"{len(replay.store.articles)} articles, "
          f"{len(replay.store.trends)} trends, clustering path: {replay.embedding}; {replay.seconds:.1f}s")
    print_status_changes(replay)
    print_cooled_while_covered(replay)
    print_cooled_with_fresh_article(replay)
    print_cooled_with_a_rise(replay)
    print_fading_at_peak(replay)
    print_status_table(replay, args.top, args.column_hours)
    print_latency(replay, step)
    print_coverage_integrity(replay)
    if args.stories is not None:
        print_story_latency(replay, args.dataset, None if args.stories == "gold" else Path(args.stories))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
