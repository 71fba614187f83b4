"""Readers lenient, writers strict (headlinez.adapters.entities.documents)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from headlinez.adapters.entities.documents import read_document, read_each
from headlinez.models import FeedConfig, FeedRecord, Topic, TrendState

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _trend_doc(**changes: object) -> str:
    trend = TrendState(trend_id="t1", first_seen=NOW, last_seen=NOW, status="rising",
                       topics=[Topic(name="Iran", kind="place", slug="iran")])
    document = json.loads(trend.model_dump_json())
    document.update(changes)
    return json.dumps(document)


def test_a_stored_document_reads_a_newer_version_s_values_as_the_nearest_known() -> None:
    read = read_document(TrendState, _trend_doc(status="resurging", sentiment=0.3,
                                                topics=[{"name": "Iran", "kind": "event", "slug": "iran"}]))
    assert read.status is None
    assert read.topics[0].kind == "term"
    assert read.model_dump()["sentiment"] == 0.3  # kept for the rewrite
    config = FeedConfig(id="a", url="https://a.example/rss", outlet="A", publisher_family="a")
    record = FeedRecord(config=config, added_at=NOW, updated_at=NOW)
    document = {**json.loads(record.model_dump_json()), "source": "api", "paused_reason": "spam"}
    assert read_document(FeedRecord, json.dumps(document)).source == "cli"


def test_the_code_s_own_writes_stay_strict() -> None:
    # The leniency is for stored data only: a typo of this version's own code is an error
    with pytest.raises(ValidationError):
        TrendState(trend_id="t1", first_seen=NOW, last_seen=NOW, status="rissing")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Topic(name="Iran", kind="plaec", slug="iran")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        FeedRecord(config=FeedConfig(id="a", url="https://a.example/rss", outlet="A", publisher_family="a"),
                   added_at=NOW, updated_at=NOW, source="api")  # type: ignore[arg-type]


def test_a_list_read_skips_what_it_cannot_read_and_names_it(caplog: pytest.LogCaptureFixture) -> None:
    items = [{"pk": "TREND#t1", "sk": "META", "doc": _trend_doc()},
             {"pk": "TREND#t2", "sk": "META", "doc": _trend_doc(article_count={"total": 3})}]
    with caplog.at_level(logging.WARNING, logger="headlinez.adapters.entities.documents"):
        read = read_each(items, lambda item: read_document(TrendState, item["doc"]))
    assert [trend.trend_id for trend in read] == ["t1"]
    (record,) = [r for r in caplog.records if r.getMessage() == "stored item unreadable: skipped"]
    assert record.__dict__["pk"] == "TREND#t2"
