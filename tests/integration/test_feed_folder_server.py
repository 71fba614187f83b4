"""The local feed folder server on 127.0.0.1: it reads a file once, serves a changed file anew,
and serves nothing outside its folder (a path, or a link out of it)."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from headlinez.local.servers import FeedFolderServer


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_a_feed_file_is_read_once_and_again_when_it_changes(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    feed = folder / "news.xml"
    feed.write_bytes(b"<rss>one</rss>")
    server = FeedFolderServer(folder).start()
    try:
        assert _get(server.base_url + "news.xml") == (200, b"<rss>one</rss>")
        assert _get(server.base_url + "news.xml") == (200, b"<rss>one</rss>")
        feed.write_bytes(b"<rss>two, longer</rss>")
        os.utime(feed, ns=(feed.stat().st_atime_ns, feed.stat().st_mtime_ns + 5_000_000_000))
        assert _get(server.base_url + "news.xml") == (200, b"<rss>two, longer</rss>")
        feed.unlink()
        assert _get(server.base_url + "news.xml")[0] == 404
    finally:
        server.stop()


def test_nothing_outside_the_folder_is_served(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not a feed")
    (folder / "link.xml").symlink_to(secret)
    server = FeedFolderServer(folder).start()
    try:
        for path in ("link.xml", "../secret.txt", "%2e%2e/secret.txt", ""):
            assert _get(server.base_url + path)[0] == 404, path
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # urllib would send 127.0.0.1 through a proxy named in the environment
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
