"""`headlinez` command line: the local stack, evaluations and benchmarks."""

from __future__ import annotations

import argparse
import math
import os
import socket
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from headlinez.clock import parse_timestamp

SNAPSHOT_FOLDER = Path("feeds/fastfeedparser/benchmark_data/files")
SNAPSHOT_NOW = "2026-02-18T04:00:00Z"
SNAPSHOT_REPLAY_HOURS = 36
# The offline default steps its replay hourly: statuses, velocity and predictions are hourly, and
# each step still clusters its articles in 15-minute windows, so the end state is the same as with
# 15-minute steps (docs/benchmarks.md) in a quarter of the steps: the first page, 20 s after the
# command, already shows the replay's afternoon of 2026-02-17 instead of its night.
SNAPSHOT_REPLAY_STEP_MINUTES = 60.0
DEFAULT_REPLAY_STEP_MINUTES = 15.0


def data_dir() -> Path:
    """`../shared/data` beside the checkout, or HEADLINEZ_DATA_DIR."""
    from headlinez.local.stack import REPO_ROOT

    return Path(os.environ.get("HEADLINEZ_DATA_DIR", REPO_ROOT.parent / "shared" / "data"))


def _internet_reachable(hosts: list[str], timeout: float = 3.0) -> bool:
    """True if any feed host resolves (DNS only: no packet is sent to the host itself)."""
    pool = ThreadPoolExecutor(max_workers=len(hosts) or 1)
    futures = [pool.submit(socket.getaddrinfo, host, 443) for host in hosts]
    try:
        for future in futures:
            try:
                if future.result(timeout=timeout):
                    return True
            except (OSError, FutureTimeout):
                continue
        return False
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _choose_feeds(args: argparse.Namespace) -> None:
    """Default mode: live feeds when the internet is reachable, else the offline snapshot folder."""
    if args.feeds_dir is not None or args.live:
        return
    from headlinez.feeds import default_feed_list_path, load_feed_list

    feeds = load_feed_list(args.feeds_file or default_feed_list_path()).feeds
    hosts = list(dict.fromkeys(urlsplit(str(f.url)).hostname or "" for f in feeds))[:3]
    if _internet_reachable(hosts):
        print("  network: feed hosts resolve, polling live feeds", flush=True)
        return
    snapshot = data_dir() / SNAPSHOT_FOLDER
    if not snapshot.is_dir():
        print(f"  network: feed hosts do not resolve and no offline folder at {snapshot}; "
              "polling live feeds anyway (expect per-feed errors)", flush=True)
        return
    args.feeds_dir = snapshot
    if args.now is None and args.replay_from is None:
        _replay_snapshot(args, snapshot)
        return
    if args.now is None:
        args.now = parse_timestamp(SNAPSHOT_NOW)
    print(f"  network: offline, serving the feed snapshot {snapshot} with --now {SNAPSHOT_NOW}", flush=True)


def _replay_snapshot(args: argparse.Namespace, snapshot: Path) -> None:
    """Offline default: replay the snapshot's last SNAPSHOT_REPLAY_HOURS up to its capture time
    (its newest item) on the fast replay clock, then serve at the capture time."""
    from headlinez.feeds import known_outlets_from_source_md
    from headlinez.local.replay import newest_item_time

    source_md = snapshot.parent / "SOURCE.md"
    if not source_md.is_file():
        source_md = snapshot.parent.parent / "SOURCE.md"
    names = list(known_outlets_from_source_md(source_md)) if source_md.is_file() else []
    files = [snapshot / name for name in names if (snapshot / name).is_file()] or \
        [path for path in snapshot.iterdir() if path.is_file()]
    capture_bound = parse_timestamp(SNAPSHOT_NOW)
    captured = newest_item_time(files, not_after=capture_bound) or capture_bound
    args.replay_to = captured
    args.replay_from = captured - timedelta(hours=SNAPSHOT_REPLAY_HOURS)
    if args.replay_step_minutes is None:
        args.replay_step_minutes = SNAPSHOT_REPLAY_STEP_MINUTES
    print(f"  network: offline; showing the {len(files)} news feeds of the snapshot {snapshot} as they "
          f"were captured at {captured:%Y-%m-%d %H:%M}Z, after replaying their last "
          f"{SNAPSHOT_REPLAY_HOURS} hours on a fast clock (a step every "
          f"{args.replay_step_minutes:g} simulated minutes)", flush=True)


def _up_arguments_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with `up`'s arguments taken together, checked before anything starts."""
    if (args.replay_from is None) != (args.replay_to is None):
        return "--replay-from and --replay-to go together"
    if args.replay_from is not None and args.feeds_dir is None:
        return "a replay needs --feeds-dir (the captured feed files to re-serve)"
    if args.replay_from is not None and args.replay_step_minutes is None:
        args.replay_step_minutes = DEFAULT_REPLAY_STEP_MINUTES
    if args.replay_from is not None and (args.replay_to < args.replay_from or args.replay_step_minutes <= 0):
        return "--replay-to must not be before --replay-from, and the step must be positive"
    if args.feeds_dir is not None and args.feeds_file is not None:
        return "--feeds-dir and --feeds-file are two feed sources: pass one"
    return None


def cmd_up(args: argparse.Namespace) -> int:
    from headlinez.feeds import FeedListError
    from headlinez.local.stack import LocalStackError, StackOptions, install_signal_handlers, running_stack

    home = f"http://127.0.0.1:{args.port}/" if args.port else "the address printed below"
    print(f"headlinez local stack: open {home} (home page)", flush=True)
    step_given = args.replay_step_minutes is not None
    problem = _up_arguments_problem(args)
    if problem is None:
        try:
            _choose_feeds(args)
        except FeedListError as exc:
            problem = str(exc)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.all_files and args.feeds_dir is None:
        print("note: --all-files only applies to --feeds-dir; ignored", file=sys.stderr)
    if step_given and args.replay_from is None:
        print("note: --replay-step-minutes only applies to a replay; ignored", file=sys.stderr)
    if args.replay_step_minutes is None:  # no replay: the option is unused
        args.replay_step_minutes = DEFAULT_REPLAY_STEP_MINUTES
    options = StackOptions(
        port=args.port, feeds_file=args.feeds_file, feeds_dir=args.feeds_dir, all_files=args.all_files,
        now=args.now, interval=timedelta(minutes=args.interval_minutes), state_dir=args.state_dir,
        persist=not args.no_persist, cycles=args.cycles, verbose=args.verbose,
        replay_from=args.replay_from, replay_to=args.replay_to,
        replay_step=timedelta(minutes=args.replay_step_minutes),
        shutdown_grace=timedelta(seconds=args.shutdown_grace_seconds),
        ingest_mode=args.ingest,
    )
    try:
        with running_stack(options, sys.stdout) as stack:
            install_signal_handlers(stack.request_stop)
            scheduler = threading.Thread(target=stack.run_schedules, name="schedules", daemon=True)
            scheduler.start()
            # through the stack's `say`, one line at a time, not interleaved with the replay's lines
            base = stack.base_url
            stack.say(f"Serving {base}/  (home page; JSON: {base}/trends, API docs: {base}/docs)")
            stack.wait()
            stack.say("stopping: finishing the running cycle, then saving state")
    except (LocalStackError, FeedListError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _tool(main: Callable[[list[str]], int], rest: list[str]) -> int:
    """Run an evaluation tool; what it cannot read is one `error:` line and exit 2, not a traceback."""
    from pydantic import ValidationError

    from headlinez.evaluation.clustering_eval import DatasetError

    try:
        return main(rest)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in exc.errors())
        print(f"error: invalid setting: {problems}", file=sys.stderr)
    except (OSError, ValueError) as exc:  # an input file: missing, unreadable, not JSON
        print(f"error: {exc}", file=sys.stderr)
    return 2


def cmd_eval_clustering(args: argparse.Namespace) -> int:
    from headlinez.evaluation.clustering_eval import main as eval_main

    return _tool(eval_main, args.rest)


def cmd_eval_category(args: argparse.Namespace) -> int:
    from headlinez.evaluation.category_eval import main as category_main

    return _tool(category_main, args.rest)


def cmd_backtest(args: argparse.Namespace) -> int:
    from headlinez.evaluation.backtest import main as backtest_main

    return _tool(backtest_main, args.rest)


def cmd_calibrate_prediction(args: argparse.Namespace) -> int:
    from headlinez.evaluation.calibration import main as calibration_main

    return _tool(calibration_main, args.rest)


def cmd_cost(args: argparse.Namespace) -> int:
    from headlinez.evaluation.cost import main as cost_main

    return _tool(cost_main, args.rest)


def _port(value: str) -> int:
    port = _whole_number(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {value!r} (0 to 65535; 0 picks a free one)")
    return port


def _whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from exc


def _not_negative_int(value: str) -> int:
    number = _whole_number(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value!r}")
    return number


def _positive(value: str) -> float:
    """A finite number above zero (an interval of 0 would spin through cycles)."""
    try:
        number = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from exc
    if not math.isfinite(number) or number <= 0 or number > 10**6:
        raise argparse.ArgumentTypeError(f"must be a number above 0 (and at most 1000000): {value!r}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="headlinez", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="run the local stack (moto, schedules, API on 127.0.0.1)")
    up.add_argument("--port", type=_port, default=8000,
                    help="API port on 127.0.0.1 (default 8000; 0: a free one)")
    up.add_argument("--feeds-dir", type=Path, help="serve this folder of feed files locally and ingest it")
    up.add_argument("--all-files", action="store_true",
                    help="with --feeds-dir: ingest every file, not only the outlets named in SOURCE.md")
    up.add_argument("--feeds-file", type=Path, help="feed list (default infra/feeds.yaml)")
    up.add_argument("--live", action="store_true", help="poll live feeds even when offline")
    up.add_argument("--now", type=parse_timestamp,
                    help="start the clock at this UTC time (ISO 8601, e.g. 2026-02-18T04:00:00Z)")
    up.add_argument("--interval-minutes", type=_positive, default=15.0, help="schedule interval (default 15)")
    up.add_argument("--cycles", type=_not_negative_int,
                    help="stop scheduling after N cycles (the API keeps serving; default: never; "
                         "0: serve only)")
    up.add_argument("--state-dir", type=Path, default=Path(".headlinez"),
                    help="where state is saved (default .headlinez)")
    up.add_argument("--no-persist", action="store_true", help="start empty and save nothing")
    up.add_argument("--verbose", action="store_true", help="handler logs and skipped feeds")
    up.add_argument("--replay-from", type=parse_timestamp,
                    help="with --feeds-dir: replay the feeds as they were from this UTC time ...")
    up.add_argument("--replay-to", type=parse_timestamp, help="... to this one (then the API keeps serving)")
    up.add_argument("--replay-step-minutes", type=_positive, default=None,
                    help="simulated minutes between replayed polls (default 15; the offline default "
                         "replay of the snapshot steps hourly)")
    up.add_argument("--ingest", choices=("single", "fanout"), default="single",
                    help="single: one ingest function polls every feed; fanout: dispatch -> SQS shards -> "
                         "feed workers, as deployed (IngestMode=fanout)")
    up.add_argument("--shutdown-grace-seconds", type=_positive, default=30.0,
                    help="on Ctrl+C/SIGTERM, how long the running cycle may take before its brief "
                         "executions are cancelled (default 30)")
    up.set_defaults(func=cmd_up)

    evaluate = sub.add_parser("eval", help="evaluations on gold data")
    evaluate_sub = evaluate.add_subparsers(dest="what", required=True)
    clustering = evaluate_sub.add_parser("clustering", help="clustering quality on a gold JSONL",
                                         add_help=False)
    clustering.add_argument("rest", nargs=argparse.REMAINDER)
    clustering.set_defaults(func=cmd_eval_clustering)
    category = evaluate_sub.add_parser("category", add_help=False,
                                       help="category accuracy on a labeled JSONL (UCI, AllSides)")
    category.add_argument("rest", nargs=argparse.REMAINDER)
    category.set_defaults(func=cmd_eval_category)

    backtest = sub.add_parser("backtest", help="replay a timestamped JSONL and score the trend predictions",
                              add_help=False)
    backtest.add_argument("rest", nargs=argparse.REMAINDER)
    backtest.set_defaults(func=cmd_backtest)

    calibrate = sub.add_parser("calibrate-prediction", add_help=False,
                               help="fit the prediction's calibration from scored predictions (a table, a "
                                    "records file or a replay) and write the calibrated model")
    calibrate.add_argument("rest", nargs=argparse.REMAINDER)
    calibrate.set_defaults(func=cmd_calibrate_prediction)

    cost = sub.add_parser("cost", add_help=False,
                          help="monthly AWS + Claude cost per component from measured units and dated prices")
    cost.add_argument("rest", nargs=argparse.REMAINDER)
    cost.set_defaults(func=cmd_cost)

    from headlinez.feeds_cli import add_parser as add_feeds_parser

    add_feeds_parser(sub)  # headlinez feeds add|pause|resume|remove|list|seed
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # options of a delegated command (eval ..., backtest) that come before its dataset
        if not hasattr(args, "rest"):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.rest = [*extra, *args.rest]
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
