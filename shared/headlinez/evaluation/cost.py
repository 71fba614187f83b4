"""`headlinez cost`: a monthly cost estimate from per-unit counts and a dated price table.

    headlinez cost --feeds 100,1000,10000 --api-rpm 60,600 [--offline-briefs]

Per-unit counts (GB-seconds per feed poll, write units per article, transitions per brief, ...)
come from `benchmarks/cost/units.json`, each marked `measured` (a figure of docs/benchmarks.md,
cited; most are printed by `benchmarks/cost_units.py`), `counted` (read off the template or code)
or `estimate`. Prices come from
`benchmarks/cost/prices-us-east-1.json`, dated, each with its source page: they were written from
memory of the public pages and must be checked before a figure is relied on. Free tiers are ignored.
A month is 30 days.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
PRICES_FILE = REPO_ROOT / "benchmarks" / "cost" / "prices-us-east-1.json"
UNITS_FILE = REPO_ROOT / "benchmarks" / "cost" / "units.json"
DAYS_PER_MONTH = 30
SECONDS_PER_MONTH = DAYS_PER_MONTH * 86_400
GB = 1e9


@dataclass(frozen=True)
class Workload:
    feeds: int
    api_rpm: float
    claude: bool = True  # briefs by Claude (the deployed default with a key), else the offline engine


@dataclass(frozen=True)
class Line:
    component: str
    usd: float
    quantity: str  # what was counted, for the reader


def load_table(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _values(units: dict[str, Any]) -> dict[str, float]:
    return {name: float(entry["value"]) for name, entry in units["units"].items()}


def _prices(prices: dict[str, Any]) -> dict[str, float]:
    return {name: float(entry["usd"]) for name, entry in prices["prices"].items()}


def briefs_per_day(workload: Workload, u: dict[str, float]) -> float:
    """Brief executions a day: material changes, at most BRIEF_MAX_STARTS_PER_RUN per run, and with
    Claude at most what the daily token budget pays for."""
    articles = workload.feeds * u["articles_per_feed_per_day"]
    wanted = min(articles * u["brief_starts_per_article"], u["brief_max_starts_per_day"])
    if workload.claude:
        wanted = min(wanted, u["daily_token_budget"] / u["brief_tokens"])
    return wanted


def xray_traces_per_month(invocations_per_second: float, u: dict[str, float]) -> float:
    """Traces recorded under the default rule: a reservoir per second, then a share of the rest."""
    reservoir = u["xray_reservoir_per_second"]
    sampled = min(invocations_per_second, reservoir) + max(0.0, invocations_per_second - reservoir) * u[
        "xray_sampled_share"]
    return sampled * SECONDS_PER_MONTH


def stored_gb(workload: Workload, u: dict[str, float]) -> dict[str, float]:
    """The table's steady-state size (GB, GSI copies and 100 B per item included), per item kind:
    what arrives a day x how long it stays, each TTL as the code sets it.

    * articles and their dedupe aliases: article_ttl_days after ingest (ARTICLE_TTL_DAYS);
    * trend members: article_ttl_days + trend_ttl_days after their publish time
      (adapters.dynamodb, member_ttl);
    * trend META items: as many open (with list_doc and index copies) as the cluster line counts
      (open_trends_per_article_per_hour); a trend is open from its first article to
      trend_quiet_days after its last (trend_span_days + the quiet period), so open trends / those
      days are created a day, each then closed (doc only) until trend_ttl_days after its last
      article (TrendEntity.to_item);
    * predictions: one an hour per open trend with a forecast to score (the measured share), kept
      prediction_days_stored (due after a day, then 90 days: PredictionEntity.TTL);
    * briefs (and failed attempts): brief_ttl_days after publication (BRIEF_TTL_DAYS);
    * feed state and config: one each per feed, no TTL;
    * fixed: the items that do not grow with the workload (clustering's documents, the lease).
    """
    articles_per_day = workload.feeds * u["articles_per_feed_per_day"]
    open_trends = articles_per_day / 24 * u["open_trends_per_article_per_hour"]
    open_days = u["trend_span_days"] + u["trend_quiet_days"]
    trends_per_day = open_trends / open_days if open_days else 0.0
    closed_days = max(0.0, u["trend_ttl_days"] - u["trend_quiet_days"])
    predictions_per_day = open_trends * 24 * u["predictions_per_open_trend_per_hour"]
    stored = {
        "articles": articles_per_day * u["article_ttl_days"] * u["stored_bytes_per_article"],
        "members": articles_per_day * (u["article_ttl_days"] + u["trend_ttl_days"])
        * u["stored_member_bytes_per_article"],
        "trends": open_trends * u["stored_bytes_per_open_trend"]
        + trends_per_day * closed_days * u["stored_bytes_per_closed_trend"],
        "predictions": predictions_per_day * u["prediction_days_stored"] * u["stored_bytes_per_prediction"],
        "briefs": briefs_per_day(workload, u) * u["brief_ttl_days"] * u["stored_bytes_per_brief"],
        "feeds": workload.feeds * u["stored_bytes_per_feed"],
        "fixed": u["stored_bytes_fixed"],
    }
    return {kind: size / GB for kind, size in stored.items()}


def monthly_cost(workload: Workload, units: dict[str, Any], prices: dict[str, Any]) -> list[Line]:
    """The monthly estimate per component (USD), for one workload."""
    u, p = _values(units), _prices(prices)
    month = DAYS_PER_MONTH
    polls = workload.feeds * u["polls_per_feed_per_day"] * month
    changed = polls * u["changed_poll_share"]
    articles = workload.feeds * u["articles_per_feed_per_day"] * month
    articles_per_hour = workload.feeds * u["articles_per_feed_per_day"] / 24
    runs = u["cluster_runs_per_day"] * month
    open_trends = articles_per_hour * u["open_trends_per_article_per_hour"]
    briefs = briefs_per_day(workload, u) * month
    requests = workload.api_rpm * 60 * 24 * month

    ingest_seconds = (changed * u["ingest_seconds_per_changed_poll"]
                      + (polls - changed) * u["ingest_seconds_per_unchanged_poll"]
                      + polls * u["ingest_network_seconds_per_poll"])
    ingest_gbs = ingest_seconds * u["ingest_memory_gb"]
    cluster_gbs = u["cluster_memory_gb"] * (runs * u["cluster_seconds_per_run_fixed"]
                                            + runs * open_trends * u["cluster_seconds_per_open_trend"]
                                            + articles * u["cluster_seconds_per_article"])
    brief_gbs = briefs * (u["brief_gb_seconds_claude"] if workload.claude else u["brief_gb_seconds_offline"])
    api_gbs = requests * u["api_gb_seconds_per_request"]
    invocations = 2 * runs + briefs * u["brief_lambda_invocations"] + requests

    wru = (polls * u["feed_state_items_written_per_poll"] * u["wru_per_feed_state_write"]
           + articles * u["wru_per_new_article"] + articles * u["wru_per_clustered_article"]
           + runs * open_trends * u["wru_per_open_trend_per_run"] + briefs * u["wru_per_brief"])
    rru = (polls * u["rru_per_feed_state_read"] + articles * u["rru_per_new_article"]
           + runs * open_trends * u["rru_per_open_trend_per_run"] + briefs * u["rru_per_brief"]
           + requests * u["rru_per_api_request"])
    storage = stored_gb(workload, u)
    table_gb = sum(storage.values())
    log_gb = (polls * u["log_bytes_per_poll"] + runs * u["log_bytes_per_cluster_run"]
              + briefs * u["log_bytes_per_brief"] + requests * u["log_bytes_per_api_request"]) / GB
    api_rate = requests / SECONDS_PER_MONTH
    other_rate = (2 * runs + briefs * u["brief_lambda_invocations"]) / SECONDS_PER_MONTH
    traces = xray_traces_per_month(api_rate, u) + xray_traces_per_month(other_rate, u)

    lambda_gbs = p["lambda_gb_second_arm64"]
    return [
        Line("Lambda ingest", ingest_gbs * lambda_gbs, f"{ingest_gbs:,.0f} GB-s ({polls:,.0f} polls)"),
        Line("Lambda cluster", cluster_gbs * lambda_gbs,
             f"{cluster_gbs:,.0f} GB-s ({runs:,.0f} runs, ~{open_trends:,.0f} open trends)"),
        Line("Lambda briefs", brief_gbs * lambda_gbs, f"{brief_gbs:,.0f} GB-s ({briefs:,.0f} briefs)"),
        Line("Lambda API", api_gbs * lambda_gbs, f"{api_gbs:,.0f} GB-s ({requests:,.0f} requests)"),
        Line("Lambda requests", invocations * p["lambda_request"], f"{invocations:,.0f} invocations"),
        Line("DynamoDB writes", wru * p["dynamodb_write_request_unit"],
             f"{wru / 1e6:,.1f} M WRU ({articles:,.0f} articles)"),
        Line("DynamoDB reads", rru * p["dynamodb_read_request_unit"], f"{rru / 1e6:,.1f} M RRU"),
        Line("DynamoDB storage + PITR",
             table_gb * (p["dynamodb_storage_gb_month"] + p["dynamodb_pitr_gb_month"]),
             f"{table_gb:,.2f} GB steady state: "
             + ", ".join(f"{kind} {size:,.2f}" for kind, size in storage.items())),
        Line("Step Functions", briefs * u["transitions_per_brief"] * p["stepfunctions_standard_transition"],
             f"{briefs * u['transitions_per_brief']:,.0f} transitions"),
        Line("Claude tokens", briefs * p["claude_brief"] if workload.claude else 0.0,
             f"{briefs * u['brief_tokens'] / 1e6:,.1f} M tokens" if workload.claude else "offline engine"),
        Line("HTTP API", requests * p["http_api_request"], f"{requests:,.0f} requests"),
        Line("CloudWatch Logs", log_gb * p["cloudwatch_logs_ingestion_gb"], f"{log_gb:,.1f} GB ingested"),
        Line("CloudWatch metrics, alarms, dashboard",
             u["custom_metrics"] * p["cloudwatch_custom_metric_month"]
             + u["alarms"] * p["cloudwatch_alarm_month"] + p["cloudwatch_dashboard_month"],
             f"{u['custom_metrics']:.0f} metrics, {u['alarms']:.0f} alarms"),
        Line("X-Ray traces", traces * p["xray_trace_recorded"], f"{traces / 1e6:,.1f} M traces"),
        Line("EventBridge", runs * p["eventbridge_custom_event"], f"{runs:,.0f} IngestCompleted events"),
    ]


def dominant(lines: list[Line]) -> Line:
    return max(lines, key=lambda line: line.usd)


def render(workload: Workload, lines: list[Line]) -> str:
    total = sum(line.usd for line in lines)
    width = max(len(line.component) for line in lines)
    head = (f"{workload.feeds:,} feeds, API {workload.api_rpm:g} requests/min, briefs "
            f"{'by Claude' if workload.claude else 'offline'}: ${total:,.2f} a month")
    rows = [f"  {line.component:<{width}}  ${line.usd:>10,.2f}  "
            f"{100 * line.usd / total if total else 0:5.1f}%  {line.quantity}"
            for line in sorted(lines, key=lambda line: -line.usd)]
    top = dominant(lines)
    return "\n".join([head, *rows, f"  dominant: {top.component}"])


def _numbers(text: str) -> list[float]:
    try:
        values = [float(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from exc
    if not values or any(v < 0 or math.isnan(v) for v in values):
        raise argparse.ArgumentTypeError(f"expected non-negative numbers: {text!r}")
    return values


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="headlinez cost", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=_numbers, default=[100.0, 1000.0, 10000.0],
                        help="feed counts, comma-separated (default 100,1000,10000)")
    parser.add_argument("--api-rpm", type=_numbers, default=[60.0],
                        help="API requests per minute, comma-separated (default 60)")
    parser.add_argument("--offline-briefs", action="store_true",
                        help="briefs by the offline extractive engine (no Claude tokens)")
    parser.add_argument("--units", type=Path, default=UNITS_FILE, help="per-unit counts (JSON)")
    parser.add_argument("--prices", type=Path, default=PRICES_FILE, help="price table (JSON)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    units = load_table(args.units)
    prices = load_table(args.prices)
    print(f"prices: {prices['region']} as of {prices['as_of']} ({args.prices.name}); "
          "written from the public pricing pages, check them before relying on a figure")
    kinds: dict[str, int] = {}
    for entry in units["units"].values():
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    print("units: " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
          + f" ({args.units.name}); free tiers ignored; 30-day month\n")
    for feeds in args.feeds:
        for rpm in args.api_rpm:
            workload = Workload(feeds=int(feeds), api_rpm=rpm, claude=not args.offline_briefs)
            print(render(workload, monthly_cost(workload, units, prices)))
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
