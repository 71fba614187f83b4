"""When is a change to a trend material enough to write a new brief?

Two levels, so that briefs are not regenerated for every new article:

1. Clustering (cheap prefilter, no extra reads) starts an execution for a changed open trend with
   at least `min_sources` independent sources when it is new, gained a newsroom, or gained at least
   `min_new_articles` articles in the run (`trigger_reason`).
2. The flow's Load step decides (`material_change`) against the basis of the last published
   brief. The change is material when
   - there is no brief yet; or
   - a new independent source (publisher family) covers the story; or
   - the new articles state at least `min_new_facts` new facts: numbers, names or quotes that no
     article of the last brief's basis stated (`headlinez.briefs.text.fact_keys`).
   Otherwise (more articles from known newsrooms repeating known facts) the execution ends
   without generating anything. A trend version at or below the brief's is never material.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from headlinez.briefs.models import BriefBasis, basis_article_count
from headlinez.briefs.text import fact_keys
from headlinez.models import TrendMember, TrendState


@dataclass(frozen=True)
class Materiality:
    material: bool
    reason: str


def trigger_reason(before: TrendState | None, after: TrendState, new_articles: int, *,
                   min_sources: int, min_new_articles: int) -> str | None:
    """Why clustering should start a brief execution for this changed trend (None: it should not)."""
    if not after.is_open or after.source_count < min_sources:
        return None
    if before is None or before.source_count < min_sources:
        return f"{after.source_count} independent sources"
    gained = sorted(set(after.source_families) - set(before.source_families))
    if gained:
        return "new source: " + ", ".join(gained[:5])
    if new_articles >= min_new_articles:
        return f"{new_articles} new articles"
    return None


@dataclass(frozen=True)
class BriefedTrend:
    """What a trend's published brief was written from, as clustering's backlog reads it."""

    version: int
    source_families: frozenset[str] = frozenset()
    article_count: int = 0


def brief_due(trend: TrendState, briefed: BriefedTrend | None, *, min_sources: int,
              min_new_articles: int) -> str | None:
    """Why a public open trend needs a (new) brief now; None when its brief is current.

    The backlog rule of clustering: every run, every public trend is checked against its published
    brief, not only the trends that changed in the run. Missing: "no brief yet". Outdated: the
    trend moved past the brief's version and gained a newsroom or `min_new_articles` articles since,
    or lost articles to a trend split from it (the Load step then decides, against the brief's
    facts, whether it is material). A failed or
    budget-stopped execution leaves the brief missing or outdated, so the trend stays due.
    """
    if not trend.is_open or trend.merged_into or trend.source_count < min_sources:
        return None
    if briefed is None:
        return "no brief yet"
    if briefed.version >= trend.version:
        return None
    if not briefed.source_families:  # a brief stored before its basis was kept on the item
        return "brief of an older version"
    return _outdated_reason(trend, briefed, min_new_articles)


def _outdated_reason(trend: TrendState, briefed: BriefedTrend, min_new_articles: int) -> str | None:
    gained = sorted(set(trend.source_families) - briefed.source_families)
    grown = trend.article_count - briefed.article_count
    if grown < 0 and trend.split_partners:  # only a split takes articles out of a trend
        return f"{-grown} articles moved to a trend split from this one"
    if gained:
        return "new source since the brief: " + ", ".join(gained[:5])
    return f"{grown} new articles since the brief" if grown >= min_new_articles else None


def _sources_changed(previous: BriefBasis, trend: TrendState,
                     members: Sequence[TrendMember]) -> Materiality | None:
    """A new newsroom, or cited coverage that is now another story's (clustering's split pass)."""
    gained = sorted({m.publisher_family for m in members} - set(previous.source_families))
    if gained:
        return Materiality(True, "new independent sources: " + ", ".join(gained[:5]))
    left = set(previous.article_ids) - {m.article_id for m in members}
    if left and trend.split_partners and trend.article_count < basis_article_count(previous):
        return Materiality(True, f"{len(left)} cited articles moved to a trend split from this one")
    return None


def material_change(previous: BriefBasis | None, trend: TrendState, members: Sequence[TrendMember],
                    snippets: Mapping[str, str], *, min_new_facts: int) -> Materiality:
    if previous is None:
        return Materiality(True, "first brief")
    if trend.version <= previous.trend_version:
        return Materiality(False, f"brief is up to date (trend version {trend.version})")
    changed = _sources_changed(previous, trend, members)
    if changed is not None:
        return changed
    known_articles, cut = set(previous.article_ids), previous.articles_before
    # a member older than the basis's cut was in it, though its id was not kept
    new_members = [m for m in members
                   if m.article_id not in known_articles and (cut is None or m.published >= cut)]
    if not new_members:
        return Materiality(False, "no new articles since the last brief")
    known_facts = set(previous.fact_keys)
    new_facts: set[str] = set()
    for member in new_members:
        new_facts |= fact_keys(f"{member.title}. {snippets.get(member.article_id, '')}") - known_facts
    if len(new_facts) >= min_new_facts:
        sample = ", ".join(sorted(key.split(":", 1)[1] for key in new_facts)[:5])
        return Materiality(True, f"{len(new_facts)} new facts ({sample})")
    return Materiality(False, f"{len(new_members)} new articles from known sources, "
                              f"{len(new_facts)} new facts (< {min_new_facts})")
