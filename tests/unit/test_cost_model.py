"""The cost model's arithmetic (issue 12 §2): hand-computed cases on small unit and price tables."""

from __future__ import annotations

from typing import Any

import pytest

from headlinez.evaluation import cost
from headlinez.evaluation.cost import Workload, briefs_per_day, monthly_cost, xray_traces_per_month

# Every unit 0 but the ones a test sets: each component can be computed by hand.
ZERO_UNITS = {name: 0.0 for name in cost._values(cost.load_table(cost.UNITS_FILE))}


def _units(**values: float) -> dict[str, Any]:
    merged = {**ZERO_UNITS, "brief_max_starts_per_day": 1e9, "daily_token_budget": 1e12,
              "brief_tokens": 1.0, **values}
    return {"units": {name: {"value": value, "kind": "test", "source": "test"}
                      for name, value in merged.items()}}


def _prices(**values: float) -> dict[str, Any]:
    names = cost._prices(cost.load_table(cost.PRICES_FILE))
    return {"prices": {name: {"usd": values.get(name, 0.0)} for name in names}}


def _line(lines: list[cost.Line], component: str) -> float:
    return next(line.usd for line in lines if line.component == component)


def test_ingest_gb_seconds_per_poll() -> None:
    # Given 10 feeds polled 96 times a day, 25% with new content
    units = _units(polls_per_feed_per_day=96, changed_poll_share=0.25, ingest_seconds_per_changed_poll=0.02,
                   ingest_seconds_per_unchanged_poll=0.004, ingest_network_seconds_per_poll=0.01,
                   ingest_memory_gb=1.0)
    prices = _prices(lambda_gb_second_arm64=0.00001)

    lines = monthly_cost(Workload(feeds=10, api_rpm=0), units, prices)

    polls = 10 * 96 * 30  # 28,800
    seconds = polls * 0.25 * 0.02 + polls * 0.75 * 0.004 + polls * 0.01  # 144 + 86.4 + 288
    assert _line(lines, "Lambda ingest") == pytest.approx(seconds * 0.00001)


def test_dynamodb_writes_per_article_and_feed_state() -> None:
    units = _units(articles_per_feed_per_day=10, polls_per_feed_per_day=96,
                   feed_state_items_written_per_poll=1, wru_per_feed_state_write=2, wru_per_new_article=6,
                   wru_per_clustered_article=7)
    prices = _prices(dynamodb_write_request_unit=1e-6)

    lines = monthly_cost(Workload(feeds=100, api_rpm=0), units, prices)

    articles = 100 * 10 * 30
    polls = 100 * 96 * 30
    assert _line(lines, "DynamoDB writes") == pytest.approx((polls * 2 + articles * (6 + 7)) * 1e-6)


def test_dynamodb_writes_of_the_open_trends_every_clustering_run() -> None:
    # 100 feeds x 24 articles a day = 100 articles an hour -> 200 open trends, rewritten every run
    units = _units(articles_per_feed_per_day=24, open_trends_per_article_per_hour=2, cluster_runs_per_day=96,
                   wru_per_open_trend_per_run=10)
    prices = _prices(dynamodb_write_request_unit=1e-6)

    lines = monthly_cost(Workload(feeds=100, api_rpm=0), units, prices)

    assert _line(lines, "DynamoDB writes") == pytest.approx(96 * 30 * 200 * 10 * 1e-6)


def test_api_components_scale_with_requests_per_minute() -> None:
    units = _units(api_gb_seconds_per_request=0.0125, rru_per_api_request=3, log_bytes_per_api_request=1000)
    prices = _prices(http_api_request=1e-6, lambda_gb_second_arm64=0.0000133334, lambda_request=2e-7,
                     dynamodb_read_request_unit=1.25e-7, cloudwatch_logs_ingestion_gb=0.5)

    lines = monthly_cost(Workload(feeds=0, api_rpm=60), units, prices)

    requests = 60 * 60 * 24 * 30  # 2,592,000
    assert _line(lines, "HTTP API") == pytest.approx(2.592)
    assert _line(lines, "Lambda API") == pytest.approx(requests * 0.0125 * 0.0000133334)
    assert _line(lines, "Lambda requests") == pytest.approx(requests * 2e-7)
    assert _line(lines, "DynamoDB reads") == pytest.approx(requests * 3 * 1.25e-7)
    assert _line(lines, "CloudWatch Logs") == pytest.approx(requests * 1000 / 1e9 * 0.5)


STORAGE_UNITS = {
    "articles_per_feed_per_day": 24, "article_ttl_days": 14, "trend_ttl_days": 30, "trend_quiet_days": 1.5,
    "stored_bytes_per_article": 3000, "stored_member_bytes_per_article": 500,
    "open_trends_per_article_per_hour": 5, "trend_span_days": 0.5, "stored_bytes_per_open_trend": 20_000,
    "stored_bytes_per_closed_trend": 6000, "predictions_per_open_trend_per_hour": 0.25,
    "prediction_days_stored": 91, "stored_bytes_per_prediction": 1000, "brief_starts_per_article": 0.01,
    "brief_ttl_days": 60, "stored_bytes_per_brief": 3000, "stored_bytes_per_feed": 2500,
    "stored_bytes_fixed": 100_000,
}
STORAGE = "DynamoDB storage + PITR"


def _storage_usd(feeds: int, **values: float) -> float:
    units = _units(**{**STORAGE_UNITS, **values})
    prices = _prices(dynamodb_storage_gb_month=1.0)
    return _line(monthly_cost(Workload(feeds=feeds, api_rpm=0), units, prices), STORAGE)


def test_storage_is_every_item_kind_times_how_long_it_stays() -> None:
    # 100 feeds x 24 = 2,400 articles a day, 100 an hour -> 500 open trends, each open 2 days
    # (0.5 + 1.5 quiet): 250 created a day, each closed 28.5 days; 500 x 24 x 0.25 = 3,000
    # predictions a day; 24 briefs a day
    articles = 2400 * 14 * 3000 + 2400 * (14 + 30) * 500
    trends = 500 * 20_000 + 250 * 28.5 * 6000
    predictions = 3000 * 91 * 1000
    briefs = 24 * 60 * 3000
    feeds = 100 * 2500 + 100_000

    assert _storage_usd(100) == pytest.approx((articles + trends + predictions + briefs + feeds) / 1e9)


def test_pitr_is_billed_on_the_same_size() -> None:
    units = _units(**STORAGE_UNITS)
    alone = monthly_cost(Workload(feeds=100, api_rpm=0), units, _prices(dynamodb_storage_gb_month=0.25))
    both = monthly_cost(Workload(feeds=100, api_rpm=0), units,
                        _prices(dynamodb_storage_gb_month=0.25, dynamodb_pitr_gb_month=0.2))
    assert _line(both, STORAGE) == pytest.approx(_line(alone, STORAGE) * 1.8)


@pytest.mark.parametrize("driver", [
    "stored_member_bytes_per_article", "open_trends_per_article_per_hour", "stored_bytes_per_open_trend",
    "stored_bytes_per_closed_trend", "trend_ttl_days", "predictions_per_open_trend_per_hour",
    "prediction_days_stored", "stored_bytes_per_prediction", "brief_starts_per_article", "brief_ttl_days",
    "stored_bytes_per_brief", "stored_bytes_per_feed", "stored_bytes_fixed"])
def test_storage_grows_with_each_kind_beyond_articles_and_aliases(driver: str) -> None:
    # Before: articles x ArticleTtlDays x (article + aliases) only; none of these moved it.
    assert _storage_usd(100, **{driver: 2 * STORAGE_UNITS[driver]}) > _storage_usd(100)


def test_longer_trends_are_fewer_trends_for_the_same_open_count() -> None:
    # The same 500 open trends open twice as long: half as many created a day, half the closed ones.
    assert _storage_usd(100, trend_span_days=2.5) < _storage_usd(100)


def test_storage_of_feeds_without_articles() -> None:
    # Feed states and configs have no TTL: 2,000 feeds store their items even when nothing arrives.
    assert _storage_usd(2000, articles_per_feed_per_day=0) == pytest.approx((2000 * 2500 + 100_000) / 1e9)


def test_the_storage_line_says_what_it_counts() -> None:
    lines = monthly_cost(Workload(feeds=100, api_rpm=0), _units(**STORAGE_UNITS), _prices())
    quantity = next(line.quantity for line in lines if line.component == STORAGE)
    kinds = ("articles", "members", "trends", "predictions", "briefs", "feeds")
    assert all(kind in quantity for kind in kinds)


def test_briefs_are_capped_by_starts_per_run_and_by_the_token_budget() -> None:
    units = cost._values(_units(articles_per_feed_per_day=10, brief_starts_per_article=0.02,
                                brief_max_starts_per_day=960, daily_token_budget=2_000_000,
                                brief_tokens=9100))
    # 100 feeds: 1,000 articles a day -> 20 briefs
    assert briefs_per_day(Workload(100, 0), units) == pytest.approx(20)
    # 10,000 feeds: 2,000 wanted, 960 allowed by the starts cap, 219.8 paid by the token budget
    assert briefs_per_day(Workload(10_000, 0, claude=False), units) == pytest.approx(960)
    assert briefs_per_day(Workload(10_000, 0, claude=True), units) == pytest.approx(2_000_000 / 9100)


def test_step_functions_and_claude_per_brief() -> None:
    units = _units(articles_per_feed_per_day=50, brief_starts_per_article=0.02, transitions_per_brief=9)
    prices = _prices(stepfunctions_standard_transition=0.000025, claude_brief=0.01236)

    claude = monthly_cost(Workload(feeds=100, api_rpm=0), units, prices)
    offline = monthly_cost(Workload(feeds=100, api_rpm=0, claude=False), units, prices)

    briefs = 100 * 50 * 0.02 * 30  # 3,000 a month
    assert _line(claude, "Step Functions") == pytest.approx(briefs * 9 * 0.000025)
    assert _line(claude, "Claude tokens") == pytest.approx(briefs * 0.01236)
    assert _line(offline, "Claude tokens") == 0


def test_xray_samples_a_reservoir_then_a_share() -> None:
    units = cost._values(_units(xray_reservoir_per_second=1, xray_sampled_share=0.05))
    month = 30 * 86_400
    assert xray_traces_per_month(0.5, units) == pytest.approx(0.5 * month)
    assert xray_traces_per_month(10, units) == pytest.approx((1 + 9 * 0.05) * month)


def test_every_price_is_dated_and_sourced_and_every_unit_says_where_it_comes_from() -> None:
    prices = cost.load_table(cost.PRICES_FILE)
    assert prices["region"] == "us-east-1"
    assert prices["as_of"]
    assert "check" in prices["note"]
    assert all(entry["source"] and entry["usd"] >= 0 for entry in prices["prices"].values())
    units = cost.load_table(cost.UNITS_FILE)
    assert all(entry["kind"] in {"measured", "counted", "estimate"} and entry["source"]
               for entry in units["units"].values())
    measured = [entry["source"] for entry in units["units"].values() if entry["kind"] == "measured"]
    assert all("docs/benchmarks.md" in source or "benchmark" in source for source in measured)


def test_the_command_prints_one_estimate_per_workload(capsys: pytest.CaptureFixture[str]) -> None:
    from headlinez.cli import main

    assert main(["cost", "--feeds", "100,1000", "--api-rpm", "60,600"]) == 0

    out = capsys.readouterr().out
    assert out.count("a month") == 4
    assert "as of" in out
    assert out.count("dominant:") == 4
