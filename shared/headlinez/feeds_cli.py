"""`headlinez feeds add|pause|resume|remove|list|seed`: the stored feed list, without a redeploy.

Works against the table named by `--table` or `TABLE_NAME` with the caller's AWS credentials
(`--endpoint-url` for another DynamoDB endpoint, e.g. DynamoDB Local on 127.0.0.1). The dispatch
function reads the list every cycle: a change applies from the next 15-minute slot. A feed whose
URL the fetcher's SSRF policy would refuse (a private, loopback or metadata address, user info,
another scheme) is refused here, before it is stored.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError


def add_parser(sub: Any) -> None:
    feeds = sub.add_parser("feeds", help="add, pause, resume, remove or list the stored feeds")
    feeds.add_argument("--table", default=os.environ.get("TABLE_NAME"), help="table (default $TABLE_NAME)")
    feeds.add_argument("--endpoint-url", help="DynamoDB endpoint (default: AWS's; e.g. DynamoDB Local)")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    feeds.add_argument("--region", default=region, help="AWS region (default $AWS_REGION)")
    action = feeds.add_subparsers(dest="action", required=True)
    add = action.add_parser("add", help="add a feed (or replace its settings; its paused flag stays)")
    add.add_argument("feed_id", help="lowercase letters, digits and dashes, e.g. npr-news")
    add.add_argument("url", help="the feed's public http(s) URL")
    add.add_argument("--outlet", required=True)
    add.add_argument("--family", required=True, help="publisher family: feeds of one newsroom share it")
    add.add_argument("--language", default="en")
    add.add_argument("--region-code", dest="feed_region")
    from headlinez.models import CATEGORIES

    add.add_argument("--category", choices=CATEGORIES, help="category hint")
    add.add_argument("--aggregator", action="store_true",
                     help="the feed relays other newsrooms' items (Google News): each counts as its <source>")
    for name, text in (("pause", "stop polling a feed (its state stays)"), ("resume", "poll it again"),
                       ("remove", "delete a feed and its state")):
        action.add_parser(name, help=text).add_argument("feed_id")
    action.add_parser("list", help="every stored feed, paused ones marked")
    seed = action.add_parser("seed", help="add the feeds of a feed file (once per file content)")
    seed.add_argument("--file", type=Path, help="feed list (default infra/feeds.yaml)")
    feeds.set_defaults(func=cmd_feeds)


def _registry(args: argparse.Namespace) -> Any:
    import boto3

    from headlinez.adapters.feed_registry import DynamoFeedRegistry

    resource = boto3.resource("dynamodb", endpoint_url=args.endpoint_url, region_name=args.region)
    return DynamoFeedRegistry(resource.Table(args.table))


def cmd_feeds(args: argparse.Namespace) -> int:
    from headlinez.feeds import FeedListError
    from headlinez.ports import FeedNotFoundError

    if not args.table:
        print("error: no table: pass --table or set TABLE_NAME", file=sys.stderr)
        return 2
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return _run(args, _registry(args), datetime.now(UTC))
    except FeedNotFoundError as exc:
        print(f"error: no stored feed {exc.args[0]!r}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(part) for part in e['loc']) or 'feed'}: {e['msg']}"
                             for e in exc.errors())
        print(f"error: invalid feed: {problems}", file=sys.stderr)
        return 2
    except FeedListError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as exc:
        print(f"error: DynamoDB table {args.table!r}: {exc}", file=sys.stderr)
        return 1



def _run(args: argparse.Namespace, registry: Any, now: datetime) -> int:
    from headlinez.feeds import check_feed_urls, default_feed_list_path, load_feed_list
    from headlinez.models import FeedConfig

    if args.action == "add":
        config = FeedConfig(id=args.feed_id, url=args.url, outlet=args.outlet, publisher_family=args.family,
                            language=args.language, region=args.feed_region, category_hint=args.category,
                            aggregator=args.aggregator)
        check_feed_urls([config])
        record = registry.put_feed(config, now=now)
        print(f"stored {record.config.id} ({record.config.url}){' - paused' if record.paused else ''}")
    elif args.action in {"pause", "resume"}:
        record = registry.set_paused(args.feed_id, args.action == "pause", now=now)
        print(f"{record.config.id}: {'paused' if record.paused else 'active'}")
    elif args.action == "remove":
        registry.remove_feed(args.feed_id)
        print(f"removed {args.feed_id}")
    elif args.action == "seed":
        feeds = load_feed_list(args.file or default_feed_list_path()).feeds
        check_feed_urls(feeds)
        print(f"seeded {registry.seed(feeds, now=now)} of {len(feeds)} feeds")
    else:
        records = sorted(registry.list_feeds(), key=lambda r: r.config.id)
        for record in records:
            state = "paused" if record.paused else "active"
            print(f"{record.config.id:<40} {state:<7} {record.source:<5} {record.config.url}")
        print(f"{len(records)} feeds, {sum(r.paused for r in records)} paused")
    return 0
