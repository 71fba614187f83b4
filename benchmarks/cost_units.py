"""Cost units benchmark (issue 12 §2): the per-unit counts of `headlinez cost`, measured on the local stack.

Runs the real handlers in-process on moto (DynamoDB, Step Functions with the real ASL) through a
replay of the captured feed snapshot (the 26 news feeds named in its SOURCE.md, served over
127.0.0.1 only, each feed as it was at each simulated time), with the brief flow ON (offline
extractive engine), then sends API requests to the local API bridge. It counts, per unit:

* DynamoDB write and read request units, from item sizes, the way on-demand DynamoDB bills them.
  Every botocore DynamoDB call is hooked (`before-call`/`after-call` on each client's event
  emitter); the request body and the raw response are wire-format JSON, and the items' full sizes
  (before and after a write) are read straight from moto's backend, not through boto3. Rounding:
  - item size: attribute names + values (strings UTF-8 bytes, numbers ceil(significant digits / 2)
    + 1, binary bytes, BOOL/NULL 1, list/map 3 + 1 per element), as the DynamoDB docs describe;
  - a write: ceil(max(size before, size after) / 1 KB) WRU, at least 1; x2 inside
    TransactWriteItems (ConditionCheck included); plus, for each GSI (all project ALL), one index
    write of ceil(size / 1 KB) when the item is in the index and changed, two (delete + put) when
    its index key changed; a failed conditional write costs ceil(stored size / 1 KB), at least 1;
  - a read: GetItem / BatchGetItem ceil(size / 4 KB) per item, at least 1, half when eventually
    consistent, x2 in TransactGetItems; Query / Scan: ceil(sum of the full sizes of the items
    read / 4 KB) per page, at least 1, half when eventually consistent (a FilterExpression's
    dropped items are scaled in by ScannedCount / Count).
* Lambda duration: each handler invocation's wall time, process CPU time, and the CPU time moto
  spent inside DynamoDB calls. The Lambda estimate is
      (CPU time - moto's CPU time) x 1769 / MemorySize  +  DynamoDB calls x 5 ms
  i.e. CPU-bound code gets MemorySize / 1769 of a vCPU on Lambda (one core of this machine is
  taken as one Graviton vCPU), and each DynamoDB call waits ~5 ms in-region (sequential: an upper
  bound). It excludes cold starts (init) and real network (the feed fetches are over loopback;
  the model keeps its separate network-wait estimate). GB-seconds = that x MemorySize / 1024 of
  the function in template.yaml.
* Step Functions state transitions per brief execution: `*StateEntered` events of moto's
  execution history (moto interprets infra/statemachines/brief.asl.json).
* Log bytes per invocation per function: everything the handler writes to stdout and stderr
  (Powertools JSON logs at the template's LOG_LEVEL INFO, EMF metrics with metrics ON), plus
  Lambda's START/END/REPORT(+XRAY) platform lines, and for the API the HTTP API access log line
  of the template's format (both counted from their formats).
* HTTP API requests per page view and bytes per response, from the pages' HTML and the bodies.
* Storage: every item of the table at the end, by kind (its pk/sk as the entity mappers spell
  them), item size + 100 B, x (1 + the GSIs holding it); a trend META once closed, a prediction
  once scored and the feed configs dispatch seeds are sized with the entity mappers. The units
  feed the steady-state estimate of `headlinez cost` (evaluation.cost.stored_gb).

Usage: .venv/bin/python benchmarks/cost_units.py [--hours 12] [--requests 30] [--data-dir DIR]
       [--json out.json]
All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import math
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("HEADLINEZ_DATA_DIR", REPO.parent / "shared" / "data"))
SNAPSHOT = Path("feeds/fastfeedparser/benchmark_data/files")
END = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
ACCOUNT, REGION = "123456789012", "us-east-1"
VCPU_MB = 1769  # Lambda: one full vCPU at 1,769 MB, CPU share proportional to memory below it
DDB_CALL_SECONDS = 0.005  # assumed in-region DynamoDB latency per call on Lambda
OUT = sys.stdout
ERR = sys.stderr
SAMPLE_REQUEST_ID = "8f507cfc-1a2b-4697-b07a-ac58fc914c95"
# Lambda's platform lines (text format), as CloudWatch receives them for one invocation.
PLATFORM_LINES = (
    f"START RequestId: {SAMPLE_REQUEST_ID} Version: $LATEST\n"
    f"END RequestId: {SAMPLE_REQUEST_ID}\n"
    f"REPORT RequestId: {SAMPLE_REQUEST_ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\t"
    "Memory Size: 1024 MB\tMax Memory Used: 123 MB\t\n"
    "XRAY TraceId: 1-67a1b2c3-0123456789abcdef01234567\tSegmentId: 0123456789abcdef\tSampled: true\n"
)


def say(text: str = "") -> None:
    print(text, file=OUT, flush=True)


# --- DynamoDB item sizes and request units -------------------------------------------------------


def _number_size(text: str) -> int:
    mantissa = text.lstrip("-+").lower().split("e", 1)[0].replace(".", "").strip("0")
    return (max(1, len(mantissa)) + 1) // 2 + 1


def value_size(value: dict[str, Any]) -> int:
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return _number_size(inner)
    if kind == "B":
        return len(base64.b64decode(inner)) if isinstance(inner, str) else len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in inner)
    if kind == "NS":
        return sum(_number_size(s) for s in inner)
    if kind == "BS":
        return sum(len(base64.b64decode(s)) for s in inner)
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in inner.items())
    raise ValueError(f"unknown AttributeValue type {kind}")


def item_size(item: dict[str, Any] | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def _units(size: int, unit: int) -> int:
    return max(1, math.ceil(size / unit))


class Backend:
    """Direct reads of moto's tables (never through boto3, so they are not counted)."""

    def __init__(self) -> None:
        self._gsis: dict[str, list[tuple[str, ...]]] = {}

    def table(self, name: str) -> Any:
        from moto.dynamodb.models import dynamodb_backends

        return dynamodb_backends[ACCOUNT][REGION].get_table(name)

    def key_attrs(self, name: str) -> tuple[str, ...]:
        table = self.table(name)
        return (table.hash_key_attr, *((table.range_key_attr,) if table.range_key_attr else ()))

    def gsis(self, name: str) -> list[tuple[str, ...]]:
        if name not in self._gsis:
            self._gsis[name] = [tuple(part["AttributeName"] for part in index.schema)
                                for index in self.table(name).global_indexes]
        return self._gsis[name]

    def get(self, name: str, key: dict[str, Any]) -> dict[str, Any] | None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        table = self.table(name)
        try:
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            item = table.get_item(hash_key, range_key)
        except Exception:  # a malformed key: the call itself fails and is counted as such
            return None
        if item is None:
            return None
        attributes: dict[str, Any] = item.to_json()["Attributes"]
        return attributes

    def key_of(self, name: str, item: dict[str, Any]) -> dict[str, Any] | None:
        attrs = self.key_attrs(name)
        return {a: item[a] for a in attrs} if all(a in item for a in attrs) else None


def write_units(old: dict[str, Any] | None, new: dict[str, Any] | None, gsis: list[tuple[str, ...]],
                factor: int = 1) -> int:
    units = factor * _units(max(item_size(old), item_size(new)), 1024)
    for index_keys in gsis:
        old_key = tuple(json.dumps(old[k], sort_keys=True) for k in index_keys) if old and all(
            k in old for k in index_keys) else None
        new_key = tuple(json.dumps(new[k], sort_keys=True) for k in index_keys) if new and all(
            k in new for k in index_keys) else None
        if old_key is not None and new_key is not None and old_key == new_key:
            if old != new:
                units += _units(item_size(new), 1024)
            continue
        if old_key is not None:
            units += _units(item_size(old), 1024)
        if new_key is not None:
            units += _units(item_size(new), 1024)
    return units


@dataclass
class Invocation:
    function: str
    wall: float = 0.0
    cpu: float = 0.0
    ddb_cpu: float = 0.0
    ddb_wall: float = 0.0
    ddb_calls: int = 0
    wru: float = 0.0
    rru: float = 0.0
    log_bytes: int = 0
    failed_writes: int = 0
    ops: Counter[str] = field(default_factory=Counter)
    memory_mb: int = 512

    def lambda_seconds(self) -> float:
        cpu = max(0.0, self.cpu - self.ddb_cpu)
        return cpu * VCPU_MB / min(self.memory_mb, VCPU_MB) + self.ddb_calls * DDB_CALL_SECONDS

    def gb_seconds(self) -> float:
        return math.ceil(self.lambda_seconds() * 1000) / 1000 * self.memory_mb / 1024

    def all_log_bytes(self) -> int:
        return self.log_bytes + len(PLATFORM_LINES.encode())


class Meter:
    """Attributes DynamoDB units, CPU and log bytes to the handler invocation running."""

    def __init__(self, memory: dict[str, int]) -> None:
        self.memory = memory
        self.backend = Backend()
        self.current: Invocation | None = None  # one handler at a time: the stack's lock
        self.records: list[Invocation] = []
        self.other = Invocation("other")
        self.local = threading.local()
        self.unknown_ops: Counter[str] = Counter()

    # handlers
    def wrap(self, function: str, handler: Any) -> Any:
        def measured(event: Any, context: Any) -> Any:
            record = Invocation(function, memory_mb=self.memory.get(function, 512))
            self.current = record
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return handler(event, context)
            finally:
                record.wall = time.perf_counter() - wall
                record.cpu = time.process_time() - cpu
                self.current = None
                self.records.append(record)

        return measured

    def target(self) -> Invocation:
        return self.current if self.current is not None else self.other

    # stdout / stderr
    def count_output(self, text: str) -> None:
        self.target().log_bytes += len(text.encode("utf-8", "replace"))

    # botocore hooks
    def hook(self) -> None:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        meter = self

        def _make_api_call(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            hooked = getattr(client, "_cost_meter", False)
            if client.meta.service_model.service_name == "dynamodb" and not hooked:
                client.meta.events.register("before-call.dynamodb", meter.before)
                client.meta.events.register("after-call.dynamodb", meter.after)
                client._cost_meter = True
            return original(client, operation_name, api_params)

        BaseClient._make_api_call = _make_api_call

    def before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        body = json.loads(params.get("body") or b"{}")
        olds: list[tuple[str, dict[str, Any] | None]] = []
        for table, key in _write_keys(model.name, body, self.backend):
            olds.append((table, self.backend.get(table, key)))
        self.local.pending = (model.name, body, olds, time.perf_counter(), time.thread_time())

    def after(self, http_response: Any, model: Any, **_: Any) -> None:
        pending = getattr(self.local, "pending", None)
        self.local.pending = None
        if pending is None:
            return
        name, body, olds, wall, cpu = pending
        record = self.target()
        record.ddb_wall += time.perf_counter() - wall
        record.ddb_cpu += time.thread_time() - cpu
        record.ddb_calls += 1
        record.ops[name] += 1
        ok = http_response.status_code < 400
        response = json.loads(http_response.content or b"{}")
        self._charge(record, name, body, olds, response, ok)

    def _charge(self, record: Invocation, name: str, body: dict[str, Any],
                olds: list[tuple[str, dict[str, Any] | None]], response: dict[str, Any], ok: bool) -> None:
        if name in _WRITES:
            self._charge_writes(record, name, body, olds, ok)
        elif name == "GetItem":
            if ok:
                item = self.backend.get(body["TableName"], body["Key"])
                record.rru += _units(item_size(item), 4096) * (1 if body.get("ConsistentRead") else 0.5)
        elif name == "BatchGetItem":
            for table, request in body.get("RequestItems", {}).items():
                consistency = 1.0 if request.get("ConsistentRead") else 0.5
                for key in request.get("Keys", []):
                    record.rru += _units(item_size(self.backend.get(table, key)), 4096) * consistency
        elif name == "TransactGetItems":
            for entry in body.get("TransactItems", []):
                get = entry["Get"]
                record.rru += 2 * _units(item_size(self.backend.get(get["TableName"], get["Key"])), 4096)
        elif name in ("Query", "Scan"):
            if ok:
                self._charge_query(record, body, response)
        elif name not in ("DescribeTable", "CreateTable", "ListTables", "DescribeTimeToLive"):
            self.unknown_ops[name] += 1

    def _charge_writes(self, record: Invocation, name: str, body: dict[str, Any],
                       olds: list[tuple[str, dict[str, Any] | None]], ok: bool) -> None:
        backend = self.backend
        factor = 2 if name == "TransactWriteItems" else 1
        actions = _write_actions(name, body)
        for (table, old), action in zip(olds, actions, strict=True):
            if not ok:
                record.wru += factor * _units(item_size(old), 1024)
                record.failed_writes += 1
                continue
            if action == "ConditionCheck":
                record.wru += factor * _units(item_size(old), 1024)
                continue
            key = backend.key_of(table, old) if old else None
            new = backend.get(table, key) if key else None
            if new is None and action in ("Put", "Update"):
                new = _written_item(table, body, actions.index(action), name, backend)
            record.wru += write_units(old, new, backend.gsis(table), factor)

    def _charge_query(self, record: Invocation, body: dict[str, Any], response: dict[str, Any]) -> None:
        backend = self.backend
        table = body["TableName"]
        total = 0.0
        for item in response.get("Items", []):
            key = backend.key_of(table, item)
            full = backend.get(table, key) if key else None
            total += item_size(full or item)
        count, scanned = response.get("Count", 0), response.get("ScannedCount", 0)
        if count and scanned > count:
            total = total * scanned / count
        consistency = 1.0 if body.get("ConsistentRead") and not body.get("IndexName") else 0.5
        record.rru += _units(int(total), 4096) * consistency


_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


def _write_actions(name: str, body: dict[str, Any]) -> list[str]:
    if name == "PutItem":
        return ["Put"]
    if name == "UpdateItem":
        return ["Update"]
    if name == "DeleteItem":
        return ["Delete"]
    if name == "BatchWriteItem":
        return ["Put" if "PutRequest" in request else "Delete"
                for requests in body.get("RequestItems", {}).values() for request in requests]
    return [next(iter(entry)) for entry in body.get("TransactItems", [])]


def _write_keys(name: str, body: dict[str, Any], backend: Backend) -> list[tuple[str, dict[str, Any]]]:
    """(table, key) of every item a write call touches, in `_write_actions` order."""
    if name in ("PutItem", "UpdateItem", "DeleteItem"):
        table = body["TableName"]
        key = body.get("Key") or backend.key_of(table, body.get("Item", {})) or {}
        return [(table, key)]
    if name == "BatchWriteItem":
        keys = []
        for table, requests in body.get("RequestItems", {}).items():
            for request in requests:
                if "PutRequest" in request:
                    keys.append((table, backend.key_of(table, request["PutRequest"]["Item"]) or {}))
                else:
                    keys.append((table, request["DeleteRequest"]["Key"]))
        return keys
    if name == "TransactWriteItems":
        keys = []
        for entry in body.get("TransactItems", []):
            action = next(iter(entry.values()))
            table = action["TableName"]
            keys.append((table, action.get("Key") or backend.key_of(table, action.get("Item", {})) or {}))
        return keys
    return []


def _written_item(table: str, body: dict[str, Any], index: int, name: str, backend: Backend
                  ) -> dict[str, Any] | None:
    """The item after a write whose key lookup failed before (a new item): read it back."""
    keys = _write_keys(name, body, backend)
    return backend.get(table, keys[index][1]) if index < len(keys) else None


class CountingStream(io.TextIOBase):
    def __init__(self, meter: Meter) -> None:
        self.meter = meter

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.meter.count_output(text)
        return len(text)


# --- the run -------------------------------------------------------------------------------------


def template_memory() -> dict[str, int]:
    from headlinez.template import load_template

    template = load_template(REPO / "template.yaml")
    default = int(template["Globals"]["Function"]["MemorySize"])
    memory = {}
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            folder = str(resource["Properties"]["CodeUri"]).strip("/").rsplit("/", 1)[-1]
            memory[folder] = int(resource["Properties"].get("MemorySize", default))
    return memory


def access_log_bytes() -> int:
    """One HTTP API access log line of the template's format, with typical values."""
    from headlinez.template import load_template

    template = load_template(REPO / "template.yaml")
    fmt = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::HttpApi")[
        "Properties"]["AccessLogSettings"]["Format"]
    values = {"requestId": "AbCdEfGhIjKlMnO=", "identity.sourceIp": "203.0.113.45",
              "requestTime": "18/Feb/2026:04:00:00 +0000", "routeKey": "GET /trends/{trend_id}",
              "path": "/trends/t-0123456789abcdef", "status": "200", "responseLength": "23456",
              "integrationLatency": "25"}
    line = re.sub(r"\$context\.([\w.]+)", lambda m: values.get(m.group(1), "-"), fmt.replace("\n", " "))
    return len(line.encode()) + 1


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def run(args: argparse.Namespace) -> dict[str, Any]:
    from headlinez.local.stack import BRIEF_STATE_MACHINE_ARN, LocalStack, StackOptions
    from headlinez.local.stack import _load_function as load_function
    from headlinez.local.stepfunctions import BRIEF_FUNCTIONS, history

    memory = template_memory()
    meter = Meter(memory)
    meter.hook()
    metered: set[str] = set()
    folder = args.data_dir / SNAPSHOT

    class MeasuredStack(LocalStack):
        def _set_environment(self, feeds_file: Path) -> None:
            super()._set_environment(feeds_file)
            # As deployed (template.yaml): LOG_LEVEL INFO, metrics on; the brief flow on in the replay.
            os.environ.update({"LOG_LEVEL": "INFO", "POWERTOOLS_METRICS_DISABLED": "false",
                               "BRIEF_STATE_MACHINE_ARN": BRIEF_STATE_MACHINE_ARN})
            os.environ.pop("POWERTOOLS_LOG_LEVEL", None)

        def _load_cluster_function(self) -> None:
            super()._load_cluster_function()
            # start() calls this after loading the ingest and API functions and before the API
            # bridge takes the API handler: every function is metered from here on, and the brief
            # flow is set up now, as deployed (LocalStack runs a replay's steps without it).
            for folder in BRIEF_FUNCTIONS.values():
                if folder not in self._functions:
                    self._functions[folder] = load_function(folder)
            for name, module in self._functions.items():
                if name not in metered:
                    setattr(module, "handler", meter.wrap(name, module.handler))  # noqa: B010
                    metered.add(name)
            if self._sfn is None:
                self._start_brief_flow()

        def stop(self) -> None:
            if self._mock is not None:  # read moto's table before the mock stops
                stored.update(measure_storage(meter))
            super().stop()

    start = END - timedelta(hours=args.hours)
    state = tempfile.TemporaryDirectory()
    options = StackOptions(port=0, feeds_dir=folder, persist=False, state_dir=Path(state.name),
                           replay_from=start, replay_to=END, now=start)
    stored: dict[str, Any] = {}
    stack_out = io.StringIO()
    stack = MeasuredStack(options, stack_out)
    counting = CountingStream(meter)
    sys.stdout, sys.stderr = counting, counting  # the handlers' log output (bound at Logger creation)
    steps: list[dict[str, Any]] = []
    executions: list[dict[str, Any]] = []
    api: dict[str, list[dict[str, Any]]] = defaultdict(list)
    try:
        stack.start()
        assert stack._replay is not None
        clock, time_filter = stack._replay
        moment = start
        index = 0
        while moment <= END:
            index += 1
            clock.set(moment)
            time_filter.set_time(moment)
            first = len(meter.records)
            ingest, cluster = stack.invoke_ingest_and_cluster(moment)
            before = set(stack._seen_executions)
            stack._report_briefs(cluster)
            step_records = meter.records[first:]
            new_arns = sorted(set(stack._seen_executions) - before)
            for arn in new_arns:
                events = list(history(stack._sfn, arn))
                description = stack._sfn.describe_execution(executionArn=arn)
                output = json.loads(description.get("output") or "{}")
                published = (output.get("publish") or {}).get("outcome") == "published"
                executions.append({"transitions": sum(e["type"].endswith("StateEntered") for e in events),
                                   "status": description["status"], "published": published})
            steps.append({"index": index, "time": moment, "ingest": ingest, "cluster": cluster,
                          "records": step_records, "executions": len(new_arns)})
            print(f"step {index} {moment:%H:%M}Z: +{ingest['new_articles']} articles, "
                  f"{ingest['fetched']} changed / {ingest['not_modified']} 304, "
                  f"{cluster.get('open_trends', 0)} open, {len(new_arns)} brief executions", file=ERR,
                  flush=True)
            moment += timedelta(minutes=15)
        # --- API requests against the replayed state -------------------------------------------
        base = stack.base_url
        with urllib.request.urlopen(base + "/trends?limit=100", timeout=30) as response:
            items = json.loads(response.read())["items"]
        biggest = max(items, key=lambda item: (item["sources"], item["articles"]))
        paths = {"GET /trends?limit=20": "/trends?limit=20", "GET /trends/{id}": f"/trends/{biggest['id']}",
                 "page /": "/", "page /trend/{id}": f"/trend/{biggest['id']}"}
        for label, path in paths.items():
            for attempt in range(args.requests + 3):
                first = len(meter.records)
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    body = response.read()
                    headers = sum(len(f"{k}: {v}\r\n") for k, v in response.getheaders())
                records = [r for r in meter.records[first:] if r.function == "api"]
                if attempt >= 3 and records:  # 3 warm-up requests each
                    api[label].append({"record": records[0], "body": len(body), "headers": headers,
                                       "html": body if label.startswith("page") else b""})
    finally:
        sys.stdout, sys.stderr = OUT, ERR
        stack.stop()
        state.cleanup()
    return {"steps": steps, "executions": executions, "api": api, "memory": memory, "meter": meter,
            "stored": stored, "start": start}


STORAGE_OVERHEAD = 100  # bytes DynamoDB adds to each item (and to each GSI copy) for storage billing


def item_kind(pk: str, sk: str) -> str:
    """The entity of a stored item, from its keys as the entity mappers spell them
    (headlinez.adapters.entities; the table of keys is in its __init__)."""
    from datetime import date

    from headlinez.adapters.entities.articles import ArticleEntity, DedupeAliasEntity
    from headlinez.adapters.entities.briefs import BriefFailureEntity, TokenBudgetEntity
    from headlinez.adapters.entities.feeds import (
        CycleEntity,
        FeedConfigEntity,
        FeedSeedEntity,
        FeedStateEntity,
    )
    from headlinez.adapters.entities.leases import LeaseEntity
    from headlinez.adapters.entities.predictions import PredictionEntity, TrackRecordEntity
    from headlinez.adapters.entities.trends import ClusterDocEntity, MemberEntity, TrendEntity

    if sk == ArticleEntity.SK:
        return "article"
    if sk == DedupeAliasEntity.SK:
        return "alias"
    if sk == LeaseEntity.SK:
        return "lease"
    if TrendEntity.is_trend_key(pk):
        if sk == TrendEntity.SK:
            return "trend"
        if sk == TrendEntity.BRIEF_SK:
            return "brief"
        return "member" if MemberEntity.is_member_sort_key(sk) else "other"
    if pk.startswith(PredictionEntity.PREFIX):
        return "prediction"
    if pk.startswith(BriefFailureEntity.key("")["pk"]):
        return "brief_failure"
    if pk.startswith(FeedStateEntity.key("")["pk"]):
        feed_kinds = {FeedStateEntity.key("")["sk"]: "feed_state",
                      FeedConfigEntity.key("")["sk"]: "feed_config"}
        return feed_kinds.get(sk, "other")
    kinds = {TrackRecordEntity.KEY["pk"]: "track_record", TokenBudgetEntity.key(date.min)["pk"]: "budget",
             ClusterDocEntity.key("")["pk"]: "cluster_doc", FeedSeedEntity.key("")["pk"]: "feed_seed"}
    if pk in kinds:
        return kinds[pk]
    cycle = CycleEntity.key(datetime(2000, 1, 1, tzinfo=UTC))
    if pk.startswith(cycle["pk"].split("#", 1)[0] + "#") and sk == cycle["sk"]:
        return "cycle"
    return "other"


def stored_bytes(attrs: dict[str, Any], gsis: list[tuple[str, ...]]) -> int:
    """What DynamoDB bills for an item: its size + 100 B, once in the table and once in each GSI
    holding it (every index projects ALL)."""
    copies = sum(all(k in attrs for k in keys) for keys in gsis)
    return (item_size(attrs) + STORAGE_OVERHEAD) * (1 + copies)


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    return {name: serializer.serialize(value) for name, value in item.items()}


def _closed_trend(attrs: dict[str, Any], gsis: list[tuple[str, ...]]) -> int:
    """Stored bytes of the META item clustering writes when this trend closes (TrendEntity.to_item
    of the same state with is_open False: `doc` and a ttl, no list_doc, no index keys)."""
    from headlinez.adapters.entities.trends import TrendEntity

    state = TrendEntity.from_item({"doc": attrs["doc"]["S"]})
    closed = TrendEntity.to_item(state.model_copy(update={"is_open": False}), 0.0, timedelta(days=30))
    return stored_bytes(_wire(closed), gsis)


def _scored_prediction(attrs: dict[str, Any], gsis: list[tuple[str, ...]]) -> int:
    """Stored bytes of a prediction once scored (PredictionEntity.scored_update: the outcome in
    `doc`, off the PREDDUE index)."""
    from headlinez.adapters.entities.predictions import PredictionEntity

    record = PredictionEntity.from_item({"doc": attrs["doc"]["S"]})
    if record.outcome is None:
        record = record.model_copy(update={"outcome": record.code, "velocity_later": record.velocity,
                                           "scored_at": record.due_at})
    item = {k: v for k, v in PredictionEntity.to_item(record).items() if k not in ("gsi1pk", "gsi1sk")}
    return stored_bytes(_wire(item), gsis)


def _feed_config_bytes(gsis: list[tuple[str, ...]]) -> list[int]:
    """The replay runs the single ingest function (no dispatch): no feed config is stored. The
    items dispatch would seed for the replay's feeds (FeedConfigEntity.to_item of FEEDS_FILE)."""
    from headlinez.adapters.entities.feeds import FeedConfigEntity
    from headlinez.feeds import load_feed_list
    from headlinez.models import FeedRecord

    path = os.environ.get("FEEDS_FILE")
    if not path:
        return []
    now = datetime.now(UTC)
    records = [FeedRecord(config=config, added_at=now, updated_at=now, source="seed")
               for config in load_feed_list(Path(path)).feeds]
    return [stored_bytes(_wire(FeedConfigEntity.to_item(record)), gsis) for record in records]


def measure_storage(meter: Meter) -> dict[str, Any]:
    """Stored bytes per item kind at the end of the replay (each item + 100 B overhead, x (1 + its
    GSI copies)), open and closed trend META apart, with the sizes the items take later in their
    life: a trend once closed, a prediction once scored, and the feed configs dispatch stores."""
    from headlinez.local.stack import LOCAL_TABLE

    table = meter.backend.table(LOCAL_TABLE)
    gsis = meter.backend.gsis(LOCAL_TABLE)
    totals: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    closed_trend: list[int] = []
    scored_prediction: list[int] = []
    spans: list[float] = []
    for hash_set in table.items.values():
        for item in (hash_set.values() if table.range_key_attr else (hash_set,)):
            attrs = item.to_json()["Attributes"]
            kind = item_kind(attrs.get("pk", {}).get("S", ""), attrs.get("sk", {}).get("S", ""))
            if kind == "trend":
                doc = json.loads(attrs["doc"]["S"])
                spans.append((datetime.fromisoformat(doc["last_seen"])
                              - datetime.fromisoformat(doc["first_seen"])).total_seconds() / 86_400)
                kind = "trend_open" if doc.get("is_open", True) else "trend_closed"
                closed_trend.append(_closed_trend(attrs, gsis) if kind == "trend_open"
                                    else stored_bytes(attrs, gsis))
            elif kind == "prediction":
                scored_prediction.append(_scored_prediction(attrs, gsis))
            totals[kind] += stored_bytes(attrs, gsis)
            counts[kind] += 1
    derived: dict[str, Any] = {"closed_trend": closed_trend, "scored_prediction": scored_prediction,
                               "trend_spans_days": spans}
    if not counts.get("feed_config"):
        derived["feed_config"] = _feed_config_bytes(gsis)
    return {"totals": dict(totals), "counts": dict(counts), "derived": derived}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--hours", type=float, default=12.0, help="replayed hours before 2026-02-18 04:00Z")
    parser.add_argument("--requests", type=int, default=30, help="API requests per route")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path, help="write the measured units to this file")
    parser.add_argument("--seconds-per-open-trend", type=float, default=0.00125,
                        help="units.json cluster_seconds_per_open_trend, subtracted from a quiet run")
    args = parser.parse_args()
    folder = args.data_dir / SNAPSHOT
    if not folder.is_dir():
        print(f"snapshot folder {folder} not found (set HEADLINEZ_DATA_DIR)", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    wall = time.perf_counter()
    result = run(args)
    units = report(result, args)
    say(f"\n(benchmark wall time {time.perf_counter() - wall:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(units, indent=2) + "\n", encoding="utf-8")
    return 0


def _fit(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Least squares y = c + a*x1 + b*x2 (numpy), each coefficient clamped at 0."""
    import numpy as np

    matrix = np.array([[1.0, x1, x2] for x1, x2, _ in rows])
    target = np.array([y for _, _, y in rows])
    coefficients, *_ = np.linalg.lstsq(matrix, target, rcond=None)
    c, a, b = (max(0.0, float(v)) for v in coefficients)
    return c, a, b


def _one(step: dict[str, Any], function: str) -> Invocation:
    found: Invocation = next(r for r in step["records"] if r.function == function)
    return found


def _times(rs: list[Invocation]) -> str:
    ms = 1000
    ops = sum((r.ops for r in rs), Counter())
    per = ", ".join(f"{op} {n / max(1, len(rs)):.1f}" for op, n in sorted(ops.items()))
    return (f"wall {mean([r.wall for r in rs]) * ms:.1f} ms, CPU {mean([r.cpu for r in rs]) * ms:.1f} ms "
            f"(moto {mean([r.ddb_cpu for r in rs]) * ms:.1f}), DynamoDB calls: {per or 'none'} -> "
            f"Lambda {mean([r.lambda_seconds() for r in rs]) * ms:.1f} ms")


def report(result: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    steps, executions, api, memory = result["steps"], result["executions"], result["api"], result["memory"]
    meter: Meter = result["meter"]
    steady = steps[1:]  # step 1 ingests everything up to the start of the window: a warm-up
    units: dict[str, Any] = {}

    def unit(name: str, value: float, how: str) -> None:
        units[name] = {"value": value, "how": how}
        say(f"  {name:<34} {value:>12.6g}  {how}")

    first = result["start"]
    say(f"cost units on the local stack (moto), replay of the snapshot {first:%Y-%m-%d %H:%M}Z -> "
        f"{END:%Y-%m-%d %H:%M}Z, {len(steps)} steps of 15 min, step 1 (everything published before "
        f"{first:%H:%M}Z) a warm-up; brief flow on (offline engine); memory from template.yaml: "
        + ", ".join(f"{k} {v} MB" for k, v in sorted(memory.items())))
    say(f"Lambda estimate = (CPU - moto CPU) x {VCPU_MB}/MemorySize + DynamoDB calls x "
        f"{DDB_CALL_SECONDS * 1000:.0f} ms; excludes cold starts and real network\n")

    ingest = [(s["ingest"], _one(s, "ingest")) for s in steady]
    cluster = [(s["cluster"], _one(s, "cluster")) for s in steady]
    opens = [c.get("open_trends", 0) for c, _ in cluster]
    polls = sum(i["fetched"] + i["not_modified"] + i["unchanged"] + i["errors"] for i, _ in ingest)
    changed = sum(i["fetched"] for i, _ in ingest)
    new_articles = sum(i["new_articles"] for i, _ in ingest)
    say(f"steady state, steps 2-{len(steps)}: {polls} polls ({changed} with a new body), {new_articles} "
        f"new articles, {sum(c.get('articles_clustered', 0) for c, _ in cluster)} clustered, open trends "
        f"{min(opens)}-{max(opens)}")
    warm_ingest, warm_record = steps[0]["ingest"], _one(steps[0], "ingest")
    say(f"warm-up step 1: {warm_ingest['new_articles']} new articles, ingest WRU {warm_record.wru:,.0f} "
        f"= {warm_record.wru / max(1, warm_ingest['new_articles']):.2f} per new article")

    say("\nDynamoDB")
    quiet = [(i, r) for i, r in ingest if i["new_articles"] == 0]
    busy = [(i, r) for i, r in ingest if i["new_articles"] > 0]
    feed_polls = [i["fetched"] + i["not_modified"] + i["unchanged"] + i["errors"] for i, _ in quiet]
    wru_poll = sum(r.wru for _, r in quiet) / max(1, sum(feed_polls))
    rru_poll = sum(r.rru for _, r in quiet) / max(1, sum(feed_polls))
    unit("wru_per_feed_state_write", round(wru_poll, 3),
         f"ingest runs with no new article ({len(quiet)}): WRU / polls (the feed-state item + its gsi1 copy)")
    unit("rru_per_feed_state_read", round(rru_poll, 3),
         "same runs: RRU / polls (BatchGetItem of the feed states, strongly consistent)")
    busy_polls = sum(i["fetched"] + i["not_modified"] + i["unchanged"] + i["errors"] for i, _ in busy)
    busy_articles = sum(i["new_articles"] for i, _ in busy)
    wru_article = (sum(r.wru for _, r in busy) - busy_polls * wru_poll) / max(1, busy_articles)
    rru_article = (sum(r.rru for _, r in busy) - busy_polls * rru_poll) / max(1, busy_articles)
    unit("wru_per_new_article", round(wru_article, 2),
         f"ingest runs with new articles ({len(busy)}, {busy_articles} articles): "
         "(WRU - polls x feed-state WRU) / new articles")
    unit("rru_per_new_article", round(rru_article, 2),
         "same runs: (RRU - polls x feed-state RRU) / new articles "
         "(dedupe lookups of every entry seen, strongly consistent)")
    quiet_cluster = [(c, r) for c, r in cluster if c.get("articles_clustered", 0) == 0]
    busy_cluster = [(c, r) for c, r in cluster if c.get("articles_clustered", 0) > 0]
    clustered = sum(c["articles_clustered"] for c, _ in busy_cluster)
    open_runs = sum(c.get("open_trends", 0) for c, _ in quiet_cluster)
    quiet_rru = sum(r.rru for _, r in quiet_cluster)
    quiet_wru = mean([r.wru for _, r in quiet_cluster])
    rru_trend = quiet_rru / max(1, open_runs)
    unit("rru_per_open_trend_per_run", round(rru_trend, 3),
         f"cluster runs with no new article ({len(quiet_cluster)}): RRU / open trends summed over runs")
    mean_open = open_runs / max(1, len(quiet_cluster))
    unit("wru_per_open_trend_per_run", round(quiet_wru / max(1.0, mean_open), 3),
         "cluster runs with no new article: WRU / open trends (each run rewrites the trends it rescores)")
    per_open_wru = quiet_wru / max(1.0, mean_open)
    busy_wru = sum(r.wru - c.get("open_trends", 0) * per_open_wru for c, r in busy_cluster)
    unit("wru_per_clustered_article", round(busy_wru / max(1, clustered), 2),
         f"cluster runs with new articles ({len(busy_cluster)}, {clustered} articles): "
         "(WRU - that run's open trends x wru_per_open_trend_per_run) / articles clustered")
    quiet_rru_mean = mean([r.rru for _, r in quiet_cluster])
    say(f"  (quiet cluster run: {quiet_wru:.1f} WRU, {quiet_rru_mean:.1f} RRU, {mean_open:.0f} open trends; "
        f"{_times([r for _, r in quiet_cluster])})")

    say("\nBriefs (Step Functions, offline engine)")
    brief_functions = ("brief_load", "brief_generate", "brief_check", "brief_publish", "brief_failure")
    brief_records = [r for s in steps for r in s["records"] if r.function in brief_functions]
    n_exec = max(1, len(executions))
    published = sum(e["published"] for e in executions)
    say(f"  {len(executions)} executions ({published} published, "
        f"{sum(e['status'] != 'SUCCEEDED' for e in executions)} failed), "
        f"{len(brief_records)} Lambda invocations: "
        + ", ".join(f"{f} {sum(r.function == f for r in brief_records)}" for f in brief_functions))
    for function in brief_functions:
        rs = [r for r in brief_records if r.function == function]
        if rs:
            say(f"    {function:<15} {memory.get(function, 512)} MB: {_times(rs)}, "
                f"{mean([r.wru for r in rs]):.1f} WRU, {mean([r.rru for r in rs]):.1f} RRU, "
                f"{mean([r.all_log_bytes() for r in rs]):,.0f} log bytes")
    unit("transitions_per_brief", round(mean([e["transitions"] for e in executions]), 2),
         "StateEntered events of moto's execution history, mean over all executions (published: "
         f"{mean([e['transitions'] for e in executions if e['published']]):.1f})")
    unit("brief_lambda_invocations", round(len(brief_records) / n_exec, 2),
         "brief handler invocations / executions")
    unit("brief_gb_seconds_offline", round(sum(r.gb_seconds() for r in brief_records) / n_exec, 4),
         "sum of the brief steps' GB-s (estimate above, at each step's MemorySize) / executions")
    unit("wru_per_brief", round(sum(r.wru for r in brief_records) / n_exec, 2),
         "brief steps' WRU / executions")
    unit("rru_per_brief", round(sum(r.rru for r in brief_records) / n_exec, 2),
         "brief steps' RRU / executions")
    unit("log_bytes_per_brief", round(sum(r.all_log_bytes() for r in brief_records) / n_exec),
         "brief steps' stdout+stderr + platform lines / executions")
    articles_all = sum(s["ingest"]["new_articles"] for s in steady)
    execs_steady = sum(s["executions"] for s in steady)
    say(f"  (brief executions per new article, steps 2-{len(steps)}: {execs_steady} / {articles_all} = "
        f"{execs_steady / max(1, articles_all):.3f}; step 1: {steps[0]['executions']})")

    say("\nLambda duration (estimate per invocation as above)")
    rows = [(i["fetched"], i["not_modified"] + i["unchanged"] + i["errors"], r.lambda_seconds())
            for i, r in ingest]
    fixed, per_changed, per_unchanged = _fit(rows)
    say(f"  ingest: {len(rows)} runs, mean {_times([r for _, r in ingest])}; "
        f"fit: {fixed * 1000:.0f} ms per run + {per_changed * 1000:.1f} ms per changed poll + "
        f"{per_unchanged * 1000:.1f} ms per 304")
    quiet_polls = [i["fetched"] + i["not_modified"] + i["unchanged"] + i["errors"] for i, _ in quiet]
    unchanged_seconds = sum(r.lambda_seconds() for _, r in quiet) / max(1, sum(quiet_polls))
    changed_seconds = ((sum(r.lambda_seconds() for _, r in busy)
                        - unchanged_seconds * (busy_polls - sum(i["fetched"] for i, _ in busy)))
                       / max(1, sum(i["fetched"] for i, _ in busy)))
    unit("ingest_seconds_per_unchanged_poll", round(unchanged_seconds, 4),
         "ingest runs with no new body: Lambda estimate / polls (the run's fixed part spread over 26 feeds)")
    unit("ingest_seconds_per_changed_poll", round(changed_seconds, 4),
         "runs with new bodies: (Lambda estimate - 304 polls x the above) / changed polls")
    quiet_seconds = mean([r.lambda_seconds() for _, r in quiet_cluster])
    quiet_open = mean([c.get("open_trends", 0) for c, _ in quiet_cluster])
    say(f"  cluster quiet run: {_times([r for _, r in quiet_cluster])} with {quiet_open:.0f} open trends")
    fixed_seconds = max(0.0, quiet_seconds - quiet_open * args.seconds_per_open_trend)
    unit("cluster_seconds_per_run_fixed", round(fixed_seconds, 3),
         f"cluster runs with no new article: mean Lambda estimate - {quiet_open:.0f} open trends x "
         f"{args.seconds_per_open_trend * 1000:g} ms (the model's cluster_seconds_per_open_trend)")
    per_trend = args.seconds_per_open_trend
    busy_seconds = sum(r.lambda_seconds() - fixed_seconds - c.get("open_trends", 0) * per_trend
                       for c, r in busy_cluster)
    say(f"  cluster run with new articles: {_times([r for _, r in busy_cluster])}")
    unit("cluster_seconds_per_article", round(max(0.0, busy_seconds) / max(1, clustered), 4),
         "runs with new articles: (Lambda estimate - the fixed part - open trends x the per-trend part) "
         "/ articles clustered (embedding included)")

    say("\nAPI (requests over HTTP to the local bridge, 3 warm-up requests per route not counted)")
    all_api = [sample for samples in api.values() for sample in samples]
    for label, samples in api.items():
        rs = [s["record"] for s in samples]
        say(f"  {label:<22} n={len(rs)} {_times(rs)}, {mean([r.rru for r in rs]):.2f} RRU, "
            f"body {statistics.median([s['body'] for s in samples]) / 1024:.1f} KiB + headers "
            f"{statistics.median([s['headers'] for s in samples])} B, handler log "
            f"{mean([r.log_bytes for r in rs]):,.0f} B")
    api_records = [s["record"] for s in all_api]
    unit("api_gb_seconds_per_request", round(mean([r.gb_seconds() for r in api_records]), 5),
         "mean over the 4 routes above, equal mix, at 512 MB (billed ms rounded up)")
    unit("rru_per_api_request", round(mean([r.rru for r in api_records]), 3), "mean RRU over the same mix")
    access = access_log_bytes()
    unit("log_bytes_per_api_request", round(mean([r.all_log_bytes() for r in api_records]) + access),
         f"handler stdout + platform lines ({len(PLATFORM_LINES.encode())} B) + the access log line "
         f"({access} B, template format)")
    assets = set()
    for sample in all_api:
        for tag in re.finditer(rb"<(?:script|link|img)\b[^>]*>", sample["html"]):
            text = tag.group(0)
            if text.startswith(b"<link") and not re.search(rb'rel="(?:stylesheet|icon|preload)"', text):
                continue  # rel=alternate (the RSS link) is not fetched by a page view
            source = re.search(rb'(?:src|href)="(/[^"]*)"', text)
            if source:
                assets.add(source.group(1).decode())
    say(f"  HTTP API requests per page view: {1 + len(assets)} (same-origin assets referenced by the pages: "
        f"{sorted(assets) or 'none, everything inline'}); response bytes: median "
        f"{statistics.median([s['body'] + s['headers'] for s in all_api]) / 1024:.1f} KiB, max "
        f"{max(s['body'] + s['headers'] for s in all_api) / 1024:.1f} KiB "
        "(HTTP API meters 512 KB per request: 1 request each)")

    say("\nLogs per invocation (stdout+stderr of the handler; + platform lines in the units)")
    ingest_logs = sum(r.all_log_bytes() for _, r in ingest)
    unit("log_bytes_per_poll", round(ingest_logs / max(1, polls)),
         "ingest invocations' logs + platform lines / polls, steady steps")
    unit("log_bytes_per_cluster_run", round(mean([r.all_log_bytes() for _, r in cluster])),
         "cluster invocations' logs + platform lines, mean over steady steps")
    if meter.unknown_ops:
        say(f"  (DynamoDB operations not priced: {dict(meter.unknown_ops)})")
    say(f"  (outside any handler: {meter.other.log_bytes} log bytes, {meter.other.wru:.0f} WRU, "
        f"{meter.other.rru:.0f} RRU)")

    stored = result["stored"]
    if stored:
        storage_units(stored, steady, executions, unit)
    return units


def storage_units(stored: dict[str, Any], steady: list[dict[str, Any]], executions: list[dict[str, Any]],
                  unit: Any) -> None:
    """Bytes per item kind at the end of the replay, and the units of the steady-state storage
    estimate (headlinez.evaluation.cost.stored_gb): per article, per trend, per prediction, per
    brief, per feed, and the items that do not grow with the workload."""
    counts, totals, derived = stored["counts"], stored["totals"], stored["derived"]
    say("\nStorage (at the end of the replay: item + 100 B, x (1 + the GSIs holding it))")
    for kind in sorted(totals, key=lambda k: -totals[k]):
        say(f"  {kind:<14} {counts[kind]:>6} items {totals[kind]:>12,} B  "
            f"{totals[kind] / counts[kind]:>9,.0f} B each")
    articles = max(1, counts.get("article", 0))
    unit("stored_bytes_per_article", round((totals.get("article", 0) + totals.get("alias", 0)) / articles),
         f"at the end: (article + alias items) / articles ({counts.get('article', 0)} articles, "
         f"{counts.get('alias', 0)} aliases); kept article_ttl_days after ingest")
    unit("stored_member_bytes_per_article", round(totals.get("member", 0) / articles),
         f"at the end: member items / articles ({counts.get('member', 0)} members); kept "
         "article_ttl_days + trend_ttl_days after the member's publish time")
    new_trends = sum(s["cluster"].get("trends_new", 0) for s in steady)
    clustered = sum(s["cluster"].get("articles_clustered", 0) for s in steady)
    metas = counts.get("trend_open", 0) + counts.get("trend_closed", 0)
    opens = [s["cluster"].get("open_trends", 0) for s in steady]
    per_hour = clustered / max(1.0, len(steady) / 4)
    say(f"  (not units: the model counts trends with open_trends_per_article_per_hour. Here, steps "
        f"2-{len(steady) + 1}: trends created / articles clustered {new_trends} / {clustered} = "
        f"{new_trends / max(1, clustered):.3f}; open trends per article an hour {mean(opens):.0f} / "
        f"{per_hour:.1f} = {mean(opens) / max(1e-9, per_hour):.1f}; {metas} trend META items at the end for "
        f"{articles} articles; 26 feeds cover few stories twice)")
    spans = derived["trend_spans_days"]
    unit("trend_span_days", round(mean(spans), 3),
         f"at the end: mean (last_seen - first_seen) of the {len(spans)} trends (median "
         f"{statistics.median(spans) if spans else 0:.3f}, max {max(spans, default=0):.2f}; cut by the "
         "snapshot's history)")
    open_metas = max(1, counts.get("trend_open", 0))
    unit("stored_bytes_per_open_trend", round(totals.get("trend_open", 0) / open_metas),
         f"at the end: open trend META items ({counts.get('trend_open', 0)}: doc + list_doc + the API's "
         "attributes, in gsi2, public ones also in gsi1 and gsi3) / items")
    closed = derived["closed_trend"]
    unit("stored_bytes_per_closed_trend", round(mean(closed)),
         f"every trend META at the end as clustering writes it once closed (TrendEntity.to_item with "
         f"is_open False: doc + ttl, no index), mean of {len(closed)}")
    hourly = [s["cluster"] for s in steady if s["time"].minute == 0]
    recorded = sum(c.get("predictions_recorded", 0) for c in hourly)
    open_hours = sum(c.get("open_trends", 0) for c in hourly)
    unit("predictions_per_open_trend_per_hour", round(recorded / max(1, open_hours), 4),
         f"the {len(hourly)} runs of a new hour in steps 2-{len(steady) + 1}: predictions recorded / open "
         f"trends ({recorded} / {open_hours}; open trends of 2+ newsrooms with a non-quiet forecast)")
    from headlinez.adapters.entities.predictions import PredictionEntity
    from headlinez.domain.prediction import HORIZON

    scored = derived["scored_prediction"]
    pending = totals.get("prediction", 0) / max(1, counts.get("prediction", 0))
    due_days, kept_days = HORIZON / timedelta(days=1), PredictionEntity.TTL / timedelta(days=1)
    per_prediction = (due_days * pending + kept_days * mean(scored)) / (due_days + kept_days)
    unit("stored_bytes_per_prediction", round(per_prediction),
         f"({due_days:g} day pending: {pending:,.0f} B with its PREDDUE copy + {kept_days:g} days scored: "
         f"{mean(scored):,.0f} B, the outcome in doc, no index) / {due_days + kept_days:g}, over "
         f"{counts.get('prediction', 0)} predictions")
    brief_bytes = totals.get("brief", 0) + totals.get("brief_failure", 0)
    unit("stored_bytes_per_brief", round(brief_bytes / max(1, len(executions))),
         f"at the end: (brief + brief-failure items: {counts.get('brief', 0)} + "
         f"{counts.get('brief_failure', 0)}) / executions ({len(executions)}; a trend briefed again "
         "overwrites its item)")
    states = max(1, counts.get("feed_state", 0))
    configs = derived.get("feed_config") or []
    config_bytes = (totals["feed_config"] / counts["feed_config"] if counts.get("feed_config")
                    else mean(configs))
    unit("stored_bytes_per_feed", round(totals.get("feed_state", 0) / states + config_bytes),
         f"feed state items at the end ({totals.get('feed_state', 0) / states:,.0f} B each, "
         f"{counts.get('feed_state', 0)}) + feed config ({config_bytes:,.0f} B: "
         + ("stored" if counts.get("feed_config") else f"FeedConfigEntity.to_item of the {len(configs)} "
            "replayed feeds, which dispatch seeds") + "), both with their gsi1 copy")
    fixed = ("cluster_doc", "lease", "budget", "track_record", "feed_seed", "cycle", "other")
    unit("stored_bytes_fixed", sum(totals.get(k, 0) for k in fixed),
         "at the end: items that do not grow with the workload ("
         + ", ".join(f"{k} {counts[k]}" for k in fixed if counts.get(k)) + ")")


if __name__ == "__main__":
    raise SystemExit(main())
