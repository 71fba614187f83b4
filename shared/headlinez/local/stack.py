"""The local stack: the real handlers on moto, the schedules emulated, the API on 127.0.0.1.

Everything runs in one process. moto's in-process `mock_aws` is DynamoDB; the table is created
from `template.yaml`; the ingest and cluster handlers are loaded from `functions/` and invoked
with EventBridge-shaped events dated by the (possibly simulated) clock; the API handler is
served over HTTP through `ApiBridgeServer`. Table contents are exported to a gzip'd JSON-lines
file after every cycle and on shutdown, and imported on start, so data survives restarts.

moto is also Step Functions, with its interpreter on: the brief state machine is created from
`infra/statemachines/brief.asl.json` (placeholders substituted), clustering starts executions
for trends that changed materially, and their Task states reach the brief handlers through a
loopback Lambda Invoke server (`headlinez.local.stepfunctions`). The offline extractive engine is
the default; `BRIEF_ENGINE=auto` with `ANTHROPIC_API_KEY` set uses Claude.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

import yaml

from headlinez.clock import set_clock
from headlinez.domain.text import truncate_words
from headlinez.local import embedding_cache, moto_speedups
from headlinez.local.fanout import LocalFanOut, create_queue
from headlinez.local.replay import FeedTimeFilter, ReplayClock, replay_steps, run_replay
from headlinez.local.servers import ApiBridgeServer, FeedFolderServer, LocalContext
from headlinez.local.statedir import StateDirBusyError, StateDirLock, write_gzip_lines
from headlinez.local.stepfunctions import (
    ACCOUNT,
    BRIEF_FUNCTIONS,
    REGION,
    STATE_MACHINE_NAME,
    LambdaInvokeServer,
    create_state_machine,
    load_definition,
)
from headlinez.models import TrendState
from headlinez.ports import Clock

REPO_ROOT = Path(__file__).resolve().parents[3]
LOCAL_TABLE = "headlinez-local"
STATE_FILE = "table.jsonl.gz"
REPLAY_STATE_FILE = "replay-table.jsonl.gz"
EMBEDDING_CACHE_ENV = "HEADLINEZ_EMBEDDING_CACHE"  # a cache file several stacks share (vectors are pure)
BRIEF_STATE_MACHINE_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{STATE_MACHINE_NAME}"
BRIEF_WAIT_SECONDS = 180.0  # per cycle: how long to wait for the brief executions it started
CANCEL_WAIT_SECONDS = 15.0  # on shutdown, after cancelling the cycle's brief executions


class LocalStackError(RuntimeError):
    """The local stack cannot start as asked (bad folder, port in use, corrupt state file)."""


class SimulatedClock:
    """Starts at `start` (or the real time) and advances with real time."""

    def __init__(self, start: datetime | None) -> None:
        self._start = start or datetime.now(UTC)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return (self._start + timedelta(seconds=time.monotonic() - self._t0)).replace(microsecond=0)


@dataclass
class StackOptions:
    port: int = 8000
    feeds_file: Path | None = None
    feeds_dir: Path | None = None
    all_files: bool = False
    now: datetime | None = None
    interval: timedelta = timedelta(minutes=15)
    state_dir: Path = field(default_factory=lambda: Path(".headlinez"))
    persist: bool = True
    cycles: int | None = None  # stop scheduling after N cycles (the API keeps serving)
    verbose: bool = False
    # Replay mode (headlinez.local.replay): with feeds_dir, serve the feeds as they were at each
    # simulated time from replay_from to replay_to, one ingest + cluster per replay_step.
    replay_from: datetime | None = None
    replay_to: datetime | None = None
    replay_step: timedelta = timedelta(minutes=15)
    # On shutdown, how long the running cycle may take to finish before its brief executions are
    # cancelled (the servers stop only after the cycle ends).
    shutdown_grace: timedelta = timedelta(seconds=30)
    # "single": the ingest function polls every feed (IngestMode=single); "fanout": the dispatch
    # function sends feed shards to moto SQS and feed-worker invocations poll them
    # (IngestMode=fanout, headlinez.local.fanout), as deployed by default.
    ingest_mode: str = "single"


def _load_function(name: str) -> ModuleType:
    path = REPO_ROOT / "functions" / name / "app.py"
    if not path.is_file():
        raise LocalStackError(f"handler not found: {path} (run the local stack from a checkout)")
    spec = importlib.util.spec_from_file_location(f"headlinez_function_{name}", path)
    if spec is None or spec.loader is None:
        raise LocalStackError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _find_source_md(folder: Path) -> Path | None:
    for candidate in (folder / "SOURCE.md", folder.parent / "SOURCE.md", folder.parent.parent / "SOURCE.md"):
        if candidate.is_file():
            return candidate
    return None


class LocalStack:
    def __init__(self, options: StackOptions, out: TextIO) -> None:
        self.options = options
        self.out = out
        self.clock: Clock = SimulatedClock(options.now)
        self._replay: tuple[ReplayClock, FeedTimeFilter] | None = None
        if options.replay_from is not None:
            replay_clock = ReplayClock(options.replay_from)
            self.clock = replay_clock
            self._replay = (replay_clock, FeedTimeFilter(options.replay_from))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._cycle_guard = threading.Lock()  # held by the scheduler while a cycle (or the replay) runs
        self._state_lock: StateDirLock | None = None
        self._generated_feeds: Path | None = None
        self._mock: Any = None
        # Saved on stop only once the table holds what the state file held: a start that failed
        # to read it must not replace it with an empty table (the error says to move it away).
        self._table_ready = False
        self._work_dir: Path | None = None  # where generated files go: the state dir, or a temp dir
        self._feed_server: FeedFolderServer | None = None
        self._api: ApiBridgeServer | None = None
        self._lambda: LambdaInvokeServer | None = None
        self._functions: dict[str, ModuleType] = {}
        self._fanout: LocalFanOut | None = None
        self._sfn: Any = None
        self._seen_executions: set[str] = set()
        self.cycles_done = 0
        self._say_lock = threading.Lock()

    # --- lifecycle -----------------------------------------------------------------------------

    def say(self, message: str) -> None:
        # one write per line under a lock: the schedules, the brief executions and the CLI all say
        with self._say_lock:
            self.out.write(message + "\n")
            self.out.flush()

    def start(self) -> None:
        if self.options.persist:  # one instance per state directory: a second one exits here
            self.options.state_dir.mkdir(parents=True, exist_ok=True)
            try:
                self._state_lock = StateDirLock(self.options.state_dir).acquire()
            except StateDirBusyError as exc:
                raise LocalStackError(str(exc)) from exc
            self._work_dir = self.options.state_dir
        else:  # "save nothing": even the generated feed list goes to a folder removed on stop
            self._work_dir = Path(tempfile.mkdtemp(prefix="headlinez-up-"))
        feeds_file = self._prepare_feeds()
        self._set_environment(feeds_file)
        from moto import mock_aws

        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        moto_speedups.install()  # Query and TransactWriteItems cost what they touch, not the table
        restored = self._create_table()
        self._table_ready = True
        self.say(f"  DynamoDB: moto in-process, table {LOCAL_TABLE} "
                 + (f"(restored {restored} items from {self._state_path()})" if restored else "(new)"))
        # The brief steps date their work by their input's `now` (the request's requested_at, which
        # the cluster handler takes from the simulated event time); the cluster handler's event-time
        # bound follows the process clock, pointed at the simulated one here.
        set_clock(self.clock)
        self._functions = {name: _load_function(name) for name in ("ingest", "api")}
        self._load_cluster_function()
        if self.options.ingest_mode == "fanout":
            self._start_fanout()
        if self._replay is None:
            self._start_brief_flow()
        else:  # its steps run without the flow: set up at the end (~2 s sooner to the first step)
            self.say(f"  briefs: after the replay, Step Functions on moto ({STATE_MACHINE_NAME}), "
                     f"{self._brief_engine()}")
        try:
            self._api = ApiBridgeServer(self._functions["api"].handler, self.options.port,
                                        self.clock.now, self._lock).start()
        except OSError as exc:
            raise LocalStackError(f"cannot listen on 127.0.0.1:{self.options.port}: {exc}") from exc
        mode = (" (replay: stepped by the replay)" if self._replay is not None
                else " (simulated start, advancing in real time)" if self.options.now else " (real time)")
        self.say(f"  clock: {self.clock.now():%Y-%m-%dT%H:%M:%SZ}{mode}")

    @property
    def base_url(self) -> str:
        assert self._api is not None
        return f"http://127.0.0.1:{self._api.port}"

    def request_stop(self) -> None:
        """Safe from a signal handler: the main thread tears down after `wait` returns."""
        self._stop.set()

    def stop(self) -> None:
        """Graceful: let the running cycle finish (or cancel it), then stop the servers and save."""
        self._stop.set()
        self._finish_running_cycle()
        if self._api:
            self._api.stop()
            self._api = None
        if self._lambda:
            self._lambda.stop()
            self._lambda = None
        if self._feed_server:
            self._feed_server.stop()
            self._feed_server = None
        save_error: LocalStackError | None = None
        if self._mock is not None:
            with self._lock:
                try:
                    if self._table_ready:
                        self.save_state()
                except LocalStackError as exc:
                    save_error = exc  # raised once the rest is stopped and the folder unlocked
            self._mock.stop()
            self._mock = None
        if self._generated_feeds is not None:
            self._generated_feeds.unlink(missing_ok=True)
            self._generated_feeds = None
        if not self.options.persist and self._work_dir is not None:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            self._work_dir = None
        if self._state_lock is not None:
            self._state_lock.release()
            self._state_lock = None
        if save_error is not None:
            raise save_error

    def _finish_running_cycle(self) -> None:
        """Wait for the cycle in progress; past the grace period cancel its brief executions."""
        grace = max(0.0, self.options.shutdown_grace.total_seconds())
        if not self._cycle_guard.acquire(timeout=grace):
            self.say(f"  stopping: the cycle is still running after {grace:.0f}s; "
                     "cancelling its brief executions")
            self._cancel_briefs()
            if not self._cycle_guard.acquire(timeout=CANCEL_WAIT_SECONDS):
                self.say("  stopping: the cycle did not end; stopping anyway")
                return
        self._cycle_guard.release()

    def _cancel_briefs(self) -> None:
        """Stop the running brief executions (the previous briefs stay); the cycle reports them."""
        if self._sfn is None:
            return
        pages = self._sfn.get_paginator("list_executions").paginate(
            stateMachineArn=BRIEF_STATE_MACHINE_ARN, statusFilter="RUNNING")
        for execution in (e for page in pages for e in page["executions"]):
            with contextlib.suppress(Exception):  # it may have ended meanwhile
                self._sfn.stop_execution(executionArn=execution["executionArn"], error="Shutdown",
                                         cause="headlinez up is stopping")

    def run_schedules(self) -> None:
        """Run a cycle now, then one every interval, until stopped or `cycles` are done."""
        if self._replay is not None:
            with self._cycle_guard:
                self._run_replay()
            return
        while not self._stop.is_set():
            if self.options.cycles is not None and self.cycles_done >= self.options.cycles:
                self.say("  schedules: done (--cycles reached); the API keeps serving")
                return
            with self._cycle_guard:  # `stop` waits for it before stopping the servers
                if self._stop.is_set():
                    return
                try:
                    self.run_cycle()
                except Exception as exc:  # a failed cycle is reported; the next one still runs
                    self.say(f"  cycle failed: {type(exc).__name__}: {exc}")
                    self.cycles_done += 1
            self._stop.wait(self.options.interval.total_seconds())

    def wait(self) -> None:
        while not self._stop.wait(0.5):
            pass

    def _run_replay(self) -> None:
        """Replay mode: step the simulated clock through the range as fast as the handlers go."""
        assert self._replay is not None
        assert self.options.replay_from is not None
        clock, time_filter = self._replay
        steps = replay_steps(self.options.replay_from, self.options.replay_to or self.options.replay_from,
                             self.options.replay_step)
        try:
            run_replay(self, steps, time_filter, clock, should_stop=self._stop.is_set)
            if not self._stop.is_set():
                self._brief_catch_up(clock.now())
        except Exception as exc:  # reported; the API keeps serving what was replayed
            self.say(f"  replay failed: {type(exc).__name__}: {exc}")
        if self.options.persist:
            with self._lock:
                self.save_state()
        self.say(f"  replay: done at {clock.now():%Y-%m-%d %H:%M}Z; the API keeps serving at that time")

    def _load_cluster_function(self) -> None:
        """A cold start of the cluster function; each article's embedding is computed once across
        starts (in memory only with --no-persist), or across stacks that name one cache file in
        HEADLINEZ_EMBEDDING_CACHE (the test suite's stacks share one)."""
        module = _load_function("cluster")
        shared = os.environ.get(EMBEDDING_CACHE_ENV)
        cache = (Path(shared) if shared
                 else self.options.state_dir / "cache" / "embeddings.npz" if self.options.persist else None)
        embedding_cache.install(module, cache)
        self._functions["cluster"] = module

    def _brief_catch_up(self, now: datetime) -> None:
        """After a replay, brief the public trends as the live schedule would have: the steps ran
        without the brief flow (each would wait for its executions), so one more clustering run at
        the replay's end, with the flow on, starts the backlog (every public trend without a
        current brief) and waits for it."""
        self.say(f"  briefs: writing the briefs of the public trends at {now:%Y-%m-%d %H:%M}Z "
                 "(the replay's steps ran without the brief flow)")
        from headlinez.settings import cluster_settings

        if self._sfn is None:
            self._start_brief_flow()
        os.environ["BRIEF_STATE_MACHINE_ARN"] = BRIEF_STATE_MACHINE_ARN
        cluster_settings.cache_clear()  # settings are read once per cold start: this is a new one
        self._load_cluster_function()
        with self._lock:
            cluster = self._invoke("cluster", self._scheduled_event(now, detail={
                "run_time": now.isoformat(), "new_articles": 0, "feeds_fetched": 0, "feeds_failed": 0}))
        if cluster.get("briefs_deferred"):
            self.say(f"  briefs: {cluster['briefs_deferred']} more wait for the next run (per-run cap)")
        self._report_briefs(cluster)

    def _start_fanout(self) -> None:
        """moto SQS queue for the feed shards, then the dispatch and worker handlers (their
        settings read FEED_SHARD_QUEUE_URL when they are loaded)."""
        import boto3

        sqs = boto3.client("sqs", region_name="us-east-1")
        queue_url = create_queue(sqs)
        os.environ["FEED_SHARD_QUEUE_URL"] = queue_url
        for name in ("dispatch", "feed_worker"):
            self._functions[name] = _load_function(name)
        self._fanout = LocalFanOut(self._functions["dispatch"], self._functions["feed_worker"], sqs,
                                   queue_url)
        self.say(f"  ingest: fan-out (dispatch -> moto SQS {queue_url.rsplit('/', 1)[-1]} -> feed workers)")

    def _ingest(self, now: datetime) -> dict[str, Any]:
        """One scheduled ingest at `now`: the ingest function, or a whole fan-out cycle."""
        if self._fanout is None:
            return self._invoke("ingest", self._scheduled_event(now))
        return self._fanout.run_cycle(now).summary()

    def invoke_ingest_and_cluster(self, now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
        """One scheduled cycle's two invocations at `now`, without printing (the replay prints)."""
        with self._lock:
            report = self._ingest(now)
            cluster = self._invoke("cluster", self._scheduled_event(now, detail={
                "run_time": now.isoformat(), "new_articles": report["new_articles"],
                "feeds_fetched": report["fetched"], "feeds_failed": report["errors"]}))
        return report, cluster

    def leading_trends(self, count: int) -> list[TrendState]:
        """The top of the public ranked list, as the API lists it (the replay prints it)."""
        import boto3

        from headlinez.adapters.dynamodb import DynamoStore

        store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), LOCAL_TABLE)
        trends, _ = store.list_trends(count, None)
        return trends

    # --- one scheduled cycle -------------------------------------------------------------------

    def run_cycle(self) -> None:
        now = self.clock.now()
        with self._lock:
            self.say(f"[{now:%Y-%m-%d %H:%M:%S}Z] ingest")
            report = self._ingest(now)
            for result in report["results"]:
                self._print_feed(result)
            self.say(f"  ingest done: {report['fetched']} fetched, {report['not_modified']} not modified, "
                     f"{report['unchanged']} unchanged, {report['errors']} errors; "
                     f"{report['new_articles']} new articles, {report['duplicates']} duplicates, "
                     f"{report['stale_entries']} archive entries skipped in {report['seconds']:.1f}s")
            cluster = self._invoke("cluster", self._scheduled_event(now, detail={
                "run_time": now.isoformat(), "new_articles": report["new_articles"],
                "feeds_fetched": report["fetched"], "feeds_failed": report["errors"]}))
            lexical = str(cluster.get("embedding", "")).startswith("lexical")
            self.say(f"  clustering: {cluster['articles_clustered']} articles clustered, "
                     f"{cluster['trends_new']} new trends, {cluster['trends_updated']} updated, "
                     f"{cluster['trends_closed']} closed; {cluster['open_trends']} open "
                     f"({cluster['multi_source_trends']} with 2+ sources) in {cluster['seconds']:.1f}s"
                     + ("; lexical grouping: no embedding model (--verbose says why)" if lexical else ""))
        # Outside the lock: the brief handlers take it for each Task state.
        self._report_briefs(cluster)
        if self.options.persist:
            with self._lock:
                self.save_state()
        self.cycles_done += 1
        # The last line of a cycle: briefs are published and state saved (scripts wait for it).
        self.say(f"  cycle {self.cycles_done} complete")

    # --- the brief flow --------------------------------------------------------------------------

    def _start_brief_flow(self) -> None:
        import boto3

        moto_speedups.install_step_functions()  # Tasks share clients, executions a parsed program
        for folder in BRIEF_FUNCTIONS.values():
            if folder not in self._functions:
                self._functions[folder] = _load_function(folder)
        handlers = {folder: self._functions[folder].handler for folder in BRIEF_FUNCTIONS.values()}
        self._lambda = LambdaInvokeServer(handlers, lock=self._lock).start()
        os.environ["AWS_ENDPOINT_URL_LAMBDA"] = self._lambda.endpoint
        self._sfn = boto3.client("stepfunctions", region_name=REGION)
        create_state_machine(self._sfn, load_definition(max_retry_interval=5))
        self.say(f"  briefs: Step Functions on moto ({STATE_MACHINE_NAME}), {self._brief_engine()}")

    @staticmethod
    def _brief_engine() -> str:
        claude = os.environ.get("BRIEF_ENGINE") == "auto" and bool(os.environ.get("ANTHROPIC_API_KEY"))
        return "Claude" if claude else "offline extractive engine"

    def _report_briefs(self, cluster: dict[str, Any]) -> None:
        """Wait for the executions this cycle started; print one line per brief published."""
        if self._sfn is None or not (cluster.get("briefs_started") or cluster.get("briefs_already_started")):
            return
        import json

        from headlinez.local.stepfunctions import wait_for_execution

        started = time.monotonic()
        pages = self._sfn.get_paginator("list_executions").paginate(stateMachineArn=BRIEF_STATE_MACHINE_ARN)
        new = [e["executionArn"] for page in pages for e in page["executions"]
               if e["executionArn"] not in self._seen_executions]
        counts = {"published": 0, "skipped": 0, "failed": 0}
        for arn in new:
            self._seen_executions.add(arn)
            remaining = max(1.0, BRIEF_WAIT_SECONDS - (time.monotonic() - started))
            try:
                description = wait_for_execution(self._sfn, arn, timeout=remaining)
            except TimeoutError:
                self.say(f"  brief {arn.rsplit(':', 1)[-1]}: still running after {BRIEF_WAIT_SECONDS:.0f}s")
                continue
            state = json.loads(description.get("output") or "{}")
            request = json.loads(description.get("input") or "{}")
            trend_id = str(request.get("trend_id", "?"))
            published = state.get("publish")
            if description["status"] == "SUCCEEDED" and published and published.get("outcome") == "published":
                counts["published"] += 1
                headline = truncate_words(str(state.get("load", {}).get("headline", "")), 70)
                self.say(f"  brief {trend_id}: v{published['version']} {published['engine']}, "
                         f"{published['supported_percent']:.0f}% supported, "
                         f"{published['claims_removed']} claims removed \u2014 \u201c{headline}\u201d")
            elif description["status"] == "SUCCEEDED":
                counts["skipped"] += 1
                if self.options.verbose:
                    reason = state.get("load", {}).get("reason") or state.get("error", {}).get("Cause", "")
                    self.say(f"  brief {trend_id}: not published ({reason})")
            else:
                counts["failed"] += 1
                self.say(f"  brief {trend_id}: {description['status'].lower()} "
                         f"({description.get('error', '')}; the previous brief stays)")
        self.say(f"  briefs: {counts['published']} published, {counts['skipped']} not needed, "
                 f"{counts['failed']} failed in {time.monotonic() - started:.1f}s")

    def _print_feed(self, result: dict[str, Any]) -> None:
        outcome = result["outcome"]
        if outcome == "skipped" and not self.options.verbose:
            return
        mark = {"new": "+", "not_modified": "=", "unchanged": "=", "error": "!", "skipped": "-"}[outcome]
        detail = {
            "new": f"{result['entries']} entries, {result['new_articles']} new"
                   + (f", {result['stale_entries']} archive" if result["stale_entries"] else "")
                   + f" ({result['parser']})",
            "not_modified": "304 not modified", "unchanged": "unchanged body, not parsed",
            "error": f"error: {result['error']}", "skipped": "not due (backoff or poll interval)",
        }[outcome]
        self.say(f"  {mark} {result['outlet'][:32]:<32} {detail}  {result['seconds']:.2f}s")

    def _invoke(self, name: str, event: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = self._functions[name].handler(event, LocalContext(f"headlinez-{name}"))
        return response

    @staticmethod
    def _scheduled_event(now: datetime, detail: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "version": "0", "id": str(uuid.uuid4()),
            "detail-type": "IngestCompleted" if detail else "Scheduled Event",
            "source": "headlinez.ingest" if detail else "aws.events", "account": "000000000000",
            "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": "us-east-1", "resources": [],
            "detail": detail or {},
        }

    # --- setup helpers -------------------------------------------------------------------------

    def _prepare_feeds(self) -> Path:
        from headlinez.feeds import (
            check_feed_urls,
            default_feed_list_path,
            feed_list_from_directory,
            known_outlets_from_source_md,
            load_feed_list,
        )

        if self.options.feeds_dir is None:
            path = self.options.feeds_file or default_feed_list_path()
            feeds = load_feed_list(path)
            check_feed_urls(feeds.feeds)  # a private or metadata address is refused here, not polled
            self.say(f"  feeds: {len(feeds.feeds)} live feeds from {path}")
            return path
        folder = self.options.feeds_dir
        if not folder.is_dir():
            raise LocalStackError(f"--feeds-dir {folder} is not a folder")
        transform = self._replay[1] if self._replay is not None else None
        self._feed_server = FeedFolderServer(folder, transform=transform).start()
        source_md = _find_source_md(folder)
        outlets = known_outlets_from_source_md(source_md) if source_md else None
        only_known = bool(outlets) and not self.options.all_files
        feed_list = feed_list_from_directory(folder, self._feed_server.base_url, outlets=outlets,
                                             only_known=only_known)
        # One file per instance (its own server's URLs), removed on stop.
        fd, name = tempfile.mkstemp(prefix="feeds-local-", suffix=".yaml", dir=self._work_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(yaml.safe_dump(feed_list.model_dump(mode="json"), sort_keys=False))
        generated = self._generated_feeds = Path(name)
        scope = f"the {len(feed_list.feeds)} news outlets named in {source_md}" if only_known \
            else f"{len(feed_list.feeds)} files"
        self.say(f"  feeds: {scope}, served from {folder} at {self._feed_server.base_url} (offline)")
        return generated

    def _site_notice(self) -> str:
        """In a replay, every page says what it shows (the API replaces {now} with its clock)."""
        if self.options.replay_from is None:
            return ""
        last = self.options.replay_to or self.options.replay_from
        return ("Replay: these pages show the news as it stood at {now}, replayed from the captured feed "
                f"files on a fast clock from {self.options.replay_from:%Y-%m-%d %H:%M} to "
                f"{last:%Y-%m-%d %H:%M} UTC; reload to follow it until it reaches "
                f"{last:%H:%M}, where the pages then stay.")

    def _set_environment(self, feeds_file: Path) -> None:
        os.environ.update({
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
            "TABLE_NAME": LOCAL_TABLE, "FEEDS_FILE": str(feeds_file.resolve()),
            "ALLOW_LOOPBACK_FEEDS": "true" if self.options.feeds_dir else "false",
            "PUBLISH_INGEST_EVENTS": "false",  # the local scheduler chains cluster after ingest itself
            "POWERTOOLS_SERVICE_NAME": "headlinez", "POWERTOOLS_METRICS_NAMESPACE": "Headlinez",
            "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true",
            # Without --verbose only errors: the console already says per feed and per run what the
            # handlers' warnings say (as raw JSON lines between its own).
            "POWERTOOLS_LOG_LEVEL": "INFO" if self.options.verbose else "ERROR",
            "LOG_LEVEL": "INFO" if self.options.verbose else "ERROR",
            # The brief flow: offline (extractive) unless BRIEF_ENGINE=auto and ANTHROPIC_API_KEY.
            # (not during a replay: hundreds of steps would each wait for their briefs)
            "BRIEF_STATE_MACHINE_ARN": "" if self._replay is not None else BRIEF_STATE_MACHINE_ARN,
            "BRIEF_ENGINE": os.environ.get("BRIEF_ENGINE", "offline"),
            # A laptop has more than a Lambda's one vCPU: the embedding model uses them (same vectors)
            "CLUSTER_EMBEDDING_THREADS": os.environ.get("CLUSTER_EMBEDDING_THREADS",
                                                        str(min(os.cpu_count() or 1, 4))),
        })
        os.environ["SITE_NOTICE"] = self._site_notice()
        os.environ.pop("AWS_PROFILE", None)

    def _state_path(self) -> Path:
        # A replay starts empty and keeps its own state file: it never mixes with live state.
        return self.options.state_dir / (REPLAY_STATE_FILE if self._replay is not None else STATE_FILE)

    def _create_table(self) -> int:
        import boto3

        from headlinez.template import load_template, table_definition

        definition = table_definition(load_template(REPO_ROOT / "template.yaml"))
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName=LOCAL_TABLE, **definition)
        if not self.options.persist or not self._state_path().is_file() or self._replay is not None:
            return 0
        return self._import_items(client)

    def _import_items(self, client: Any) -> int:
        from botocore.exceptions import BotoCoreError, ClientError

        count = 0
        batch: list[dict[str, Any]] = []
        number = 0
        path = self._state_path()
        try:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):  # noqa: B007 (read after the loop)
                    item = json.loads(line)
                    if not isinstance(item, dict) or "pk" not in item:
                        raise ValueError("not a table item")
                    batch.append({"PutRequest": {"Item": item}})
                    if len(batch) == 25:
                        count += _write_batch(client, batch)
                        batch = []
            return count + _write_batch(client, batch)
        except (OSError, EOFError, ValueError, BotoCoreError, ClientError) as exc:
            where = f"line {number}: " if number else ""
            raise LocalStackError(f"state file {path} is unreadable ({where}{exc}); it is left as it is: "
                                  "move it away to start empty") from exc

    def save_state(self) -> None:
        """Export every item (raw AttributeValue JSON) atomically: a unique temp file beside the
        target, fsync, then replace (`headlinez.local.statedir.write_gzip_lines`). Items whose
        `ttl` has passed on the stack's clock are left out: moto applies no TTL, and a stack left
        running kept every article and trend it ever saw (DynamoDB deletes them)."""
        if not self.options.persist:
            return
        import boto3

        client = boto3.client("dynamodb", region_name="us-east-1")
        path = self._state_path()
        now = self.clock.now().timestamp()
        kept = (item for item in _scan(client) if not _expired(item, now))
        try:
            write_gzip_lines(path, (json.dumps(item, separators=(",", ":")) + "\n" for item in kept))
        except OSError as exc:
            raise LocalStackError(f"could not save the local state to {path} ({exc}); this run's data "
                                  "is not saved: is the state directory still there and writable?") from exc


def _expired(item: dict[str, Any], now: float) -> bool:
    """Whether a raw item's `ttl` (epoch seconds, a DynamoDB number) has passed at `now`."""
    ttl = item.get("ttl", {}).get("N")
    return ttl is not None and float(ttl) < now


def _scan(client: Any) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {"TableName": LOCAL_TABLE}
    while True:
        page = client.scan(**kwargs)
        yield from page.get("Items", [])
        if not page.get("LastEvaluatedKey"):
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _write_batch(client: Any, batch: list[dict[str, Any]]) -> int:
    if not batch:
        return 0
    pending: dict[str, Any] = {LOCAL_TABLE: batch}
    while pending:
        pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(batch)


@contextlib.contextmanager
def running_stack(options: StackOptions, out: TextIO) -> Iterator[LocalStack]:
    stack = LocalStack(options, out)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def install_signal_handlers(request_stop: Callable[[], None]) -> None:
    import signal

    def _handler(signum: int, frame: object) -> None:
        request_stop()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
