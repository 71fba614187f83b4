"""The DynamoDB adapter of the repository Protocols: feed states, articles, trends, predictions.

Thin by design: keys and item layouts are the entity mappers' (`headlinez.adapters.entities`, whose
docstring holds the key table), every call goes through the table client
(`headlinez.adapters.table`: paging, batches, conditions, transactions, error mapping). This module
holds what is left: which reads and writes each port method makes (docs/architecture.md maps each
access pattern to the method and mapper that serve it).

The API's reads (patterns 7, 8, 10-13 of docs/architecture.md) use, on open trend items only,
gsi3 (public trends of one category) and the filter attributes `last_seen`, `trend_status`,
`trend_category`, `topic_slugs` and `search_text`. Public = 2+ newsrooms
(`headlinez.domain.newsrooms.is_public`): only public trends are on gsi1 and gsi3, so a public list
pages by key and never loses items to a filter; gsi2 holds every open trend by rank key
(clustering's load, and `include=candidates`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from headlinez.adapters.entities.articles import ArticleEntity, DedupeAliasEntity
from headlinez.adapters.entities.documents import read_each
from headlinez.adapters.entities.feeds import FeedStateEntity
from headlinez.adapters.entities.predictions import PredictionEntity, TrackRecordEntity
from headlinez.adapters.entities.trends import ClusterDocEntity, MemberEntity, TrendEntity, rank_key
from headlinez.adapters.table import (
    MAX_ITEM_BYTES,
    TRANSACT_BYTES,
    TRANSACT_LIMIT,
    ConditionFailedError,
    ItemKey,
    ItemTooLargeError,
    StorageError,
    TableClient,
    TransactionCanceledError,
    approx_bytes,
    projection,
)
from headlinez.domain.dedupe import DedupeKey
from headlinez.domain.prediction import PredictionRecord, TrackRecord, counters
from headlinez.models import Article, FeedState, TrendMember, TrendState, iso_utc
from headlinez.ports import (
    InvalidStartKeyError,
    StartKey,
    TrendQuery,
    TrendRecord,
    TrendVersionConflictError,
)

__all__ = ["MAX_ITEM_BYTES", "RECENT_WINDOW", "DynamoStore", "ItemTooLargeError", "StorageError", "rank_key"]

RECENT_WINDOW = 100  # sort=recent reorders this many top-ranked trends of the scope by last activity
RECENT_MAX_PAGES = 10  # Query pages read for that window (1 MB each) before giving up on filling it
FILTER_READ_FACTOR = 4  # a filtered list page evaluates up to limit x this many items ...
MAX_EVALUATED = 200  # ... and never more than this (one Query, also capped at 1 MB by DynamoDB)


class DynamoStore:
    """Implements FeedStateRepository, ArticleRepository, TrendQueryRepository, PredictionRepository
    and headlinez.ports.ClusterStore on the one table."""

    def __init__(self, resource: Any, table_name: str, *, article_ttl: timedelta = timedelta(days=14),
                 closed_trend_ttl: timedelta = timedelta(days=30)) -> None:
        self._db = TableClient(resource, table_name)
        self._resource = resource  # the boto3 objects, for tests and tools that look underneath
        self._table = self._db.table
        self._article_ttl = article_ttl
        self._closed_trend_ttl = closed_trend_ttl

    @classmethod
    def from_table_name(cls, table_name: str, **kwargs: Any) -> DynamoStore:
        client = TableClient.from_table_name(table_name)
        return cls(client.resource, table_name, **kwargs)

    @property
    def write_count(self) -> int:
        """Items written by this instance: the benchmark reports it."""
        return self._db.write_count

    # --- feed state ----------------------------------------------------------------------------

    def get_states(self, feed_ids: Sequence[str]) -> dict[str, FeedState]:
        items = self._db.batch_get([FeedStateEntity.key(fid) for fid in feed_ids], consistent=True)
        # Not skipped when unreadable, unlike the lists: ingest rewrites what it read, and a state it
        # could not read would come back blank (its ETag, backoff and health gone). The shard fails.
        states = [FeedStateEntity.from_item(item) for item in items]
        return {state.feed_id: state for state in states}

    def put_states(self, states: Sequence[FeedState]) -> None:
        self._db.batch_put([FeedStateEntity.to_item(s) for s in states])

    def list_states(self) -> list[FeedState]:
        items = self._db.query_all(IndexName="gsi1",
                                   KeyConditionExpression=Key("gsi1pk").eq(FeedStateEntity.LIST_PARTITION))
        return read_each(items, FeedStateEntity.from_item)

    # --- articles ------------------------------------------------------------------------------

    def existing_keys(self, keys: Sequence[DedupeKey]) -> dict[DedupeKey, Mapping[str, Any]]:
        by_pk = {DedupeAliasEntity.key(k)["pk"]: k for k in keys}
        items = self._db.batch_get([DedupeAliasEntity.key(k) for k in by_pk.values()],
                                   attributes=("pk", "rec"), consistent=True)
        return {by_pk[item["pk"]]: DedupeAliasEntity.record_of(item) for item in items}

    def save_new_articles(self, articles: Sequence[Article]) -> list[Article]:
        """Store new articles exactly once; return those this call actually wrote.

        The dedupe aliases (title per newsroom, feed GUID) go first, in BatchWriteItem calls of 25
        (cheap: on moto 6,900 vs 1,200 items/s), then each article item (its key is the canonical
        URL's digest) as a conditional put, `attribute_not_exists(pk)`: even two overlapping runs,
        or a retried one, store an article only once, and the loser learns it was already there.
        In this order a crash leaves at worst an alias whose article is missing, which ingest does
        not trust (`IngestService._store`); in the other order it left an article without its
        aliases, which the newsroom's other feeds then stored a second time.
        """
        self.restore_aliases(articles)
        written: list[Article] = []
        for article in articles:
            try:
                self._db.put(ArticleEntity.to_item(article, self._article_ttl),
                             condition="attribute_not_exists(pk)")
            except ConditionFailedError:
                continue  # stored meanwhile by another run (or an earlier try): not ours to count
            written.append(article)
        return written

    def restore_aliases(self, articles: Sequence[Article]) -> None:
        """(Re)write the dedupe aliases of articles: before they are stored, and for an article
        stored without them (data written before aliases went first)."""
        self._db.batch_put([item for article in articles
                            for item in DedupeAliasEntity.alias_items(article, self._article_ttl)])

    def set_article_trends(self, articles: Sequence[Article]) -> None:
        """Rewrite articles with their trend id (whole-item puts: idempotent, batched)."""
        self._db.batch_put([ArticleEntity.to_item(a, self._article_ttl) for a in articles])

    def _ingested(self, start: datetime, end: datetime, **kwargs: Any) -> list[dict[str, Any]]:
        """Article items ingested in [start, end]: one Query of gsi1 per ingest hour."""
        items: list[dict[str, Any]] = []
        low, high = ArticleEntity.ingest_range(start, end)
        hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        while hour <= end:
            condition = (Key("gsi1pk").eq(ArticleEntity.ingest_partition(hour))
                         & Key("gsi1sk").between(low, high))
            items.extend(self._db.query_all(IndexName="gsi1", KeyConditionExpression=condition, **kwargs))
            hour += timedelta(hours=1)
        return items

    def articles_ingested_between(self, start: datetime, end: datetime) -> list[Article]:
        return read_each(self._ingested(start, end), ArticleEntity.from_item)

    def unclustered_articles_between(self, start: datetime, end: datetime) -> list[Article]:
        """Articles ingested in [start, end] that are in no trend yet. The clustered ones stay on
        the server (a FilterExpression: the same read units, a fraction of the bytes sent and
        parsed, since each run re-reads its whole lookback and nearly all of it is clustered)."""
        articles = read_each(self._ingested(start, end, FilterExpression=ArticleEntity.UNCLUSTERED),
                             ArticleEntity.from_item)
        return [a for a in articles if a.trend_id is None]

    def articles_per_feed(self, start: datetime, end: datetime) -> dict[str, int]:
        """Articles ingested in [start, end] per feed id: one Query of gsi1 per ingest hour.

        A recount that reads every article of the period: not for the API (feed health reads the
        counters on the feed states); benchmarks/feed_health_bench.py checks them against it."""
        counts: dict[str, int] = {}
        for item in self._ingested(start, end, **projection(("feed_id", "doc"))):
            feed_id = ArticleEntity.feed_id_of(item)
            counts[feed_id] = counts.get(feed_id, 0) + 1
        return counts

    # --- clustering state ----------------------------------------------------------------------

    def get_cluster_doc(self, name: str) -> str | None:
        item = self._db.get(ClusterDocEntity.key(name), consistent=True)
        return str(item["doc"]) if item else None

    def put_cluster_doc(self, name: str, doc: str) -> None:
        self._db.batch_put([ClusterDocEntity.to_item(name, doc)])

    # --- trends --------------------------------------------------------------------------------

    def load_open_trends(self) -> list[TrendState]:
        index, hash_name, _, partition = TrendEntity.OPEN
        # `doc` (and `pk`, to name one it cannot read) only: an open trend's `list_doc` (the API's
        # copy, nearly as large) is not read here, which halves what each run transfers and parses
        # (the read units are the same)
        items = self._db.query_all(IndexName=index, KeyConditionExpression=Key(hash_name).eq(partition),
                                   **projection(("pk", "doc")))
        return read_each(items, TrendEntity.from_item)

    def save_trends(self, trends: Sequence[TrendState],
                    members: Mapping[str, Sequence[TrendMember]],
                    scores: Mapping[str, float] | None = None, *,
                    expected_versions: Mapping[str, int] | None = None,
                    removed_members: Mapping[str, Sequence[TrendMember]] | None = None) -> None:
        """Store trends (META) and new member items; delete the member items of `removed_members`
        (members that left for a trend split from it: they now belong to that one).

        Without `expected_versions` (seeding, tools): whole-item puts, batched. With it (clustering),
        every META write is conditional: a trend the caller loaded (its id in `expected_versions`)
        only while the stored `version` is still the loaded one; any other only while no open trend
        of that id is stored. A META is written in one transaction with its members, so counters and
        coverage never part; a refused condition raises `TrendVersionConflictError` and leaves that
        transaction's trends and members unwritten (earlier transactions stay, consistent).
        """
        scores = scores or {}
        member_ttl = self._article_ttl + self._closed_trend_ttl
        trend_items = [TrendEntity.to_item(t, scores.get(t.trend_id, 0.0), self._closed_trend_ttl)
                       for t in trends]
        member_items = {tid: list({(i["pk"], i["sk"]): i for i in
                                   (MemberEntity.to_item(tid, m, member_ttl) for m in ms)}.values())
                        for tid, ms in members.items()}
        deletes = {tid: list({MemberEntity.sort_key(m): MemberEntity.key(tid, m) for m in ms}.values())
                   for tid, ms in (removed_members or {}).items()}
        if expected_versions is None:
            self._db.batch_put(trend_items + [i for items in member_items.values() for i in items])
            self._db.batch_delete([k for keys in deletes.values() for k in keys])
            return
        pending: list[tuple[dict[str, Any], str]] = []  # (transaction action, its trend id)
        size = 0
        absorbed = {t.trend_id: t.merged_into for t in trends if t.merged_into}
        for group in _split_groups(trend_items, removed_members or {}, members, absorbed):
            actions = self._group_actions(group, expected_versions, member_items, deletes)
            weight = sum(approx_bytes(action) for action, _ in actions)
            if pending and (len(pending) + len(actions) > TRANSACT_LIMIT or size + weight > TRANSACT_BYTES):
                self._transact(pending, expected_versions)
                pending, size = [], 0
            pending.extend(actions)
            size += weight
        if pending:
            self._transact(pending, expected_versions)
        # Members of trends not written in this call (none from clustering) are idempotent puts.
        self._db.batch_put([i for items in member_items.values() for i in items])
        self._db.batch_delete([k for keys in deletes.values() for k in keys])

    def _group_actions(self, group: Sequence[dict[str, Any]], expected_versions: Mapping[str, int],
                       member_items: dict[str, list[dict[str, Any]]], deletes: dict[str, list[ItemKey]]
                       ) -> list[tuple[dict[str, Any], str]]:
        """The transaction actions of trends that must commit together: one trend, or a trend and
        the trends split from it in this run (its deleted members are their new ones). What does
        not fit in one transaction goes outside it, idempotent and in the safe order: the
        members beyond room first (puts, before), the deletes beyond room last (after every
        transaction), so a crash in between leaves a member listed twice, never in no trend."""
        actions: list[tuple[dict[str, Any], str]] = []
        metas_left = len(group)
        for item in group:
            metas_left -= 1
            trend_id = str(item["trend_id"])
            condition = TrendEntity.write_condition(expected_versions.get(trend_id))
            actions.append((self._db.put_action(item, **condition), trend_id))
            gone = deletes.pop(trend_id, [])
            take = max(0, min(len(gone), TRANSACT_LIMIT // 2, TRANSACT_LIMIT - len(actions) - metas_left))
            actions.extend((self._db.delete_action(k), trend_id) for k in gone[:take])
            deletes.setdefault(trend_id, []).extend(gone[take:])
            own = member_items.pop(trend_id, [])
            room = max(0, TRANSACT_LIMIT - len(actions) - metas_left)
            if len(own) > room:
                # Rare (a backlog run): the members beyond one transaction go first, as idempotent
                # puts; a conflict may leave them stored, and the redone run puts them again.
                self._db.batch_put(own[:len(own) - room])
                own = own[len(own) - room:]
            actions.extend((self._db.put_action(i), trend_id) for i in own)
        return actions

    def _transact(self, actions: Sequence[tuple[dict[str, Any], str]], expected: Mapping[str, int]) -> None:
        try:
            self._db.transact_write([action for action, _ in actions])
        except TransactionCanceledError as exc:
            for (_, trend_id), code in zip(actions, exc.reasons, strict=False):
                if code in ("ConditionalCheckFailed", "TransactionConflict"):
                    raise TrendVersionConflictError(trend_id, expected.get(trend_id)) from exc
            raise

    def list_trends(self, limit: int, start_key: StartKey | None
                    ) -> tuple[list[TrendState], StartKey | None]:
        index, hash_name, range_name, partition = TrendEntity.PUBLIC
        kwargs: dict[str, Any] = {"IndexName": index, "KeyConditionExpression": Key(hash_name).eq(partition),
                                  "ScanIndexForward": False, "Limit": limit}
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        items, last = self._db.query(**kwargs, **_list_projection(hash_name, range_name))
        return read_each(items, TrendEntity.from_list_item), last

    def get_trend(self, trend_id: str) -> tuple[TrendState, list[TrendMember]] | None:
        state: TrendState | None = None
        members: list[TrendMember] = []
        for item in self._db.query_all(KeyConditionExpression=Key("pk").eq(TrendEntity.partition(trend_id))):
            if TrendEntity.is_meta(item):
                state = TrendEntity.from_item(item)
            elif MemberEntity.is_member(item):
                members.append(MemberEntity.from_item(item))
        if state is None:
            return None
        members.sort(key=lambda m: m.published, reverse=True)
        return state, members

    # --- API reads (access patterns A1-A8 in docs/architecture.md) ----------------------------

    def query_trends(self, query: TrendQuery, limit: int, start_key: StartKey | None
                     ) -> tuple[list[TrendState], StartKey | None]:
        """One Query on gsi1 (public trends), gsi3 (public, one category) or, with candidates, gsi2
        (every open trend), highest rank first, filters applied.

        A filtered page evaluates up to `limit x FILTER_READ_FACTOR` items and returns the first
        `limit` matches, with a start key after the last one returned. `sort="recent"` reorders the
        scope's `RECENT_WINDOW` top-ranked trends (that match the filters) by last activity and
        pages by offset.
        """
        if query.include_candidates:  # every open trend by rank; a category is then a filter
            index, hash_name, range_name, partition = TrendEntity.OPEN
        elif query.category:
            index, hash_name, range_name = TrendEntity.CATEGORY
            partition = TrendEntity.category_partition(query.category)
        else:
            index, hash_name, range_name, partition = TrendEntity.PUBLIC
        kwargs: dict[str, Any] = {"IndexName": index, "KeyConditionExpression": Key(hash_name).eq(partition),
                                  "ScanIndexForward": False,
                                  **_list_projection(hash_name, range_name, "last_seen")}
        condition = _trend_filter(query)
        if condition is not None:
            kwargs["FilterExpression"] = condition
        if query.sort == "recent":
            return self._recent_page(kwargs, limit, start_key)
        key_names = ("pk", "sk", hash_name, range_name)
        if start_key is not None:
            expected = {hash_name: partition, "sk": TrendEntity.SK}
            kwargs["ExclusiveStartKey"] = _checked_key(start_key, key_names, expected)
        kwargs["Limit"] = min(limit * FILTER_READ_FACTOR, MAX_EVALUATED) if condition is not None else limit
        items, next_key = self._db.query(**kwargs)
        if len(items) > limit:
            items = items[:limit]
            next_key = {name: items[-1][name] for name in key_names}
        return read_each(items, TrendEntity.from_list_item), next_key

    def _recent_page(self, kwargs: dict[str, Any], limit: int, start_key: StartKey | None
                     ) -> tuple[list[TrendState], StartKey | None]:
        offset = 0
        if start_key is not None:
            value = start_key.get("offset")
            if set(start_key) != {"offset"} or type(value) is not int or not 0 < value < RECENT_WINDOW:
                raise InvalidStartKeyError("not a start key of a recent-first list")
            offset = value
        # Query pages stop at 1 MB of whole items (the index projects them all): ~24 trend items,
        # not 100, so one page cut the window short and the list ended without saying so.
        items: list[dict[str, Any]] = []
        more: StartKey | None = None
        for _ in range(RECENT_MAX_PAGES):
            page_kwargs = {**kwargs, "Limit": RECENT_WINDOW - len(items)}
            if more is not None:
                page_kwargs["ExclusiveStartKey"] = more
            page, more = self._db.query(**page_kwargs)
            items.extend(page)
            if more is None or len(items) >= RECENT_WINDOW:
                break
        items = items[:RECENT_WINDOW]
        items.sort(key=lambda item: (str(item.get("last_seen", "")), str(item["pk"])), reverse=True)
        page = items[offset:offset + limit]
        next_key: StartKey | None = {"offset": offset + limit} if offset + limit < len(items) else None
        return read_each(page, TrendEntity.from_list_item), next_key

    def get_trend_record(self, trend_id: str, member_limit: int) -> TrendRecord | None:
        """At most two reads: a Query of the partition downwards from META, then GetItem BRIEF.

        Sort keys order as BRIEF < M#{published}#{id} < META, so a descending Query with
        Limit = member_limit + 2 reads META, the newest members, and one more item: a member
        (so more follow) or BRIEF (so the brief came along and no second read is needed).
        """
        if member_limit < 1:
            raise ValueError("member_limit must be at least 1")
        meta = TrendEntity.key(trend_id)
        items, last_evaluated = self._db.query(
            KeyConditionExpression=Key("pk").eq(meta["pk"]) & Key("sk").lte(meta["sk"]),
            ScanIndexForward=False, Limit=member_limit + 2)
        if not items or not TrendEntity.is_meta(items[0]):
            return None
        state = TrendEntity.from_item(items[0])
        member_items = [item for item in items[1:] if MemberEntity.is_member(item)]
        brief = next((item for item in items if TrendEntity.is_brief(item)), None)
        more: StartKey | None = None
        if len(member_items) > member_limit:
            member_items = member_items[:member_limit]
            more = {"pk": meta["pk"], "sk": member_items[-1]["sk"]}
        elif (last_evaluated is not None and brief is None
              and MemberEntity.is_member_sort_key(last_evaluated["sk"])):
            more = {"pk": meta["pk"], "sk": last_evaluated["sk"]}  # stopped by the 1 MB page limit
        if brief is None and last_evaluated is not None:
            brief = self._db.get(TrendEntity.brief_key(trend_id))
        return TrendRecord(state=state, members=[MemberEntity.from_item(item) for item in member_items],
                           more_members=more, brief_item=brief)

    def list_members(self, trend_id: str, limit: int, start_key: StartKey | None
                     ) -> tuple[list[TrendMember], StartKey | None] | None:
        """Members newest first (one Query); a first page checks META (GetItem): members outlive an
        expired trend by up to the article TTL (they expire from their own publish time), and a
        trend whose page is a 404 must not keep serving its coverage."""
        partition = TrendEntity.partition(trend_id)
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(partition) & Key("sk").begins_with(MemberEntity.PREFIX),
            "ScanIndexForward": False, "Limit": limit + 1,
        }
        if start_key is not None:
            checked = _checked_key(start_key, ("pk", "sk"), {"pk": partition})
            if not MemberEntity.is_member_sort_key(checked["sk"]):
                raise InvalidStartKeyError("not a start key of this trend's members")
            kwargs["ExclusiveStartKey"] = checked
        items, next_key = self._db.query(**kwargs)
        if len(items) > limit:
            items = items[:limit]
            next_key = {"pk": partition, "sk": items[-1]["sk"]}
        elif len(items) == limit:
            next_key = None  # the extra item was not there: this is the last page
        if start_key is None and self._db.get(TrendEntity.key(trend_id), attributes=("pk",)) is None:
            return None
        return [MemberEntity.from_item(item) for item in items], next_key

    # --- predictions (access patterns P1-P4 of docs/architecture.md) ----------------------------

    def put_predictions(self, records: Sequence[PredictionRecord]) -> None:
        """Store this hour's predictions (PredictionEntity). Pending ones sit on the sparse gsi1
        partition of due predictions until scored. One record per trend and hour: a retried run
        rewrites the same item (scoring happens a day later)."""
        self._db.batch_put([PredictionEntity.to_item(r) for r in records])

    def due_predictions(self, until: datetime, limit: int = 500) -> list[PredictionRecord]:
        """Unscored predictions due at or before `until`, oldest first (one Query, at most `limit`)."""
        condition = (Key("gsi1pk").eq(PredictionEntity.DUE_PARTITION)
                     & Key("gsi1sk").lte(PredictionEntity.due_until(until)))
        items, _ = self._db.query(IndexName="gsi1", KeyConditionExpression=condition, Limit=limit)
        return read_each(items, PredictionEntity.from_item)

    def record_outcomes(self, records: Sequence[PredictionRecord]) -> int:
        """Store each scored prediction and add it to the track record in one transaction.

        The prediction item is updated only while it is still pending (it leaves the due partition
        in the same write), so a retried run that scores it again changes nothing and counts nothing.
        """
        counted = 0
        for record in records:
            scored = PredictionEntity.scored_update(record)
            track = TrackRecordEntity.add(counters(record))
            try:
                self._db.transact_write([
                    self._db.update_action(PredictionEntity.key(record), scored["expression"],
                                           condition=scored["condition"], names=scored["names"],
                                           values=scored["values"]),
                    self._db.update_action(TrackRecordEntity.KEY, track["expression"],
                                           names=track["names"], values=track["values"]),
                ])
            except TransactionCanceledError as exc:
                if exc.reasons[:1] == ["ConditionalCheckFailed"]:
                    continue  # already scored by an earlier run (or expired): nothing to count
                raise
            counted += 1
        return counted

    def retire_predictions(self, records: Sequence[PredictionRecord]) -> int:
        """Take each pending prediction whose trend's META item is gone off the due partition,
        outside the track record: one transaction each, a ConditionCheck that the META is absent
        (a trend this version cannot read is not gone: its prediction stays for a version that can)
        and the update, only while pending (one already scored or retired is left as it is)."""
        retired = 0
        update = PredictionEntity.RETIRE_UPDATE
        for record in records:
            try:
                self._db.transact_write([
                    self._db.condition_check_action(TrendEntity.key(record.trend_id),
                                                    "attribute_not_exists(pk)"),
                    self._db.update_action(PredictionEntity.key(record), update["expression"],
                                           condition=update["condition"]),
                ])
            except TransactionCanceledError as exc:
                if "ConditionalCheckFailed" in exc.reasons:
                    continue
                raise
            retired += 1
        return retired

    def get_trend_states(self, trend_ids: Sequence[str]) -> dict[str, TrendState]:
        """Trends (open or closed) by id: BatchGetItem of their META items."""
        items = self._db.batch_get([TrendEntity.key(tid) for tid in trend_ids], attributes=("pk", "doc"),
                                   consistent=True)
        states = read_each(items, TrendEntity.from_item)
        return {state.trend_id: state for state in states}

    def prediction_track_record(self) -> TrackRecord:
        """The summed counters of every scored prediction (one GetItem)."""
        item = self._db.get(TrackRecordEntity.KEY) or {}
        return TrackRecord.from_counters(TrackRecordEntity.counters_of(item))

    def scored_predictions(self, since: datetime | None = None) -> Iterator[PredictionRecord]:
        """Every scored prediction (made at or after `since`): a filtered Scan of the PRED# items no
        longer on the due partition (access pattern P5: an operator's offline read for
        `headlinez calibrate-prediction`, never a function's)."""
        condition = Attr("pk").begins_with(PredictionEntity.PREFIX) & Attr("gsi1pk").not_exists()
        if since is not None:
            condition = condition & Attr("sk").gte(iso_utc(since))
        for item in self._db.scan_all(FilterExpression=condition, **projection(("pk", "sk", "doc"))):
            for record in read_each((item,), PredictionEntity.from_item):  # lazy: one item at a time
                if record.outcome is not None:
                    yield record

    def predictions_for_trend(self, trend_id: str, limit: int = 48) -> list[PredictionRecord]:
        """A trend's predictions, newest first (one Query of its partition)."""
        items, _ = self._db.query(KeyConditionExpression=Key("pk").eq(PredictionEntity.partition(trend_id)),
                                  ScanIndexForward=False, Limit=limit)
        return read_each(items, PredictionEntity.from_item)


def _trend_filter(query: TrendQuery) -> ConditionBase | None:
    conditions: list[ConditionBase] = []
    if query.include_candidates and query.category:
        conditions.append(Attr("trend_category").eq(query.category))
    if query.status:
        conditions.append(Attr("trend_status").eq(query.status))
    if query.since is not None:
        conditions.append(Attr("last_seen").gte(iso_utc(query.since)))
    if query.topic:
        conditions.append(Attr("topic_slugs").contains(query.topic))
    if query.terms:
        conditions.append(_all_contained(query.terms) if not query.legacy_terms
                          else _all_contained(query.terms) | _all_contained(query.legacy_terms))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


def _all_contained(terms: Sequence[str]) -> ConditionBase:
    """Every term in the trend's search text (each at a word's start)."""
    combined: ConditionBase = Attr("search_text").contains(" " + terms[0])
    for term in terms[1:]:
        combined = combined & Attr("search_text").contains(" " + term)
    return combined


def _checked_key(start_key: StartKey, names: Sequence[str], expected: Mapping[str, str]) -> StartKey:
    """A start key with exactly these string attributes and the expected values, else an error."""
    if set(start_key) != set(names) or not all(isinstance(start_key[n], str) for n in names):
        raise InvalidStartKeyError("start key does not belong to this query")
    if any(start_key[name] != value for name, value in expected.items()):
        raise InvalidStartKeyError("start key does not belong to this query")
    if not TrendEntity.is_trend_key(start_key["pk"]):
        raise InvalidStartKeyError("start key does not belong to this query")
    return dict(start_key)


def _list_projection(*extra: str) -> dict[str, Any]:
    """Read a trend list's items without `doc`: keys, the list document, the sort attributes."""
    return projection((*TrendEntity.LIST_ATTRIBUTES, *extra))


def _split_groups(trend_items: Sequence[dict[str, Any]], removed: Mapping[str, Sequence[TrendMember]],
                  members: Mapping[str, Sequence[TrendMember]],
                  merged_into: Mapping[str, str] | None = None) -> list[list[dict[str, Any]]]:
    """The trend items in write order, grouped so that trends whose writes must not part are in
    one group (one transaction): a trend losing members to a split and the trend gaining them
    (written apart, a crash between the two deleted the members from the one and never stored
    them in the other), and a trend merged into another and the survivor (written apart, the
    retry found the survivor holding the absorbed trend's articles while that trend stayed open,
    listed twice and absorbed twice later; or the absorbed trend closed and its coverage never
    reached the survivor)."""
    order = {str(item["trend_id"]): index for index, item in enumerate(trend_items)}
    root = {tid: tid for tid in order}

    def find(tid: str) -> str:
        while root[tid] != tid:
            root[tid] = root[root[tid]]
            tid = root[tid]
        return tid

    joined_by = {m.article_id: tid for tid, ms in members.items() if tid in order for m in ms}
    for source, leaving in removed.items():
        for member in leaving:
            target = joined_by.get(member.article_id)
            if source in order and target is not None and target != source:
                first, second = sorted((find(source), find(target)), key=order.__getitem__)
                root[second] = first
    for source, target in (merged_into or {}).items():
        if source in order and target in order and find(source) != find(target):
            first, second = sorted((find(source), find(target)), key=order.__getitem__)
            root[second] = first
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in trend_items:
        groups.setdefault(find(str(item["trend_id"])), []).append(item)
    return list(groups.values())
