"""Blind A/B judging of the offline engine's quick answers, "what to watch" and lead sentences.

    # 1. dump the drafts of every allsides_dev story, once per code version (a worktree for "before")
    PYTHONPATH=<worktree>/shared python benchmarks/quick_answer_ab.py dump /tmp/ab/before.json
    .venv/bin/python benchmarks/quick_answer_ab.py dump /tmp/ab/after.json
    # 2. the judging sheet: only what differs, shuffled, versions hidden (key kept apart)
    .venv/bin/python benchmarks/quick_answer_ab.py sheet /tmp/ab/before.json /tmp/ab/after.json /tmp/ab
    # 3. a judge writes /tmp/ab/verdicts.csv (item_id,verdict,reason; GOOD or BAD), then:
    .venv/bin/python benchmarks/quick_answer_ab.py score /tmp/ab

The sheet carries the story's evidence (AllSides titles and excerpts, read from `../shared/data` at
run time) and is written outside the repository; the rubric the judge gets is `RUBRIC` below.
Figures and the judge used: docs/benchmarks.md ("Quick answers read on the AllSides stories").
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from headlinez.briefs.extractive import extractive_draft
from headlinez.briefs.models import EvidenceItem

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "allsides_dev" / "articles.jsonl"
SEED = 20261205
RUBRIC = """\
QUICK ANSWER with a cited answer: GOOD only if the question is one a reader would ask and is
well-formed (names complete and correct, institutions with their article), the answer answers it
("What was decided?" by a decision made; "What happens next?" by something about the future; "What
did X say?" by what X said; "How many Y?" by the number of Y, not a date), and the answer is a
complete third-person sentence (no fragment, no writer's opinion or first person, no label).
QUICK ANSWER "Coverage does not yet specify ...": GOOD if the question is sensible for the story
(its subject a real, central actor written correctly) and the evidence really does not answer it.
WHAT TO WATCH: GOOD if it states something forward-looking as a third-person fact.
LEAD SENTENCE: GOOD if it is a third-person factual sentence about the story's event.
HOW COVERAGE DIFFERS: GOOD if each newsroom it names really stresses the aspect quoted from its
headline, and the aspects are distinct angles on the story (not fragments, not the story restated)."""


def _stories() -> dict[str, list[dict[str, Any]]]:
    if not DATA.exists():
        sys.exit(f"dataset not found: {DATA} (see ../shared/data/README.md)")
    stories: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with DATA.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                stories[row["story_id"]].append(row)
    return stories


def dump(out: Path) -> None:
    drafts: dict[str, dict[str, Any]] = {}
    for story, rows in sorted(_stories().items()):
        evidence = [EvidenceItem(id=i + 1, article_id=str(r["id"]), outlet=r["publisher"],
                                 publisher_family=r["publisher"].lower(), title=r["title"],
                                 snippet=r.get("summary") or "", published=r["published"], url=r["url"])
                    for i, r in enumerate(rows)]
        draft = extractive_draft(evidence)
        drafts[story] = {
            "qa": [[q.question, q.answer, q.evidence_ids] for q in draft.quick_answers],
            "watch": [c.text for p in draft.paragraphs if p.kind == "what_to_watch" for c in p.claims],
            "lead": [c.text for p in draft.paragraphs if p.kind == "what_happened" for c in p.claims],
            "coverage": [c.text for p in draft.paragraphs if p.kind == "coverage" for c in p.claims],
        }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(drafts), encoding="utf-8")
    print(f"wrote {out}: {len(drafts)} stories")


def _only_in(mine: dict[str, Any], other: dict[str, Any]) -> list[tuple[str, str]]:
    theirs = {(q[0], q[1]) for q in other["qa"]}
    items = [("QA", f"Q: {q[0]}  A: {q[1]}  (cites {q[2]})")
             for q in mine["qa"] if (q[0], q[1]) not in theirs]
    items += [("WATCH", w) for w in mine["watch"] if w not in other["watch"]]
    items += [("LEAD", s) for s in mine["lead"] if s not in other["lead"]]
    items += [("COVERAGE", s) for s in mine.get("coverage", []) if s not in other.get("coverage", [])]
    return items


def sheet(before_path: Path, after_path: Path, folder: Path) -> None:
    before = json.loads(before_path.read_text(encoding="utf-8"))
    after = json.loads(after_path.read_text(encoding="utf-8"))
    stories = _stories()
    rng = random.Random(SEED)
    key: dict[str, dict[str, str]] = {}
    lines = ["# Judging sheet", "", RUBRIC, "",
             "Write one line per item to verdicts.csv: item_id,verdict,reason (GOOD or BAD).", ""]
    for story in sorted(before):
        items = [("before", *i) for i in _only_in(before[story], after[story])]
        items += [("after", *i) for i in _only_in(after[story], before[story])]
        if not items:
            continue
        rng.shuffle(items)
        lines.append(f"## Story {story}")
        lines += [f"[{i + 1}] {r['publisher']}: {r['title']}\n    {r.get('summary') or ''}"
                  for i, r in enumerate(stories[story])]
        lines.append("")
        for version, kind, text in items:
            item_id = f"i{len(key) + 1:03d}"
            key[item_id] = {"version": version, "kind": kind, "story": story}
            lines.append(f"- {item_id} {kind}: {text}")
        lines.append("")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sheet.md").write_text("\n".join(lines), encoding="utf-8")
    (folder / "key.json").write_text(json.dumps(key), encoding="utf-8")
    print(f"wrote {folder / 'sheet.md'}: {len(key)} items; key in {folder / 'key.json'}")


def score(folder: Path) -> None:
    key = json.loads((folder / "key.json").read_text(encoding="utf-8"))
    with (folder / "verdicts.csv").open(encoding="utf-8") as handle:
        verdicts = {r["item_id"]: r["verdict"].strip().upper() for r in csv.DictReader(handle)}
    missing = sorted(set(key) - set(verdicts))
    if missing:
        sys.exit(f"{len(missing)} items have no verdict (first: {missing[0]})")
    counts: Counter[tuple[str, str, str]] = Counter(
        (k["version"], k["kind"], verdicts[item_id]) for item_id, k in key.items())
    print("items only one version wrote, judged blind: good / judged")
    for kind in ("QA", "WATCH", "LEAD", "COVERAGE"):
        row = []
        for version in ("before", "after"):
            good, bad = counts[version, kind, "GOOD"], counts[version, kind, "BAD"]
            row.append(f"{version} {good}/{good + bad} ({100 * good / max(good + bad, 1):.0f}%)")
        print(f"  {kind:<6} " + "   ".join(row))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("dump").add_argument("out", type=Path)
    sheet_args = commands.add_parser("sheet")
    sheet_args.add_argument("before", type=Path)
    sheet_args.add_argument("after", type=Path)
    sheet_args.add_argument("folder", type=Path)
    commands.add_parser("score").add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.out)
    elif args.command == "sheet":
        sheet(args.before, args.after, args.folder)
    else:
        score(args.folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
