"""What makes a trend public, and a trend's coverage grouped by newsroom (pure).

A **trend** is a story covered by at least `PUBLIC_MIN_NEWSROOMS` (2) independent newsrooms:
publisher families (`TrendState.source_families`; two feeds of one newsroom, or the same wire
copy republished, count once). A cluster of one newsroom's articles stays stored as a
**candidate** (it becomes a trend when a second newsroom covers it) but is left out of the
public lists, pages and feeds unless asked for (`?include=candidates`), and is labelled there.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from headlinez.domain.text import LATIN_FOLD
from headlinez.models import FeedConfig, TrendMember, TrendState

PUBLIC_MIN_NEWSROOMS = 2
TREND_DEFINITION = (
    f"A trend is a story covered by at least {PUBLIC_MIN_NEWSROOMS} independent newsrooms."
)
# The time bounds of grouping (the defaults of `ClusterConfig.join_max_gap` and `merge_max_gap`),
# here so that the pages can state them without importing the clustering (and numpy).
JOIN_MAX_GAP_HOURS = 24
MERGE_MAX_GAP_HOURS = 12
STORY_WINDOWS = (
    "An article joins the story it reads most like (when close enough) among those covered in the "
    f"last {JOIN_MAX_GAP_HOURS} hours; after {JOIN_MAX_GAP_HOURS} hours without coverage, a new "
    "report starts a new trend rather than reviving the old one. Two trends of one story that "
    f"started apart are merged when their coverage comes within {MERGE_MAX_GAP_HOURS} hours of "
    "each other."
)


def is_public(trend: TrendState) -> bool:
    """True when enough independent newsrooms cover the trend for it to be listed publicly."""
    return trend.source_count >= PUBLIC_MIN_NEWSROOMS


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def detection_time(known: Iterable[str], arrivals: Iterable[tuple[datetime, str]], counted: Iterable[str],
                   *, now: datetime, step: timedelta, known_since: datetime | None = None) -> datetime:
    """When a trend first seen public by this run became public, as the scheduled runs would
    have seen it: the end of the `step` window holding the publish time of the article that
    brought its `PUBLIC_MIN_NEWSROOMS`-th newsroom, never after `now`.

    `known`: the newsrooms the trend had before this run; `arrivals`: this run's (published,
    publisher family) of its new articles; `counted`: the newsrooms the trend counts now (wire
    copies add none). A run that works through a backlog (the first run, a run after an outage)
    thus dates "first detected" from the stream, not from the moment the backlog was read.
    `known_since`: the trend's first article before this run. An arriving article can be older
    than that (a slow feed, within the join gap); the trend became public only once both were
    out, so not before it.
    """
    counted_set = set(counted)
    families = {family for family in known if family in counted_set}
    earliest = known_since if families and known_since is not None else None
    for published, family in sorted(arrivals):
        if family in counted_set:
            families.add(family)
        if len(families) >= PUBLIC_MIN_NEWSROOMS:
            public_at = max(published, earliest) if earliest is not None else published
            # the end of its publish window: the run that reads it (as cluster_in_windows cuts them)
            boundary = _EPOCH + step * ((public_at - _EPOCH) // step + 1)
            return min(boundary, now)
    return now


def candidate_label(newsrooms: int) -> str:
    """The label of a candidate: "candidate (1 newsroom)"."""
    return f"candidate ({newsrooms} newsroom{'' if newsrooms == 1 else 's'})"


@dataclass(frozen=True)
class NewsroomGroup:
    """One newsroom of a trend's coverage and its articles, newest first."""

    publisher_family: str
    name: str
    outlets: tuple[str, ...]
    members: tuple[TrendMember, ...]


def group_by_newsroom(members: Iterable[TrendMember]) -> list[NewsroomGroup]:
    """Members grouped by publisher family: each newsroom once, with its articles newest first.

    A newsroom's name is the outlet name most of its articles carry (ties: the shortest, then
    alphabetical), e.g. "BBC News" for the family of BBC's world and business feeds. Newsrooms are
    ordered by their newest article (newest first), then by name.
    """
    by_family: dict[str, list[TrendMember]] = {}
    for member in members:
        by_family.setdefault(member.publisher_family, []).append(member)
    groups = []
    for family, items in by_family.items():
        items.sort(key=lambda m: m.article_id)
        items.sort(key=lambda m: m.published, reverse=True)
        counts = Counter(m.outlet for m in items if m.outlet)
        name = min(counts, key=lambda o: (-counts[o], len(o), o)) if counts else family
        groups.append(NewsroomGroup(publisher_family=family, name=name,
                                    outlets=tuple(sorted(counts)), members=tuple(items)))
    groups.sort(key=lambda g: g.name.casefold())
    groups.sort(key=lambda g: g.members[0].published, reverse=True)
    return groups


# --- newsroom ids from outlet names (feed lists, and the publisher an aggregator names) ---------


def slugify(text: str, *, max_length: int = 64) -> str:
    """ASCII lowercase slug: 'El País English' -> 'el-pais-english'."""
    # Latin letters NFKD does not decompose ("Ł", "ø", "ß") folded as search folds them
    folded = unicodedata.normalize("NFKD", text.translate(LATIN_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


_QUALIFIER = re.compile(r"\(([^)]*)\)")
# Trailing words that name a section or edition of an outlet rather than the newsroom.
_SECTION_WORDS = frozenset(
    {
        "asia", "business", "english", "entertainment", "health", "international", "latest",
        "news", "politics", "science", "sport", "sports", "tech", "technology", "top", "world",
    }
)
_DANGLING = frozenset({"and", "for", "in", "of", "on", "the"})


def publisher_family_for(outlet: str) -> str:
    """The newsroom slug of an outlet name: the name without section/edition words.

    'TIME World' and 'TIME Tech' -> 'time'; 'ABC News (AU)' -> 'abc-au' and
    'ABC News (US) International' -> 'abc-us' (a parenthesised qualifier names a different
    newsroom and is kept); 'Rest of World' stays 'rest-of-world'. A name with letters no ASCII
    slug can write ('新华社', '新华社 English') is 'outlet-' and 12 hex digits of its digest.
    """
    qualifiers = [slugify(q) for q in _QUALIFIER.findall(outlet) if slugify(q)]
    words = _QUALIFIER.sub(" ", outlet).split()
    while (
        len(words) > 1
        and words[-1].lower() in _SECTION_WORDS
        and words[-2].lower() not in _DANGLING
    ):
        words.pop()
    if any(_unwritable(character) for character in outlet):
        # The slug would keep only the Latin part: "新华社 English" and "人民日报 English" were both
        # "english", one newsroom. The digest of the name without its section words tells them
        # apart and keeps "新华社 World" with "新华社 English".
        name = unicodedata.normalize("NFC", " ".join(words + _QUALIFIER.findall(outlet)).strip())
        return "outlet-" + hashlib.sha256(name.encode()).hexdigest()[:12]
    return slugify("-".join([*words, *qualifiers])) or slugify(outlet) or "outlet"


def _unwritable(character: str) -> bool:
    """A letter an ASCII slug loses (no Latin base letter under NFKD: "新", "ع", "д")."""
    return character.isalpha() and not unicodedata.normalize(
        "NFKD", character.translate(LATIN_FOLD)).encode("ascii", "ignore")


def newsroom_directory(feeds: Iterable[FeedConfig]) -> dict[str, str]:
    """The configured newsroom of each outlet name, keyed by the name's own slug
    (`publisher_family_for`): "The Guardian" -> "guardian", "The New York Times" -> "nyt". An
    aggregator names a publisher as the publisher names itself; this finds the newsroom id the
    operator gave it, so its own feed and its relayed items count once."""
    return {publisher_family_for(feed.outlet): feed.publisher_family for feed in feeds}


def relayed_newsroom(publisher: str, directory: Mapping[str, str]) -> str:
    """The newsroom id of a publisher an aggregator names: the configured one when an outlet of
    that name is in the feed list, else the slug of the name."""
    own = publisher_family_for(publisher)
    return directory.get(own, own)
