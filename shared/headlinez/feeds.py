"""The feed list: loading `infra/feeds.yaml`, and building feed lists for local replays.

`load_feed_list` is what the ingest function calls on a cold start. The other helpers serve the
local stack and tests: a folder of captured feed documents served by a loopback HTTP server becomes
a `FeedList` (`feed_list_from_directory`), optionally with real outlet names and publisher families
read at run time from a data set's `SOURCE.md` (`known_outlets_from_source_md`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from pydantic import ValidationError

from headlinez.domain.newsrooms import publisher_family_for, slugify
from headlinez.domain.ssrf import BlockedUrlError, UrlPolicy
from headlinez.models import FeedConfig, FeedList

FEEDS_FILE_ENV = "HEADLINEZ_FEEDS_FILE"
_REPO_RELATIVE_FEEDS = Path("infra") / "feeds.yaml"


class FeedListError(ValueError):
    """A feed list file is missing, is not YAML, or does not match the `FeedList` schema."""


# --- infra/feeds.yaml ----------------------------------------------------------------------------


def load_feed_list(path: Path) -> FeedList:
    """Read and validate a feed list file; every problem is reported with the file and entry."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FeedListError(f"{path}: cannot read feed list ({exc.strerror or exc})") from exc
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FeedListError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise FeedListError(f"{path}: expected a mapping with a top-level 'feeds:' list")
    return _validate(document, source=str(path))


def check_feed_urls(feeds: Iterable[FeedConfig]) -> None:
    """FeedListError for a feed whose URL the fetcher's SSRF policy refuses (a private, loopback or
    metadata address, user info, another scheme; before DNS): stored or polled, it could only fail."""
    policy = UrlPolicy()
    for feed in feeds:
        try:
            policy.check_url(str(feed.url))
        except BlockedUrlError as exc:
            raise FeedListError(f"feed {feed.id!r}: {feed.url} is refused: {exc}") from exc


def default_feed_list_path() -> Path:
    """`$HEADLINEZ_FEEDS_FILE` if set, else the repository's `infra/feeds.yaml`.

    The repository is found by walking up from this module (an editable install or a checkout)
    and then from the working directory.
    """
    override = os.environ.get(FEEDS_FILE_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for directory in (start, *start.parents):
            candidate = directory / _REPO_RELATIVE_FEEDS
            if candidate.is_file():
                return candidate
    raise FeedListError(
        f"cannot find {_REPO_RELATIVE_FEEDS.as_posix()} above {Path(__file__).parent} or the working "
        f"directory; set {FEEDS_FILE_ENV} to the feed list file"
    )


def _validate(document: Mapping[str, Any], *, source: str) -> FeedList:
    try:
        return FeedList.model_validate(document)
    except ValidationError as exc:
        lines = [_describe_error(error, document) for error in exc.errors()]
        raise FeedListError(f"{source}: invalid feed list:\n" + "\n".join(lines)) from exc


def _describe_error(error: Mapping[str, Any], document: Mapping[str, Any]) -> str:
    """One readable line: `feeds[3] (id 'bbc-world'): url: Input should be a valid URL`."""
    loc = tuple(error.get("loc", ()))
    message = str(error.get("msg", "invalid"))
    if len(loc) >= 2 and loc[0] == "feeds" and isinstance(loc[1], int):
        index = loc[1]
        entry = f"feeds[{index}]"
        feeds = document.get("feeds")
        if isinstance(feeds, list) and index < len(feeds) and isinstance(feeds[index], dict):
            feed_id = feeds[index].get("id")
            if feed_id is not None:
                entry += f" (id {feed_id!r})"
        field = ".".join(str(part) for part in loc[2:]) or "entry"
        return f"  - {entry}: {field}: {message}"
    where = ".".join(str(part) for part in loc) or "document"
    return f"  - {where}: {message}"


# --- local replays: a folder of captured feeds served over loopback HTTP ------------------------


def feed_list_from_directory(
    directory: Path,
    base_url: str,
    *,
    outlets: Mapping[str, tuple[str, str]] | None = None,
    only_known: bool = False,
) -> FeedList:
    """A `FeedList` with one feed per regular file of `directory`, served at `base_url/<file name>`.

    Feed id is the slug of the file name. `outlets` maps a file name to (outlet name, publisher
    family), e.g. from `known_outlets_from_source_md`; files missing from it use the file name as
    outlet and the feed id as family, or are left out when `only_known` is true. Hidden files
    (names starting with '.') are skipped.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise FeedListError(f"{directory}: not a directory")
    if only_known and outlets is None:
        raise FeedListError("only_known=True needs an outlets mapping")
    mapping = outlets or {}
    root = base_url.rstrip("/")
    entries: list[dict[str, Any]] = []
    files = sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    for path in files:
        known = mapping.get(path.name)
        if known is None and only_known:
            continue
        feed_id = slugify(path.name)
        if not feed_id:
            raise FeedListError(f"{path}: file name gives an empty feed id")
        outlet, family = known if known is not None else (path.name, feed_id)
        entries.append(
            {
                "id": feed_id,
                "url": f"{root}/{quote(path.name)}",
                "outlet": outlet,
                "publisher_family": family,
                "language": _declared_language(path),
            }
        )
    if not entries and only_known and files:
        raise FeedListError(f"{directory}: none of its {len(files)} files is among the {len(mapping)} "
                            "outlets its SOURCE.md names (pass --all-files to ingest every file)")
    if not entries:
        raise FeedListError(f"{directory}: no feed files found")
    return _validate({"feeds": entries}, source=str(directory))


# The language a feed file declares: RSS's <language>, or xml:lang on an Atom <feed>
_DECLARED_LANGUAGE = re.compile(rb"<language>\s*([A-Za-z]{2})(?:[-_]([A-Za-z]{2}))?\b"
                                rb"|<feed\b[^>]*\bxml:lang=[\"']([A-Za-z]{2})(?:[-_]([A-Za-z]{2}))?\b")
_LANGUAGE_SCAN_BYTES = 65_536


def _declared_language(path: Path) -> str:
    """The language the file's channel declares ("hi", "zh-CN"), read from its first 64 KB; "en"
    when it declares none (a served folder's feeds are otherwise all taken as English)."""
    try:
        with path.open("rb") as file:
            head = file.read(_LANGUAGE_SCAN_BYTES)
    except OSError:
        return "en"
    found = _DECLARED_LANGUAGE.search(head)
    if found is None:
        return "en"
    primary, region = (found.group(1), found.group(2)) if found.group(1) else (found.group(3), found.group(4))
    return primary.decode().lower() + ("-" + region.decode().upper() if region else "")


# One "Outlet Name `0123456789abcdef`" item of the fastfeedparser SOURCE.md news-outlet list.
_SOURCE_ITEM = re.compile(r"(?P<name>[^,;`\n*|]+?)\s*`(?P<file>[0-9a-f]{16})`")
# Parenthesised notes on the capture's format, not part of the outlet's name.
_FORMAT_NOTE = re.compile(r"\s*\((?:rdf|rss(?:\s*[0-9.]+)?|atom|json(?:\s*feed)?)\)", re.IGNORECASE)
def known_outlets_from_source_md(path: Path) -> dict[str, tuple[str, str]]:
    """Parse the '26 news outlets' list of a fastfeedparser capture's `SOURCE.md`.

    Items look like "NDTV `08f1ee71883dbcde`" (outlet name, then the capture's file name in
    backticks). Returns file name -> (outlet name, publisher family slug). Read at run time: the
    data set is not ours to copy into the repository.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FeedListError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    outlets: dict[str, tuple[str, str]] = {}
    for match in _SOURCE_ITEM.finditer(text):
        name = _FORMAT_NOTE.sub("", match["name"]).strip(" .:-")
        if not name:
            continue
        outlets[match["file"]] = (name, publisher_family_for(name))
    if not outlets:
        raise FeedListError(f"{path}: no 'Outlet `file-id`' items found")
    return outlets
