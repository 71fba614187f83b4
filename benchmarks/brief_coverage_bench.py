"""Share of public trends with a current brief at each cycle of a snapshot replay (issue 10, §1).

    .venv/bin/python benchmarks/brief_coverage_bench.py ../shared/data/news_feed_snapshot_2026-02-18 \
        [--hours 6] [--until ISO-TIME] [--max-per-run 10] [--rule backlog|changed] [--sheet DIR]
    .venv/bin/python benchmarks/brief_coverage_bench.py ../shared/data/news_feed_snapshot_2026-02-18 \
        --score DIR

The snapshot's articles are replayed in 15-minute cycles through the production `ClusterService`
(lexical path, in memory): an article is ingested at its publish time, or in the first cycle when it
was published before the replay window (as a first ingest would). The brief trigger runs each
requested execution at once through the flow's own steps (`BriefService.load/generate/check/
publish`) with the offline extractive engine, as the Step Functions flow would between two runs.
After each cycle: the public trends (open, 2+ newsrooms), how many have a *current* brief (one
exists and `brief_due` finds nothing new since it) and how many are briefed at all, plus the
published briefs' share of supported claims.

`--sheet DIR` also writes a blind judging sheet of the final briefs' quick answers with the
evidence they were written from and the page's headline (outside the repository: the snapshot's
text stays in ../shared/data); `--score DIR` counts the judge's `DIR/verdicts.csv`.

`--until 2026-02-16T00:00Z` ends the replay there instead of at the newest article (the articles
published after it are left out): the window before the snapshot's held-out days, where rules may be
chosen.

`--rule changed` is the previous rule (only trends that changed materially in the run start a
brief, at most `--max-per-run`); `--rule backlog` (the default) reads the published briefs.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.quick_answer_ab import RUBRIC
from tests.fakes import InMemoryClusterStore

from headlinez.briefs.extractive import ExtractiveGenerator
from headlinez.briefs.materiality import BriefedTrend, brief_due
from headlinez.briefs.models import (
    BriefFailure,
    BriefRequest,
    CheckInput,
    EvidenceItem,
    GenerateInput,
    LoadInput,
    PublishedBrief,
    PublishInput,
    RemovedClaim,
)
from headlinez.domain.clustering import ClusterConfig
from headlinez.domain.text import normalize_title
from headlinez.evaluation.clustering_eval import load_dataset
from headlinez.models import Article
from headlinez.ports import TrendSnapshot
from headlinez.services.briefs import BriefService
from headlinez.services.cluster import BriefTriggerPolicy, ClusterService

STEP = timedelta(minutes=15)


class _Clock:
    def __init__(self) -> None:
        self.value = datetime(2026, 2, 18)

    def now(self) -> datetime:
        return self.value


class MemoryBriefStore:
    """BriefStore + BriefLedger in memory, over the replay's cluster store."""

    def __init__(self, cluster: InMemoryClusterStore) -> None:
        self._cluster = cluster
        self.briefs: dict[str, PublishedBrief] = {}
        self.failures: list[BriefFailure] = []

    def load_trend(self, trend_id: str) -> TrendSnapshot | None:
        found = self._cluster.get_trend(trend_id)
        if found is None:
            return None
        trend, members = found
        snippets = {m.article_id: self._cluster.articles[m.article_id].summary
                    for m in members if m.article_id in self._cluster.articles}
        return TrendSnapshot(trend=trend, members=members, snippets=snippets)

    def get_brief(self, trend_id: str) -> PublishedBrief | None:
        return self.briefs.get(trend_id)

    def put_brief(self, brief: PublishedBrief) -> bool:
        stored = self.briefs.get(brief.trend_id)
        if stored is not None and stored.version >= brief.version:
            return False
        self.briefs[brief.trend_id] = brief
        return True

    def record_failure(self, failure: BriefFailure) -> None:
        self.failures.append(failure)

    def tokens_spent(self, day: date) -> int:
        return 0

    def add_tokens(self, day: date, tokens: int) -> int:
        return 0

    def briefed(self, trend_ids: Sequence[str]) -> dict[str, BriefedTrend]:
        return {tid: ledger_entry(self.briefs[tid]) for tid in trend_ids if tid in self.briefs}


def ledger_entry(brief: PublishedBrief) -> BriefedTrend:
    basis = brief.basis
    return BriefedTrend(version=brief.version,
                        source_families=frozenset(basis.source_families) if basis else frozenset(),
                        article_count=len(basis.article_ids) if basis else 0)


class InlineBriefFlow:
    """A BriefTrigger that runs the flow's steps at once (names are idempotent, as in Step Functions)."""

    def __init__(self, service: BriefService) -> None:
        self._service = service
        self._names: set[str] = set()
        self.evidence: dict[str, list[EvidenceItem]] = {}  # of each trend's published brief
        self.published = 0
        self.skipped = 0
        self.failed = 0

    def start(self, request: BriefRequest) -> bool:
        name = f"{request.trend_id}-v{request.trend_version}-{request.retry}"
        if name in self._names:
            return False
        self._names.add(name)
        loaded = self._service.load(LoadInput(trend_id=request.trend_id, requested_at=request.requested_at))
        if loaded.action != "generate":
            self.skipped += 1
            return True
        generator = ExtractiveGenerator()
        feedback: list[RemovedClaim] = []
        for attempt in range(1, loaded.max_attempts + 1):
            generated = self._service.generate(GenerateInput(
                trend_id=request.trend_id, headline=loaded.headline, evidence=loaded.evidence,
                feedback=feedback, attempt=attempt),
                generator)
            assert generated.draft is not None
            checked = self._service.check(CheckInput(
                trend_id=request.trend_id, evidence=loaded.evidence, draft=generated.draft, attempt=attempt,
                engine=generated.engine,
                max_attempts=loaded.max_attempts), None)
            if checked.decision == "publish":
                self._service.publish(PublishInput(
                    trend_id=request.trend_id, trend_version=loaded.trend_version, headline=loaded.headline,
                    evidence=loaded.evidence, check=checked, engine=generated.engine, attempt=attempt,
                    basis=loaded.basis, requested_at=request.requested_at)) if loaded.basis else None
                self.evidence[request.trend_id] = list(loaded.evidence)
                self.published += 1
                return True
            feedback = list(checked.removed_claims)
        self.failed += 1
        return True


def _arrivals(articles: Sequence[Article], start: datetime) -> list[Article]:
    return [a.model_copy(update={"ingested_at": max(a.published, start), "trend_id": None}) for a in articles]


def run(dataset: Path, hours: float, max_per_run: int, rule: str,
        sheet: Path | None = None, until: datetime | None = None) -> list[tuple[datetime, int, int, int]]:
    articles = [g.article for g in load_dataset(dataset) if until is None or g.article.published <= until]
    if not articles:
        raise SystemExit(f"no article of {dataset} was published by {until}")
    end = until or max(a.published for a in articles)
    start = end - timedelta(hours=hours)
    arrivals = _arrivals(articles, start)
    cluster = InMemoryClusterStore()
    briefs = MemoryBriefStore(cluster)
    clock = _Clock()
    flow = InlineBriefFlow(BriefService(briefs, clock))
    policy = BriefTriggerPolicy(max_per_run=max_per_run)
    service = ClusterService(cluster, ClusterConfig(), lookback=timedelta(hours=6), briefs=flow,
                             brief_policy=policy, ledger=briefs if rule == "backlog" else None)
    rows: list[tuple[datetime, int, int, int]] = []
    now = start + STEP
    while now <= end + STEP:
        clock.value = now
        cluster.add([a for a in arrivals if now - STEP < a.ingested_at <= now or
                     (a.ingested_at <= now and a.article_id not in cluster.articles)])
        service.run(now)
        public = [t for t in cluster.trends.values() if t.is_open and t.source_count >= 2]
        briefed = [t for t in public if t.trend_id in briefs.briefs]
        current = [t for t in briefed if brief_due(t, ledger_entry(briefs.briefs[t.trend_id]), min_sources=2,
                                                  min_new_articles=policy.min_new_articles) is None]
        rows.append((now, len(public), len(current), len(briefed)))
        now += STEP
    supported = [b.supported_percent for b in briefs.briefs.values()]
    print(f"briefs published {flow.published}, not needed {flow.skipped}, failed {flow.failed}; "
          f"mean supported {sum(supported) / max(len(supported), 1):.1f}% "
          f"(min {min(supported, default=0):.1f}%) over {len(supported)} briefs")
    _print_quick_answers(list(briefs.briefs.values()))
    if sheet is not None:
        write_sheet(sheet, list(briefs.briefs.values()), flow.evidence)
    return rows


SHEET_RUBRIC = RUBRIC + """
The page shows the trend's headline (given with each story) above its quick answers: an answer
that only repeats that headline tells the reader nothing new (BAD)."""


def write_sheet(folder: Path, published: Sequence[PublishedBrief],
                evidence: Mapping[str, Sequence[EvidenceItem]]) -> None:
    """A blind judging sheet of every final brief's quick answers, with the evidence they were
    written from (`sheet.md`; written outside the repository: the snapshot's text stays in
    ../shared/data), and the item key (`items.json`) for `--score`."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["# Judging sheet: quick answers of the snapshot's trend pages", "", SHEET_RUBRIC, "",
             "Write one line per item to verdicts.csv: item_id,verdict,reason (GOOD or BAD).", ""]
    items: dict[str, str] = {}
    for brief in sorted(published, key=lambda b: b.trend_id):
        lines += [f"## Trend page headline: {brief.headline}"]
        for item in evidence.get(brief.trend_id, []):
            lines.append(f"[{item.id}] {item.outlet}: {item.title}")
            if item.snippet:
                lines.append(f"    {item.snippet}")
        lines.append("")
        for answer in brief.quick_answers:
            item_id = f"q{len(items) + 1:03d}"
            items[item_id] = answer.question
            cites = ", ".join(f"[{n}]" for n in answer.evidence_ids)
            lines.append(f"- {item_id} QA: Q: {answer.question}  A: {answer.answer}"
                         + (f"  (cites {cites})" if cites else ""))
        lines.append("")
    (folder / "sheet.md").write_text("\n".join(lines), encoding="utf-8")
    (folder / "items.json").write_text(json.dumps(items, indent=1), encoding="utf-8")
    print(f"wrote {folder / 'sheet.md'}: {len(items)} quick answers of {len(published)} briefs")


def score_sheet(folder: Path) -> None:
    """Good quick answers by the judge's verdicts.csv: all, cited answers, "does not yet specify"."""
    items = json.loads((folder / "items.json").read_text(encoding="utf-8"))
    with (folder / "verdicts.csv").open(encoding="utf-8", newline="") as handle:
        verdicts = {row["item_id"]: row["verdict"].strip().upper() for row in csv.DictReader(handle)}
    sheet = (folder / "sheet.md").read_text(encoding="utf-8")
    unanswered = {i for i in items if f"- {i} QA:" in sheet and "Coverage does not yet specify" in
                  sheet.split(f"- {i} QA:", 1)[1].split("\n", 1)[0]}
    for label, chosen in (("all", set(items)), ("cited answers", set(items) - unanswered),
                          ("'coverage does not yet specify'", unanswered)):
        judged = [verdicts[i] for i in chosen if i in verdicts]
        good = judged.count("GOOD")
        print(f"  {label}: {good}/{len(judged)} good ({100 * good / max(len(judged), 1):.0f}%)")
    missing = sorted(set(items) - set(verdicts))
    if missing:
        print(f"  not judged: {len(missing)} ({', '.join(missing[:5])}...)")


def _print_quick_answers(published: Sequence[PublishedBrief]) -> None:
    """How many quick answers answer (cite evidence) rather than say "coverage does not yet specify"."""
    answers = [q for b in published for q in b.quick_answers]
    answered = [q for q in answers if q.evidence_ids]
    per_brief = Counter(sum(1 for q in b.quick_answers if q.evidence_ids) for b in published)
    sets = {tuple(q.question for q in b.quick_answers) for b in published}
    shapes = Counter(re.sub(r" (?:about|for|on) .*\?$|(?<=What did ).*(?= say\?)", "…", q.question)
                     for q in answered)
    print(f"quick answers: {len(answered)} of {len(answers)} cite evidence "
          f"({100 * len(answered) / max(len(answers), 1):.1f}%), the rest say 'coverage does not yet "
          f"specify'; briefs by answered questions {dict(sorted(per_brief.items()))}; "
          f"{len(sets)} distinct question sets over {len(published)} briefs")
    print("  answered questions by shape: " + ", ".join(f"{shape} {n}" for shape, n in shapes.most_common()))
    # An answer that is the page's own headline tells the reader what they have just read.
    echoes = [q for b in published for q in b.quick_answers
              if b.headline and normalize_title(q.answer) == normalize_title(b.headline)]
    print(f"  answers repeating the headline their page shows: {len(echoes)} "
          f"({'; '.join(sorted({q.question for q in echoes}))})")
    for brief in published:
        if not any(q.evidence_ids for q in brief.quick_answers):
            print(f"  no answer citing evidence: {brief.headline[:70]}")


def _print(rows: Sequence[tuple[datetime, int, int, int]], label: str) -> Mapping[str, float]:
    print(f"\n{label}\ncycle (UTC)         public  current  briefed  current share")
    for now, public, current, briefed in rows:
        share = 100.0 * current / public if public else 100.0
        print(f"{now:%Y-%m-%d %H:%M}   {public:6d}  {current:7d}  {briefed:7d}  {share:12.1f}%")
    shares = [100.0 * c / p for _, p, c, _ in rows if p]
    summary = {"mean": sum(shares) / len(shares) if shares else 100.0, "min": min(shares, default=100.0),
               "last": shares[-1] if shares else 100.0}
    print(f"current-brief share: mean {summary['mean']:.1f}%, min {summary['min']:.1f}%, "
          f"last cycle {summary['last']:.1f}%")
    return summary


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--hours", type=float, default=6.0)
    parser.add_argument("--until", type=datetime.fromisoformat, default=None, metavar="ISO-TIME",
                        help="end the replay at this time (with its zone), not at the newest article")
    parser.add_argument("--max-per-run", type=int, default=10)
    parser.add_argument("--rule", choices=("backlog", "changed"), default="backlog")
    parser.add_argument("--sheet", type=Path, default=None, metavar="DIR",
                        help="also write a blind judging sheet of the final quick answers to DIR")
    parser.add_argument("--score", type=Path, default=None, metavar="DIR",
                        help="only score DIR/verdicts.csv against the sheet written there")
    args = parser.parse_args(argv)
    if args.score is not None:
        score_sheet(args.score)
        return 0
    started = time.perf_counter()
    if args.until is not None and args.until.tzinfo is None:
        parser.error("--until needs a time zone (e.g. 2026-02-16T00:00+00:00)")
    rows = run(args.dataset, args.hours, args.max_per_run, args.rule, args.sheet, args.until)
    _print(rows, f"rule={args.rule} max_per_run={args.max_per_run} hours={args.hours}"
           + (f" until={args.until.isoformat()}" if args.until else ""))
    print(f"({time.perf_counter() - started:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
