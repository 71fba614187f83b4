"""Benchmark: feedparser alone vs our parse_feed (fast path + fallback) over real feed captures.

Run: `.venv/bin/python benchmarks/parser_bench.py [--dir PATH] [--repeat N] [--feedparser-defaults]`

By default it reads the 200 captures of `feeds/fastfeedparser/benchmark_data/files` under
`$HEADLINEZ_DATA_DIR` (default `<repo>/../shared/data`), parses every file with each contender
in its own fresh process (files read into memory first: disk is not measured; a process each, so
one contender's garbage does not slow the next), and prints one table: files,
seconds (best of N runs), entries, usable entries (title or link), files refused, files that
fell back to feedparser, and the speed ratio. feedparser runs with sanitize_html and
resolve_relative_uris off, as in our fallback; `--feedparser-defaults` adds a row with its
default settings (about 10x slower still).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import feedparser

from headlinez.adapters.feed_parser import FeedParseError, parse_feed

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = (
    Path(os.environ.get("HEADLINEZ_DATA_DIR", REPO_ROOT.parent / "shared" / "data"))
    / "feeds"
    / "fastfeedparser"
    / "benchmark_data"
    / "files"
)


@dataclass
class Row:
    name: str
    seconds: float = 0.0
    entries: int = 0
    usable: int = 0
    refused: int = 0
    fell_back: int = 0


def run_feedparser(bodies: dict[str, bytes], row: Row, *, defaults: bool) -> None:
    options = {} if defaults else {"sanitize_html": False, "resolve_relative_uris": False}
    for body in bodies.values():
        result = feedparser.parse(io.BytesIO(body), **options)
        if not result.entries and result.get("bozo"):
            row.refused += 1
        row.entries += len(result.entries)
        row.usable += sum(1 for e in result.entries if e.get("title") or e.get("link"))


def run_ours(bodies: dict[str, bytes], row: Row) -> None:
    for name, body in bodies.items():
        try:
            parsed = parse_feed(body, content_type=None, url=f"https://feeds.test/{name}")
        except FeedParseError:
            row.refused += 1
            continue
        row.entries += len(parsed.entries)
        row.usable += sum(1 for e in parsed.entries if e.title or e.link)
        row.fell_back += parsed.parser == "feedparser"


def measure(name: str, repeat: int, work: Callable[[Row], None]) -> Row:
    best: Row | None = None
    for _ in range(repeat):
        row = Row(name)
        started = time.perf_counter()
        work(row)
        row.seconds = time.perf_counter() - started
        if best is None or row.seconds < best.seconds:
            best = row
    assert best is not None
    return best


CONTENDERS: dict[str, Callable[[dict[str, bytes], Row], None]] = {
    "feedparser defaults": lambda bodies, row: run_feedparser(bodies, row, defaults=True),
    "feedparser alone": lambda bodies, row: run_feedparser(bodies, row, defaults=False),
    "parse_feed (ours)": run_ours,
}


def load(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def run_isolated(name: str, folder: Path, repeat: int) -> Row:
    """Measure one contender in a child process and read its row back as JSON."""
    command = [sys.executable, __file__, "--dir", str(folder), "--repeat", str(repeat), "--only", name]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return Row(**json.loads(output))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder of feed files")
    parser.add_argument("--repeat", type=int, default=1, help="runs per contender (best is shown)")
    parser.add_argument("--feedparser-defaults", action="store_true", help="also run feedparser's defaults")
    parser.add_argument("--only", choices=sorted(CONTENDERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    folder: Path = args.dir
    if not folder.is_dir():
        print(f"feed folder not found: {folder} (set HEADLINEZ_DATA_DIR or pass --dir)", file=sys.stderr)
        return 2
    if args.only:  # child process: measure one contender, print its row
        bodies = load(folder)
        work = CONTENDERS[args.only]
        print(json.dumps(asdict(measure(args.only, args.repeat, lambda row: work(bodies, row)))))
        return 0

    bodies = load(folder)
    size_mb = sum(len(b) for b in bodies.values()) / 1e6
    print(f"{len(bodies)} files, {size_mb:.1f} MB, from {folder} (best of {args.repeat})")
    names = ["feedparser alone", "parse_feed (ours)"]
    if args.feedparser_defaults:
        names.insert(0, "feedparser defaults")
    rows = [run_isolated(name, folder, args.repeat) for name in names]

    baseline = rows[-2].seconds
    header = f"{'contender':<20} {'files':>5} {'seconds':>8} {'entries':>7} {'usable':>6} {'refused':>7} "
    print(header + f"{'fell back':>9} {'speed-up':>8}")
    for row in rows:
        fell_back = str(row.fell_back) if row.name.startswith("parse_feed") else "-"
        ratio = baseline / row.seconds if row.seconds else float("inf")
        print(
            f"{row.name:<20} {len(bodies):>5} {row.seconds:>8.2f} {row.entries:>7} {row.usable:>6} "
            f"{row.refused:>7} {fell_back:>9} {ratio:>7.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
