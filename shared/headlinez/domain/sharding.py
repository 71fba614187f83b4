"""Shards of the ingest fan-out: whole hosts per shard, so per-host politeness holds across workers.

The dispatcher hands each shard to one SQS message and each message to one worker at a time (the
queue's visibility timeout is longer than the worker's timeout), and a worker fetches at most
`max_per_host` URLs of one host at once. Because every feed of a host is in the same shard of a
cycle, no two workers poll one host in the same cycle: at most `max_per_host` concurrent requests
per host in all. (A retried shard of the previous cycle could meet the next cycle's shard of the
same host: at worst twice the limit, for a moment.)

Packing is first-fit decreasing by host size into shards of at most `max_feeds` feeds; a host with
more feeds than that gets one shard of its own, whole (politeness before balance).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from headlinez.models import FeedConfig


def host_of(feed: FeedConfig) -> str:
    """The politeness key: the URL's host name, lowercased, without a leading `www.`."""
    host = (urlsplit(str(feed.url)).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def shard_by_host(feeds: Sequence[FeedConfig], max_feeds: int) -> list[list[FeedConfig]]:
    """Feeds grouped into shards of whole hosts (see the module docstring); the feeds of one host
    keep their given order (the longest waiting first), shards are deterministic for one input."""
    if max_feeds < 1:
        raise ValueError("max_feeds must be at least 1")
    by_host: dict[str, list[FeedConfig]] = {}
    for feed in feeds:
        by_host.setdefault(host_of(feed), []).append(feed)
    groups = sorted(by_host.items(), key=lambda item: (-len(item[1]), item[0]))
    shards: list[list[FeedConfig]] = []
    room: list[int] = []
    for _host, group in groups:
        if len(group) >= max_feeds:
            shards.append(list(group))
            room.append(0)
            continue
        for index, free in enumerate(room):
            if free >= len(group):
                shards[index].extend(group)
                room[index] -= len(group)
                break
        else:
            shards.append(list(group))
            room.append(max_feeds - len(group))
    return shards
