"""Make moto's DynamoDB Query cost what the partition holds, not what the table holds (and
moto's Step Functions Tasks reuse their clients).

moto 5 answers every Query — on the table or on a GSI — by sorting *all* items of the table
(`Table.all_items`, comparing `DynamoType`s, ~1 µs per comparison) and then keeping those of
the asked partition. A local stack that has ingested a few days of news holds tens of thousands
of items (articles, dedupe aliases, members), so each Query took 0.1-0.3 s, and one replayed
step makes dozens of them: profiling a replay of the snapshot (cProfile, an ad-hoc probe; the
replay's timings are `benchmarks/replay_time.py`) put 85% of its time in `all_items`' sort.

The order `all_items` returns does not matter to Query: moto sorts the partition it keeps by the
index's (or the table's) keys afterwards. So, during a Query only, `all_items` returns just the
candidate items — the queried partition of the table, or the items whose GSI hash attributes
equal the key condition's — unsorted. The latter are kept grouped by those values, built by one
walk of the table and then brought up to date from a log of the keys each write touched (every
write path logs one; a failed write, whose key is unknown, makes the next Query walk the table
again), so a replayed step's Queries cost the items its writes touched, not the table. Scan,
exports and everything else keep moto's behaviour.
The response serializer of moto 5 then walks every DynamoDB `AttributeValue` member by member
(ten members each, through an attribute picker): ~0.2 ms per attribute, the other half of a
replay's time once the sort was gone. moto's items already hold their attributes in the wire
format (`{"S": ...}`, `{"N": "1"}`, nested `M`/`L`), so an `AttributeValue` without binary
members is passed through as it is — what the member-by-member walk produces for it.

Within a Query, moto then does per-item work on what it matched: it sorts by comparing
`DynamoType`s (each comparison recomputing both values), sizes every item twice for paging,
deep-copies every match and projects by converting whole items to plain JSON and back. The
patched Query sorts on values computed once per item, sizes an item once per Query, projects
top-level names by copying just those attributes and skips the deep copy that such a projection
makes redundant (half of a replay's Query time; `_install_query_items`, checked against plain
moto by `tests/integration/test_moto_query_speedups.py`).

TransactWriteItems in moto 5 deep-copies every table it touches before writing, to roll back on
a failed condition: with a few days of news that is a copy of ~100 MB per clustering write, and a
replay grew to several GB. The patched version keeps a copy of only the items the transaction
names, and restores those when moto raises.

The Step Functions interpreter made a new boto3 client for every Lambda Task it ran; the Tasks
now share one client per region and service (`_install_task_clients`). It also parsed the state
machine's definition again for every execution (ANTLR in pure Python, ~50 ms, under the GIL while
the other executions wait); an execution now reuses the program parsed for its definition, and
the executions started together wait for its one parse (`_install_parsed_definitions`).

Applied by the local stack only (`install()` and `install_step_functions()` are idempotent);
nothing deployed depends on it.
"""

from __future__ import annotations

import copy
import inspect
import os
import threading
from collections.abc import Callable
from typing import Any

_scope = threading.local()
_PASS_THROUGH = frozenset({"S", "N", "SS", "NS", "M", "L", "NULL", "BOOL"})
_state = {"installed": False, "step_functions": False}


def _candidates(table: Any, query: tuple[Any, Any, Any]) -> list[Any] | None:
    """The items a Query can match, or None to fall back on moto's full list."""
    index_name, hash_key, conditions = query
    if index_name is None:
        if hash_key is None:
            return None
        bucket = table.items.get(hash_key)
        if bucket is None:
            return []
        return list(bucket.values()) if table.range_key_attr else [bucket]
    if not conditions:
        return None
    wanted = list(conditions)
    key = tuple(_scalar(expected) for _, expected in wanted)
    if None in key:
        return None
    return list(_gsi_groups(table, tuple(name for name, _ in wanted)).get(key, {}).values())


def _scalar(value: Any) -> tuple[str, Any] | None:
    """A DynamoType as a dict key that compares as moto does (type, then `cast_value`: "1" is
    "1.0"); None for a set, map or list (their Query is left to moto)."""
    cast = value.cast_value
    return (value.type, cast) if isinstance(cast, (str, int, float, bytes)) else None


_LOG_LIMIT = 50_000  # writes remembered per table; a grouping further behind is rebuilt
_Key = tuple[Any, Any]  # an item's (hash key, range key) as moto keys it


def _gsi_groups(table: Any, names: tuple[str, ...]) -> dict[tuple[Any, ...], dict[_Key, Any]]:
    """The table's items by their values of the attributes `names` (a GSI's hash key). Built once,
    then brought up to date from the table's write log (`_bump`): a step's writes touch a few
    hundred of the tens of thousands of items, so its Queries do not walk the whole table again."""
    version = table.__dict__.get("_hz_version", 0)
    cache = table.__dict__.setdefault("_hz_gsi", {})
    entry = cache.get(names)
    if entry is not None and entry[0] == version:
        return entry[1]  # type: ignore[no-any-return]
    changed = _written_since(table, entry[0]) if entry is not None else None
    if changed is None:
        groups: dict[tuple[Any, ...], dict[_Key, Any]] = {}
        where: dict[_Key, tuple[Any, ...]] = {}
        for hash_set in list(table.items.values()):
            for item in (list(hash_set.values()) if table.range_key_attr else (hash_set,)):
                _place(groups, where, names, (item.hash_key, item.range_key), item)
    else:
        groups, where = entry[1], entry[2]
        for key in changed:
            old = where.pop(key, None)
            if old is not None:
                group = groups[old]
                group.pop(key, None)
                if not group:
                    del groups[old]
            _place(groups, where, names, key, _current(table, key))
    cache[names] = (version, groups, where)
    return groups


def _place(groups: dict[tuple[Any, ...], dict[_Key, Any]], where: dict[_Key, tuple[Any, ...]],
           names: tuple[str, ...], key: _Key, item: Any) -> None:
    if item is None:
        return
    values = [item.attrs.get(name) for name in names]
    if any(value is None for value in values):
        return
    group_key = tuple(_scalar(value) for value in values)
    if None not in group_key:
        groups.setdefault(group_key, {})[key] = item
        where[key] = group_key


def _current(table: Any, key: _Key) -> Any:
    hash_key, range_key = key
    bucket = table.items.get(hash_key)
    if bucket is None or not table.range_key_attr:
        return bucket
    return bucket.get(range_key)


def _written_since(table: Any, version: int) -> set[_Key] | None:
    """The keys written after `version`, or None when one write's key is unknown (a failed write:
    rebuild) or the log no longer reaches back that far."""
    log: list[tuple[int, _Key | None]] = table.__dict__.get("_hz_log", [])
    if table.__dict__.get("_hz_log_from", 1) > version + 1:
        return None
    changed: set[_Key] = set()
    for written, key in reversed(log):
        if written <= version:
            break
        if key is None:
            return None
        changed.add(key)
    return changed


def _bump(table: Any, key: _Key | None = None) -> None:
    """A write of the item `key` (None: unknown): the table's GSI groups are behind by one."""
    version = table.__dict__.get("_hz_version", 0) + 1
    table.__dict__["_hz_version"] = version
    log = table.__dict__.setdefault("_hz_log", [])
    log.append((version, key))
    if len(log) > _LOG_LIMIT:
        del log[:_LOG_LIMIT // 2]
        table.__dict__["_hz_log_from"] = log[0][0]


def install() -> None:
    """Patch moto's DynamoDB `Table.query` / `Table.all_items` (see the module docstring)."""
    if _state["installed"]:
        return
    from moto.dynamodb.models.table import Table

    original_query: Callable[..., Any] = Table.query
    original_all_items: Callable[..., Any] = Table.all_items
    signature = inspect.signature(original_query)

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        arguments = bound.arguments
        previous = (getattr(_scope, "query", None), getattr(_scope, "projected", False),
                    getattr(_scope, "sizes", None))
        _scope.query = (arguments.get("index_name"), arguments.get("hash_key"),
                        arguments.get("hash_key_conditions"))
        # top-level names only: the results are built afresh by the patched `Item.project`, so
        # moto's deep copy of every matching item before projecting is not needed (`_QueryCopy`)
        _scope.projected = _top_level_names(arguments.get("projection_expressions")) is not None
        _scope.sizes = {}  # each item's size, asked twice per item by moto's paging
        try:
            return original_query(self, *args, **kwargs)
        finally:
            _scope.query, _scope.projected, _scope.sizes = previous

    def all_items(self: Any) -> Any:
        current = getattr(_scope, "query", None)
        if current is not None:
            found = _candidates(self, current)
            if found is not None:
                return found
        return original_all_items(self)

    Table.query = query  # type: ignore[method-assign]
    Table.all_items = all_items  # type: ignore[method-assign]
    _install_query_items()
    _install_write_versions()
    _install_serializer()
    _install_transactions()
    _state["installed"] = True


def _top_level_names(expressions: Any) -> list[str] | None:
    """The attribute names of a projection made of top-level names only ([["doc"], ["pk"]]), or
    None (none, a nested path or a list index: left to moto)."""
    if not expressions:
        return None
    names = []
    for path in expressions:
        if len(path) != 1 or "[" in path[0]:
            return None
        names.append(path[0])
    return names


_COPIED_TYPES = frozenset({"S", "N", "BOOL", "NULL", "SS", "NS", "M", "L"})


class _QueryCopy:
    """Stands in for the `copy` module inside moto's `Table`: during a Query projected on
    top-level names (`_scope.projected`), the list of matching items is not deep-copied, since the
    patched `Item.project` builds every returned item afresh; everything else is `copy`'s."""

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if getattr(_scope, "projected", False) and isinstance(value, list):
            return list(value)
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _install_query_items() -> None:
    """A Query's per-item work in moto, made proportional to what it returns:

    - `Table.sorted_items` sorts by the key attributes' values computed once per item (moto
      compares `DynamoType`s, each comparison recomputing both values: a `Decimal` per number);
      the order is the same, since a key attribute has one type;
    - `Item.size` is remembered for the duration of one Query (its paging asks it twice per
      item, and an item does not change during a Query);
    - `Item.project` on top-level names copies those attributes (moto converts the whole item
      to plain JSON and back); binary values and nested paths are left to moto.
    """
    from moto.dynamodb.models import table as table_module
    from moto.dynamodb.models.dynamo_type import Item

    original_project: Callable[..., Any] = Item.project
    original_size: Callable[..., Any] = Item.size

    def sorted_items(self: Any, hash_key_attrs: list[str], range_key_attrs: list[str | None],
                     items: list[Any]) -> list[Any]:
        names = self._generate_attr_to_sort_by(hash_key_attrs, range_key_attrs)
        items.sort(key=lambda item: tuple(item.attrs[name].cast_value for name in names))
        return items

    def size(self: Any) -> Any:
        sizes = getattr(_scope, "sizes", None)
        if sizes is None:
            return original_size(self)
        known = sizes.get(id(self))
        if known is None or known[0] is not self:
            known = sizes[id(self)] = (self, original_size(self))
        return known[1]

    def project(self: Any, projection_expressions: list[list[str]]) -> Any:
        names = _top_level_names(projection_expressions)
        present = {name: self.attrs[name] for name in names or () if name in self.attrs}
        if names is None or any(value.type not in _COPIED_TYPES for value in present.values()):
            return original_project(self, projection_expressions)
        # a set's list is copied; maps and lists are copied by DynamoType itself
        attrs = {name: {value.type: list(value.value)} if value.type in ("SS", "NS") else value.to_json()
                 for name, value in present.items()}
        return Item(hash_key=self.hash_key, range_key=self.range_key, attrs=attrs)

    table_module.Table.sorted_items = sorted_items  # type: ignore[method-assign]
    Item.size = size  # type: ignore[method-assign]
    Item.project = project  # type: ignore[method-assign]
    setattr(table_module, "copy", _QueryCopy())  # noqa: B010 - replaces the module it imported


def install_step_functions() -> None:
    """Patch moto's Step Functions interpreter (see the module docstring). Separate from `install`
    because importing the interpreter takes ~1.2 s (it imports moto's Batch and EC2): the local
    stack calls it when it sets up the brief flow, not before a replay's first step."""
    if _state.get("step_functions"):
        return
    _install_task_clients()
    _install_parsed_definitions()
    _state["step_functions"] = True


def _install_write_versions() -> None:
    """Every way moto writes an item bumps its table's version: Table.put_item / delete_item
    (PutItem, DeleteItem, BatchWriteItem, transactions), the backend's update_item (UpdateItem
    changes the item in place) and a transaction's rollback (`_restore`)."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    def put_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        written = None
        try:
            written = original_put(self, *args, **kwargs)
            return written
        finally:
            _bump(self, (written.hash_key, written.range_key) if written is not None else None)

    def delete_item(self: Any, hash_key: Any, range_key: Any) -> Any:
        try:
            return original_delete(self, hash_key, range_key)
        finally:
            _bump(self, (hash_key, range_key))

    original_put: Callable[..., Any] = Table.put_item
    original_delete: Callable[..., Any] = Table.delete_item
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]
    original_update: Callable[..., Any] = DynamoDBBackend.update_item

    def update_item(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        updated = None
        try:
            updated = original_update(self, table_name, *args, **kwargs)
            return updated
        finally:
            table = self.tables.get(table_name)
            if table is not None:
                _bump(table, (updated.hash_key, updated.range_key) if updated is not None else None)

    DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]


def _install_serializer() -> None:
    from moto.core.serialize import BaseJSONSerializer

    original: Callable[..., Any] = BaseJSONSerializer._serialize_type_structure

    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if (key and shape.name == "AttributeValue" and isinstance(value, dict)
                and value.keys() <= _PASS_THROUGH):
            serialized[key] = value
            return
        original(self, serialized, value, shape, key)

    BaseJSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign]


__all__ = ["install"]


class _NoTableCopy:
    """Stands in for the `copy` module inside moto's DynamoDB backend: tables are not copied."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, self._table_type) else copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


_Backup = tuple[Any, Any, Any, Any]


def _transaction_backup(backend: Any, transact_items: list[dict[str, Any]]) -> list[_Backup]:
    """(table, hash key, range key, deep copy of the item or None) for each item named."""
    backups = []
    for entry in transact_items:
        op_type, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
        keys = op.get("Item") if op_type == "Put" else op.get("Key")
        if table is None or not isinstance(keys, dict):
            continue
        if table.hash_key_attr not in keys or (table.range_key_attr and table.range_key_attr not in keys):
            continue  # moto reports the invalid key itself
        hash_key, range_key = backend.get_keys_value(table, keys)
        backups.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
    return backups


def _restore(backups: list[_Backup]) -> None:
    for table, hash_key, range_key, item in reversed(backups):
        _bump(table, (hash_key, range_key))
        if table.range_key_attr:
            bucket = table.items[hash_key]
            if item is None:
                bucket.pop(range_key, None)
            else:
                bucket[range_key] = item
        elif item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item


def _install_transactions() -> None:
    from moto.dynamodb import models as backend_module
    from moto.dynamodb.models.table import Table

    setattr(backend_module, "copy", _NoTableCopy(Table))  # noqa: B010 - replaces the module it imported
    original: Callable[..., Any] = backend_module.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        backups = _transaction_backup(self, transact_items)
        try:
            original(self, transact_items)
        except Exception:
            _restore(backups)
            raise

    backend_module.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _install_task_clients() -> None:
    """moto's Step Functions interpreter creates a new boto3 client for every Lambda Task it runs
    (`boto_client_for`): 50-100 ms of botocore loading each, several per brief execution, and
    creation through boto3's default session is not safe from the executions' many threads. The
    clients it asks for differ only by region, service and endpoint (fixed keys, fixed config, no
    credentials of the state's; the endpoint from AWS_ENDPOINT_URL_<SERVICE>, which points Lambda
    at the stack's invoke server), and botocore clients are safe to share between threads: one
    client per (region, service, endpoint) is made once, under a lock, and handed to every Task."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    original: Callable[..., Any] = lambda_eval_utils.boto_client_for  # type: ignore[attr-defined]
    clients: dict[tuple[Any, ...], Any] = {}
    lock = threading.Lock()

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        from moto.core.models import botocore_stubber

        key = (region, service, bool(botocore_stubber.enabled), os.environ.get("AWS_ENDPOINT_URL"),
               os.environ.get(f"AWS_ENDPOINT_URL_{service.upper().replace('-', '_')}"))
        with lock:
            client = clients.get(key)
            if client is None:
                client = clients[key] = original(region=region, service=service,
                                                 state_credentials=state_credentials)
        return client

    lambda_eval_utils.boto_client_for = boto_client_for  # type: ignore[attr-defined]


# States whose components keep per-run state on themselves (their iteration and branch workers):
# a program with one of these is parsed for each execution, as moto does.
_STATEFUL_STATE_TYPES = frozenset({"Map", "Parallel"})


def _state_types(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if isinstance(current.get("Type"), str):
                found.add(current["Type"])
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


def _fix_heap_keys(program: Any) -> None:
    """Give every component its `heap_key` now: it is drawn on first use (a retrier's attempt
    counter is stored under it in the execution's environment), and two executions drawing it at
    once on a shared component could each keep a different one."""
    from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent

    seen: set[int] = set()
    stack = [program]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, EvalComponent):
            _ = current.heap_key
            stack.extend(vars(current).values())
        elif isinstance(current, list | tuple | set):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())


def _install_parsed_definitions() -> None:
    """One parsed program per state machine definition, shared by its executions. moto's ASL
    components keep nothing of an execution on themselves (its data, history and retry counters
    live in the execution's `Environment`) except the heap keys, fixed once here, and the workers
    of Map and Parallel states, whose programs are still parsed per execution."""
    import json

    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    programs: dict[str, Any] = {}
    parsing: dict[str, threading.Lock] = {}  # one per definition: its first executions wait for one parse
    unshareable: set[str] = set()
    lock = threading.Lock()

    def entrypoint(self: Any) -> Any:
        definition: str = self._evaluation_details.state_machine_details.definition
        with lock:
            program = programs.get(definition)
            gate = parsing.setdefault(definition, threading.Lock())
        if program is not None:
            return program
        if definition in unshareable:
            return AmazonStateLanguageParser.parse(definition)[0]
        # The catch-up starts dozens of executions at once: without the gate each one parsed
        # the definition (ANTLR, under the GIL) before the first could share its program.
        with gate:
            with lock:
                program = programs.get(definition)
            if program is not None:
                return program
            program = AmazonStateLanguageParser.parse(definition)[0]
            try:
                shareable = not (_state_types(json.loads(definition)) & _STATEFUL_STATE_TYPES)
            except ValueError:  # not JSON (moto also reads YAML-like input): parsed each time
                shareable = False
            with lock:
                if shareable:
                    _fix_heap_keys(program)
                    programs[definition] = program
                else:
                    unshareable.add(definition)
            return program

    ExecutionWorker._get_evaluation_entrypoint = entrypoint  # type: ignore[method-assign]
