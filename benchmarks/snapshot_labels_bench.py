"""Score category, topics and related trends on hand-labeled trends of the 2026-02-18 snapshot.

    .venv/bin/python benchmarks/snapshot_labels_bench.py score [--lexical]
    .venv/bin/python benchmarks/snapshot_labels_bench.py score-related [--lexical]
    .venv/bin/python benchmarks/snapshot_labels_bench.py dump [--blind] > /tmp/trends.txt
    .venv/bin/python benchmarks/snapshot_labels_bench.py dump-unlabeled > /tmp/sheets.txt

The snapshot (`../shared/data/news_feed_snapshot_2026-02-18`, or HEADLINEZ_DATA_DIR) is replayed
through the production code (clustering with sentence embeddings, then `trend_intel.enrich`) from
2026-02-04 to 2026-02-18 04:00 in 15-minute steps, as the scheduled runs would have. Every
resulting trend is named by its **anchor**: the first 16 hex digits of the id of its earliest
member article (article ids digest the item's URL and row id, so anchors do not depend on the
clustering's trend ids). The label files under `tests/data/` hold anchors and labels only, never
dataset text:

* `snapshot_category_labels.csv` (`anchor,category`): 150 trends labeled by hand from their
  headlines, with `dump --blind` (headlines only, no prediction shown);
* `snapshot_topic_labels.csv` (`anchor,topic,ok`): each topic shown for 50 trends, judged
  1 (a person, organization, place or meaningful key phrase of that story, properly cased) or 0;
* `snapshot_related_labels.csv` (`anchor,related_anchor,ok`): each related trend shown for
  50 trends, judged 1 (shares a concrete entity or is about the same wider subject) or 0, and
  `same` when it is the same story (a violation of "never the same story twice");
  `snapshot_related_labels_check.csv`: the same judgement on 27 further trends, labeled after the
  thresholds were set on the first file.

* fresh blind samples, labeled after every rule of the fourth session, from the sheets of
  `dump-unlabeled` (headlines only): `snapshot_category_labels_fresh.csv` (`anchor,category`:
  the first 100 held-out trends in anchor order that no other file labels;
  `snapshot_category_labels_fresh_second.csv`: the same 100 labeled again by a second labeler,
  blind to the first and to the model, to measure agreement) and
  `snapshot_related_labels_fresh.csv` (`anchor,related_anchor,at,ok`: every pair shown at the
  `FRESH_RELATED_AT` replay ends that no other file labels, judged at its time).
* samples of every *candidate* pair (cosine >= 0.35 among a trend's 40 nearest) of the open trends
  at given times, so a looser rule can be scored as well as a tighter one (`score-related`):
  `snapshot_related_labels_tuning.csv` (16 times before 2026-02-16: rules are chosen on it) and
  `snapshot_related_labels_fresh2.csv` (7 held-out times, the pairs no earlier file held),
  `anchor,related_anchor,at,ok` with `at` the first sampled time the pair was a candidate.

`score` prints accuracy / precision with the misses, and how many predicted items carry no label
(new output after a code change: label them, the figure is only over labeled items).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from headlinez.evaluation.backtest import StreamReplay, replay_stream
from headlinez.evaluation.category_eval import dataset_embeddings
from headlinez.evaluation.clustering_eval import load_dataset
from headlinez.models import TrendState

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data"
START = datetime(2026, 2, 4, tzinfo=UTC)
END = datetime(2026, 2, 18, 4, tzinfo=UTC)
HELD_OUT_FROM = datetime(2026, 2, 16, tzinfo=UTC)  # snapshot items from then on are for measuring only


def _data_dir() -> Path:
    return Path(os.environ.get("HEADLINEZ_DATA_DIR", ROOT.parent / "shared" / "data"))


CATEGORY_HISTORY: dict[str, list[str | None]] = defaultdict(list)


def _record_categories(_now: datetime, out: StreamReplay) -> None:
    for trend_id, state in out.trends.items():
        history = CATEGORY_HISTORY[trend_id]
        if state.is_open and (not history or history[-1] != state.category):
            history.append(state.category)


def replay(lexical: bool = False, end: datetime = END
           ) -> tuple[StreamReplay, dict[str, TrendState], dict[str, str]]:
    """The replay up to `end`, its final trends by anchor, and trend id -> anchor."""
    rows = load_dataset(_data_dir() / "news_feed_snapshot_2026-02-18")
    articles = [r.article for r in rows if START <= r.article.published <= end]
    out = replay_stream(articles, start=START, end=end, step_minutes=15, on_step=_record_categories,
                        embeddings=dataset_embeddings(articles, lexical))
    anchors = _anchors(out, {a.article_id: a.published for a in articles})
    by_anchor = {anchors[tid]: out.trends[tid] for tid in anchors}
    return out, by_anchor, anchors


def _anchors(out: StreamReplay, published: dict[str, datetime]) -> dict[str, str]:
    """Trend id -> anchor (16 hex digits of its earliest member's id) of the replay as it stands."""
    members: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for article_id, trend_id in out.assignments.items():
        state = out.final_trend(trend_id)
        if state is not None:
            members[state.trend_id].append((published[article_id], article_id))
    return {tid: min(items)[1][:16] for tid, items in members.items()}


def _read(name: str) -> list[dict[str, str]]:
    path = LABELS / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score_category(by_anchor: dict[str, TrendState]) -> None:
    labels = _read("snapshot_category_labels.csv")
    hits = missing = absent = 0
    misses = []
    for row in labels:
        trend = by_anchor.get(row["anchor"])
        if trend is None:
            absent += 1
            continue
        predicted = trend.category
        missing += predicted is None
        if predicted == row["category"]:
            hits += 1
        else:
            part = "tuning" if trend.first_seen < HELD_OUT_FROM else "held out"
            misses.append(f"    {row['anchor']} [{part}] gold {row['category']:<13} got {predicted}: "
                          f"{trend.headline[:70]}")
    scored = len(labels) - absent
    print(f"category: {100 * hits / max(scored, 1):.1f}% ({hits}/{scored}); no category {missing}; "
          f"labeled anchors not found {absent}")
    parts = (("first seen before 2026-02-16 (tuning)", True), ("from 2026-02-16 (held out)", False))
    for part, early in parts:
        rows = [row for row in labels if row["anchor"] in by_anchor
                and (by_anchor[row["anchor"]].first_seen < HELD_OUT_FROM) == early]
        right = sum(by_anchor[row["anchor"]].category == row["category"] for row in rows)
        print(f"  {part}: {100 * right / max(len(rows), 1):.1f}% ({right}/{len(rows)})")
    print("\n".join(misses))


def score_topics(by_anchor: dict[str, TrendState]) -> None:
    labels = {(r["anchor"], r["topic"]): r["ok"] == "1" for r in _read("snapshot_topic_labels.csv")}
    trends = sorted({anchor for anchor, _ in labels})
    good = bad = unlabeled = 0
    wrong = []
    for anchor in trends:
        trend = by_anchor.get(anchor)
        for topic in trend.topics if trend else []:
            verdict = labels.get((anchor, topic.name))
            if verdict is None:
                unlabeled += 1
                wrong.append(f"    unlabeled {anchor} {topic.name!r} ({topic.kind})")
            elif verdict:
                good += 1
            else:
                bad += 1
                wrong.append(f"    wrong {anchor} {topic.name!r} ({topic.kind})")
    print(f"topics: precision {100 * good / max(good + bad, 1):.1f}% ({good}/{good + bad}) over "
          f"{len(trends)} trends; unlabeled {unlabeled}")
    print("\n".join(wrong))


CATEGORY_FILES = ("snapshot_category_labels.csv", "snapshot_category_labels_fresh.csv")
RELATED_FILES = ("snapshot_related_labels.csv", "snapshot_related_labels_check.csv",
                 "snapshot_related_labels_fresh.csv")
# The fresh related sample: pairs shown at these replay ends (the final state's pairs are all in
# the two files above), each pair once, at the first of these times that shows it.
FRESH_RELATED_AT = tuple(datetime(2026, 2, day, hour, tzinfo=UTC)
                         for day, hour in ((16, 10), (16, 16), (16, 22), (17, 4), (17, 10), (17, 16),
                                           (17, 22)))


def score_fresh_categories(by_anchor: dict[str, TrendState]) -> None:
    rows = _read("snapshot_category_labels_fresh.csv")
    if not rows:
        return
    scored = [(r, by_anchor[r["anchor"]]) for r in rows
              if r["anchor"] in by_anchor and r["category"] != "none"]  # "none": no section
    right = sum(trend.category == r["category"] for r, trend in scored)
    print(f"category, fresh blind sample (held out, labeled after every rule above): "
          f"{100 * right / max(len(scored), 1):.1f}% ({right}/{len(scored)})")
    for r, trend in scored:
        if trend.category != r["category"]:
            print(f"    {r['anchor']} gold {r['category']:<13} got {trend.category}: {trend.headline[:70]}")
    second = {r["anchor"]: r["category"] for r in _read("snapshot_category_labels_fresh_second.csv")}
    both = [r for r in rows if r["anchor"] in second]
    if both:
        # A second labeler, blind to the first and to the model: are the rules reproducible, so
        # that a miss is the model's and not the label's?
        agree = sum(second[r["anchor"]] == r["category"] for r in both)
        anchors = [r["anchor"] for r in both if r["anchor"] in by_anchor and second[r["anchor"]] != "none"]
        by_second = [(second[a], by_anchor[a].category) for a in anchors]
        print(f"  second labeler on the same {len(both)} trends: agrees with the first on {agree} "
              f"({100 * agree / len(both):.0f}%); the model matches the second on "
              f"{sum(g == c for g, c in by_second)}/{len(by_second)}")


def score_fresh_related(lexical: bool) -> None:
    """The fresh related sample (`anchor,related_anchor,at,ok`): each labeled pair is judged at its
    replay time; a pair the code no longer shows there counts as neither right nor wrong, and a
    pair it now shows that nobody labeled is listed."""
    rows = _read("snapshot_related_labels_fresh.csv")
    if not rows:
        return
    good = bad = same = gone = 0
    wrong: list[str] = []
    for at in sorted({r["at"] for r in rows}):
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        _, by_anchor, anchors = replay(lexical, moment)
        labels = {(r["anchor"], r["related_anchor"]): r["ok"] for r in rows if r["at"] == at}
        shown = {(a, anchors.get(r.trend_id, "?")): r.headline
                 for a, t in by_anchor.items() for r in t.related}
        for pair, verdict in labels.items():
            if pair not in shown:
                gone += 1
                continue
            if verdict == "1":
                good += 1
            else:
                bad += 1
                same += verdict == "same"
                wrong.append(f"    {verdict} {pair[0]} -> {pair[1]} at {at}: {shown[pair][:60]}")
    precision = 100 * good / max(good + bad, 1)
    print(f"related (snapshot_related_labels_fresh.csv, blind): precision {precision:.1f}% "
          f"({good}/{good + bad}); same story {same}; labeled pairs no longer shown {gone}")
    print("\n".join(wrong))


# Samples of every candidate pair (unit mean-embedding cosine >= 0.35, a trend's 40 nearest) of the
# open trends at their `at` times, labeled blind from headlines (`anchor,related_anchor,at,ok`), so
# that any rule showing pairs that close can be scored, a looser one as well as a tighter one.
PAIR_SAMPLES = (
    ("snapshot_related_labels_tuning.csv", "tuning: 16 times, 2026-02-08..15, before the held-out days"),
    ("snapshot_related_labels_fresh2.csv", "held out, blind: 7 times, 2026-02-16 13:00..02-18 01:00"),
)


def related_shown_at(times: Sequence[datetime], lexical: bool = False
                     ) -> dict[datetime, dict[frozenset[str], str]]:
    """The related pairs the open trends show at each of `times` (unordered anchor pairs -> the
    related headline), from one replay; anchors as `replay(end=time)` names them."""
    rows = load_dataset(_data_dir() / "news_feed_snapshot_2026-02-18")
    end = max(times)
    articles = [r.article for r in rows if START <= r.article.published <= end]
    published = {a.article_id: a.published for a in articles}
    wanted = set(times)
    shown: dict[datetime, dict[frozenset[str], str]] = {}

    def capture(now: datetime, out: StreamReplay) -> None:
        if now not in wanted:
            return
        anchors = _anchors(out, published)
        pairs: dict[frozenset[str], str] = {}
        for tid, anchor in anchors.items():
            trend = out.trends[tid]
            if trend.is_open:
                for related in trend.related:
                    pair = frozenset((anchor, anchors.get(related.trend_id, "?")))
                    pairs.setdefault(pair, related.headline)
        shown[now] = pairs

    replay_stream(articles, start=START, end=end, step_minutes=15, on_step=capture,
                  embeddings=dataset_embeddings(articles, lexical))
    return shown


def _moment(at: str) -> datetime:
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


def score_pair_samples(lexical: bool) -> None:
    """Precision of the related pairs shown at a sample's times, each pair counted once."""
    samples = [(name, what, _read(name)) for name, what in PAIR_SAMPLES]
    samples = [(name, what, rows) for name, what, rows in samples if rows]
    if not samples:
        return
    times = sorted({_moment(r["at"]) for _, _, rows in samples for r in rows})
    shown = related_shown_at(times, lexical)
    # A sample holds the candidate pairs no earlier file had labeled; a shown pair an earlier file
    # holds is scored with that label (all were written before the rules they now score).
    earlier = {frozenset((r["anchor"], r["related_anchor"])): r["ok"]
               for name in RELATED_FILES for r in _read(name)}
    for name, what, rows in samples:
        own = {frozenset((r["anchor"], r["related_anchor"])): r["ok"] for r in rows}
        labels = {**earlier, **own}
        pairs: dict[frozenset[str], str] = {}
        for at in sorted({_moment(r["at"]) for r in rows}):
            for pair, headline in shown.get(at, {}).items():
                pairs.setdefault(pair, headline)
        verdicts = [labels.get(pair) for pair in pairs]
        good = verdicts.count("1")
        bad = verdicts.count("0") + verdicts.count("same")
        trends = {anchor for pair in pairs for anchor in pair}
        from_earlier = sum(pair in earlier and pair not in own for pair in pairs)
        precision = 100 * good / max(good + bad, 1)
        print(f"related ({name}; {what}): precision {precision:.1f}% ({good}/{good + bad}) "
              f"over {len(pairs)} pairs of {len(trends)} trends ({from_earlier} labeled by an earlier file); "
              f"same story {verdicts.count('same')}; unlabeled {verdicts.count(None)}")
        for pair, headline in pairs.items():
            if labels.get(pair) != "1":
                print(f"    {labels.get(pair) or 'unlabeled'} {' -> '.join(sorted(pair))}: {headline[:60]}")


def score_related(by_anchor: dict[str, TrendState], anchors: dict[str, str],
                  name: str = "snapshot_related_labels.csv") -> None:
    labels = {(r["anchor"], r["related_anchor"]): r["ok"] for r in _read(name)}
    trends = sorted({anchor for anchor, _ in labels})
    good = bad = same = unlabeled = 0
    wrong = []
    for anchor in trends:
        trend = by_anchor.get(anchor)
        if trend is None:
            continue
        for related in trend.related:
            other = anchors.get(related.trend_id, "?")
            verdict = labels.get((anchor, other))
            if verdict is None:
                unlabeled += 1
                wrong.append(f"    unlabeled {anchor} -> {other} {related.headline[:60]}")
                continue
            good += verdict == "1"
            bad += verdict != "1"
            same += verdict == "same"
            if verdict != "1":
                wrong.append(f"    {verdict} {anchor} -> {other}: {trend.headline[:45]} | "
                             f"{related.headline[:45]}")
    print(f"related ({name}): precision {100 * good / max(good + bad, 1):.1f}% ({good}/{good + bad}) over "
          f"{len(trends)} trends; same story {same}; unlabeled {unlabeled}")
    print("\n".join(wrong))


def dump_unlabeled_categories(by_anchor: dict[str, TrendState]) -> None:
    """Held-out trends (first seen from 2026-02-16) no category label file names, headlines only:
    the blind sheet for a fresh category sample (`snapshot_category_labels_fresh.csv`)."""
    labeled = {r["anchor"] for name in CATEGORY_FILES for r in _read(name)}
    for anchor, trend in sorted(by_anchor.items()):
        if anchor in labeled or trend.first_seen < HELD_OUT_FROM:
            continue
        print(f"== {anchor} newsrooms {trend.source_count} articles {trend.article_count}")
        for member in trend.title_candidates[:4]:
            print(f"   | {member.title}")


def dump_unlabeled_related(lexical: bool) -> None:
    """Each related pair shown at the FRESH_RELATED_AT times that no related label file holds
    (once, at its first time), headlines only: the blind sheet for the fresh related sample."""
    seen = {(r["anchor"], r["related_anchor"]) for name in RELATED_FILES for r in _read(name)}
    for at in FRESH_RELATED_AT:
        _, by_anchor, anchors = replay(lexical, at)
        for anchor, trend in sorted(by_anchor.items()):
            fresh = [(anchors.get(r.trend_id, "?"), r) for r in trend.related
                     if (anchor, anchors.get(r.trend_id, "?")) not in seen]
            if not fresh:
                continue
            seen.update((anchor, other) for other, _ in fresh)
            print(f"== {anchor} at {at:%Y-%m-%dT%H:%M}Z")
            for member in trend.title_candidates[:3]:
                print(f"   | {member.title}")
            for other, related in fresh:
                print(f"   related {other}: {related.headline}")


def dump(by_anchor: dict[str, TrendState], anchors: dict[str, str], blind: bool) -> None:
    ranked = sorted(by_anchor.items(), key=lambda item: (-item[1].source_count, -item[1].article_count,
                                                         item[0]))
    for anchor, trend in ranked:
        print(f"== {anchor} newsrooms {trend.source_count} articles {trend.article_count}"
              + ("" if blind else f" category {trend.category}"))
        for member in trend.title_candidates[:4]:
            print(f"   | {member.title}")
        if not blind:
            print("   topics: " + "; ".join(f"{t.name} ({t.kind})" for t in trend.topics))
            for related in trend.related:
                print(f"   related {anchors.get(related.trend_id, '?')} {related.score:.2f} "
                      f"[{getattr(related, 'reason', '')}] {related.headline[:80]}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("command", choices=("score", "score-related", "dump", "dump-unlabeled"))
    parser.add_argument("--blind", action="store_true", help="dump headlines only (for labeling)")
    parser.add_argument("--lexical", action="store_true", help="no embeddings (the fallback path)")
    args = parser.parse_args(argv)
    if not (_data_dir() / "news_feed_snapshot_2026-02-18").is_dir():
        print(f"snapshot not found under {_data_dir()}", file=sys.stderr)
        return 2
    if args.command == "dump-unlabeled":
        _, by_anchor, anchors = replay(args.lexical)
        print("### categories")
        dump_unlabeled_categories(by_anchor)
        print("### related")
        dump_unlabeled_related(args.lexical)
        return 0
    if args.command == "score-related":  # the blind related samples only (each at its own times)
        score_fresh_related(args.lexical)
        score_pair_samples(args.lexical)
        return 0
    _, by_anchor, anchors = replay(args.lexical)
    if args.command == "dump":
        dump(by_anchor, anchors, args.blind)
        return 0
    print(f"snapshot replay {START:%Y-%m-%d %H:%M} -> {END:%Y-%m-%d %H:%M}Z: {len(by_anchor)} trends"
          + (" (lexical path)" if args.lexical else ""))
    score_category(by_anchor)
    changed = [h for h in CATEGORY_HISTORY.values() if len(h) > 1]
    flapped = [h for h in changed if len(h) != len(set(h))]
    print(f"category stability over the replay's runs: {len(CATEGORY_HISTORY)} trends, {len(changed)} "
          f"changed category at least once, {len(flapped)} went back to an earlier one (flapping)")
    score_topics(by_anchor)
    score_fresh_categories(by_anchor)
    score_related(by_anchor, anchors)
    score_related(by_anchor, anchors, "snapshot_related_labels_check.csv")
    score_fresh_related(args.lexical)
    score_pair_samples(args.lexical)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
