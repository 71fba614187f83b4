"""Evidence selection, prompt-injection redaction, materiality, and the cluster's trigger rule."""

from __future__ import annotations

from datetime import timedelta

from tests import brief_story as story

from headlinez.briefs.evidence import (
    REDACTION,
    EvidenceLimits,
    basis_of,
    build_evidence,
    sanitize_snippet,
    without_wire_lead,
)
from headlinez.briefs.materiality import material_change, trigger_reason
from headlinez.briefs.text import estimate_tokens, injection_spans
from headlinez.models import TrendMember


def _snippets(count: int = len(story.ARTICLES)) -> dict[str, str]:
    return {a.article_id: a.summary for a in story.articles(count)}


def test_evidence_is_numbered_oldest_first_with_every_field() -> None:
    items = story.evidence()
    assert [i.id for i in items] == [1, 2, 3, 4, 5]
    assert [i.outlet for i in items] == ["Reuters", "BBC News", "AP News", "BBC News", "Al Jazeera"]
    assert items[0].published < items[-1].published
    assert items[0].url == "https://reuters.example/geneva-1"
    assert items[0].snippet.startswith("Negotiators")


def test_selection_prefers_one_article_per_newsroom_within_the_caps() -> None:
    members = story.members(story.articles())
    # 3 items: one per newsroom first (the newest of each), so the second BBC article waits
    chosen = build_evidence(members, _snippets(), EvidenceLimits(max_items=4))
    assert len(chosen) == 4
    assert len({i.publisher_family for i in chosen}) == 4
    # a token budget smaller than two items keeps one (never zero)
    tiny = build_evidence(members, _snippets(), EvidenceLimits(token_budget=200, max_items=10))
    assert len(tiny) == 1


def test_many_articles_are_capped_by_the_token_budget() -> None:
    base = story.articles(1)[0]
    many = [base.model_copy(update={"article_id": f"{n:032x}", "publisher_family": f"f{n}",
                                    "published": base.published + timedelta(minutes=n)})
            for n in range(40)]
    snippets = {a.article_id: a.summary for a in many}
    items = build_evidence(story.members(many), snippets, EvidenceLimits(token_budget=3000, max_items=50))
    spent = sum(estimate_tokens(f"{i.outlet} {i.title} {i.snippet} {i.url}") + 20 for i in items)
    assert 5 < len(items) < 40
    assert spent <= 3000


def test_instruction_like_text_is_removed_before_any_model_sees_it() -> None:
    assert injection_spans(story.INJECTION) == [story.INJECTION]
    assert injection_spans("Officials ignored the previous deadline.") == []
    text, redacted = sanitize_snippet("Talks went on. " + story.INJECTION + " More news.")
    assert redacted
    assert story.INJECTION not in text
    assert REDACTION in text
    fourth = story.evidence()[3]
    assert fourth.redacted
    assert "Ignore previous" not in fourth.text


def test_long_snippets_are_cut_at_a_word() -> None:
    text, _ = sanitize_snippet("word " * 400)
    assert len(text) <= 705
    assert text.endswith(" ...")


def test_a_wire_byline_and_dateline_are_not_evidence_text() -> None:
    wire = "By Olivia Le Poidevin GENEVA, Feb 17 (Reuters) - A UN body condemned the attacks on Tuesday."
    assert without_wire_lead(wire) == "A UN body condemned the attacks on Tuesday."
    several = ("By Matt Spetalnick, Olivia Le Poidevin and Parisa Hafezi WASHINGTON/GENEVA/DUBAI, Feb 17 "
               "(Reuters) - Even for a president who thrives on unpredictability, the week was unusual.")
    assert without_wire_lead(several).startswith("Even for a president")
    berlin = "BERLIN, Feb 17 (Reuters) - More than 80 actors signed."
    assert without_wire_lead(berlin) == "More than 80 actors signed."
    # a dateline without a date, and an opening that only starts with "By", stay as written
    assert without_wire_lead("TOKYO (Reuters) - A quake struck.") == "TOKYO (Reuters) - A quake struck."
    assert without_wire_lead("By Tuesday, NASA said, the probe will land.").startswith("By Tuesday")
    # and the evidence a brief is written from holds the story, not the byline
    items = story.articles(1)
    snippets = {story.members(items)[0].article_id: wire}
    evidence = build_evidence(story.members(items), snippets, EvidenceLimits())
    assert evidence[0].snippet == "A UN body condemned the attacks on Tuesday."


# --- materiality ----------------------------------------------------------------------------------


def _basis(count: int, version: int = 1):  # type: ignore[no-untyped-def]
    items = story.articles(count)
    return basis_of(story.trend(items, version=version), story.members(items), _snippets(count))


def test_first_brief_is_material_and_the_same_version_is_not() -> None:
    items = story.articles(3)
    trend = story.trend(items, version=1)
    assert material_change(None, trend, story.members(items), _snippets(), min_new_facts=2).material
    decision = material_change(_basis(3), trend, story.members(items), _snippets(), min_new_facts=2)
    assert not decision.material
    assert "up to date" in decision.reason


def test_a_new_newsroom_is_material() -> None:
    items = story.articles(5)
    decision = material_change(_basis(4), story.trend(items, version=2), story.members(items), _snippets(),
                               min_new_facts=2)
    assert decision.material
    assert "aljazeera" in decision.reason


def test_cited_articles_that_moved_to_a_split_trend_are_material() -> None:
    items = story.articles(4)
    staying = items[:3]
    trend = story.trend(staying, version=2).model_copy(update={"split_partners": ["tother"]})
    decision = material_change(_basis(4), trend, story.members(staying), _snippets(), min_new_facts=2)
    assert decision.material
    assert "moved to a trend split" in decision.reason


def test_new_facts_from_a_known_newsroom_are_material_and_repeats_are_not() -> None:
    items = story.articles(4)  # the 4th is a second BBC article
    trend = story.trend(items, version=2)
    # with new names (Tehran, ...) it is material at a threshold of 2 ...
    assert material_change(_basis(3), trend, story.members(items), _snippets(), min_new_facts=2).material
    # ... a copy of a known article states nothing new
    copy = items[1].model_copy(update={"article_id": "f" * 32})
    same = [*items[:3], copy]
    snippets = {**_snippets(3), copy.article_id: items[1].summary}
    decision = material_change(_basis(3), story.trend(same, version=2), story.members(same), snippets,
                               min_new_facts=1)
    assert not decision.material
    assert "0 new facts" in decision.reason


def test_cluster_trigger_rule() -> None:
    items = story.articles(3)
    one_source = story.trend(items[:1])
    three = story.trend(items, version=2)
    assert trigger_reason(None, one_source, 1, min_sources=2, min_new_articles=2) is None
    assert trigger_reason(None, three, 3, min_sources=2, min_new_articles=2) == "3 independent sources"
    assert trigger_reason(one_source, three, 2, min_sources=2, min_new_articles=2) == "3 independent sources"
    two = story.trend(items[:2])
    assert trigger_reason(two, three, 1, min_sources=2, min_new_articles=2) == "new source: ap"
    assert trigger_reason(three, three.model_copy(update={"version": 3}), 1, min_sources=2,
                          min_new_articles=2) is None
    assert trigger_reason(three, three, 2, min_sources=2, min_new_articles=2) == "2 new articles"
    closed = three.model_copy(update={"is_open": False})
    assert trigger_reason(three, closed, 5, min_sources=2, min_new_articles=2) is None


def test_basis_records_every_member_not_only_the_selected_evidence() -> None:
    basis = _basis(5)
    assert len(basis.article_ids) == 5
    assert basis.source_families == ["aljazeera", "ap", "bbc", "reuters"]
    assert {"n:4", "e:geneva", "e:albusaidi"} <= set(basis.fact_keys)
    assert isinstance(basis.fact_keys, list)
    assert TrendMember


def test_a_long_story_s_basis_keeps_the_newest_ids_and_the_cut_covers_the_rest() -> None:
    # Every member's id travelled in the flow's state: ~35 bytes each, past 256 KB near 6,500
    from headlinez.briefs.evidence import MAX_BASIS_ARTICLE_IDS

    items = story.articles(3)
    base = story.members(items)[0]
    count = MAX_BASIS_ARTICLE_IDS + 500
    members = [base.model_copy(update={"article_id": f"a{n:05d}", "published": base.published
                                       - timedelta(minutes=count - n)}) for n in range(count)]
    trend = story.trend(items, version=4).model_copy(update={"article_count": count})
    basis = basis_of(trend, members, {})
    assert len(basis.article_ids) == MAX_BASIS_ARTICLE_IDS
    assert basis.article_count == count
    assert basis.articles_before == members[500].published  # the oldest id kept
    assert f"a{count - 1:05d}" in basis.article_ids
    assert "a00000" not in basis.article_ids
    assert len(basis.model_dump_json()) < 70_000
    # Then no member it rested on reads as new (500 of them have no id in it), and a later one does
    newer = trend.model_copy(update={"version": 5})
    unchanged = material_change(basis, newer, members, {}, min_new_facts=2)
    assert unchanged.reason == "no new articles since the last brief"
    later = base.model_copy(update={"article_id": "znew", "published": base.published + timedelta(hours=1)})
    decision = material_change(basis, newer, [*members, later],
                               {"znew": "Officials said 40 people and 12 vehicles were moved."},
                               min_new_facts=2)
    assert decision.material
    assert "(12, 40" in decision.reason


def test_the_fact_key_cap_keeps_numbers_and_quotes_before_names() -> None:
    # sorted alone, names ("e:...") filled the 1,000 keys and every number was dropped, so any
    # later article with two numbers read as material
    from headlinez.briefs.evidence import MAX_FACT_KEYS

    items = story.articles(3)
    base = story.members(items)[0]
    names = " ".join(f"Name{n:04d} Person{n:04d}" for n in range(MAX_FACT_KEYS))
    snippets = {base.article_id: f"{names}. It cost 42 dollars and 7 lives."}
    basis = basis_of(story.trend(items), [base], snippets)
    assert len(basis.fact_keys) == MAX_FACT_KEYS
    assert {"n:42", "n:7"} <= set(basis.fact_keys)
