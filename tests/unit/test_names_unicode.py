"""Names keep their letters (issue 10 §2): José Jerí, Łukasz, Zoë, São Paulo, Müller, Владимир Путин
and 习近平 through ingest (normalize), topics, the offline brief and its checker, the page, the JSON
and RSS. ("José Jerí" once became "Jos Jer": the fact-checker's word pattern was ASCII-only.)"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes import (
    FakeLambdaContext,
    InMemoryFeedStateRepository,
    InMemoryTrendRepository,
    make_http_event,
)

from headlinez.api.app import build_resolver
from headlinez.briefs.checker import EvidenceIndex, check_draft
from headlinez.briefs.evidence import EvidenceLimits, basis_of, build_evidence
from headlinez.briefs.extractive import extractive_draft
from headlinez.briefs.models import PublishedBrief
from headlinez.domain.normalize import normalize_entry
from headlinez.domain.topics import extract_topics
from headlinez.domain.velocity import rank_score
from headlinez.models import FeedConfig, HourBucket, RawEntry, TrendMember, TrendState
from headlinez.settings import ApiSettings

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
NAMES = ("José Jerí", "Łukasz", "Zoë", "São Paulo", "Müller", "Владимир Путин", "习近平")
STORIES = [
    ("Reuters", "reuters", "Peru's Congress removes José Jerí; Zoë Müller calls vote historic",
     'Peru\'s Congress voted on Tuesday to remove President José Jerí. Lawmaker Zoë Müller said "this '
     'vote is historic" in Lima. Łukasz Nowak watched the vote from São Paulo.'),
    ("BBC News", "bbc", "Congress in Peru ousts José Jerí as Łukasz Nowak looks on",
     "Congress removed José Jerí on Tuesday. Владимир Путин and 习近平 did not comment on the vote in Peru."),
]


def _articles() -> list[Any]:
    articles = []
    for n, (outlet, family, title, summary) in enumerate(STORIES, start=1):
        feed = FeedConfig(id=f"feed-{family}", url=f"https://{family}.example/rss", outlet=outlet,
                          publisher_family=family, language="en")
        entry = RawEntry(title=f"<b>{title}</b>", link=f"https://{family}.example/peru-{n}", guid=f"g{n}",
                         summary=f"<p>{summary}</p>", published=NOW - timedelta(hours=n))
        articles.append(normalize_entry(entry, feed, now=NOW, feed_updated=None))
    return articles


def test_ingest_keeps_every_letter() -> None:
    text = " ".join(f"{a.title} {a.summary}" for a in _articles())
    for name in NAMES:
        assert name in text, name
    assert "Jos Jer" not in text


def test_topics_keep_every_letter() -> None:
    names = {t.name for t in extract_topics([a.title for a in _articles()])}
    assert "José Jerí" in names
    assert not any("Jos " in n or n.startswith("ukasz") for n in names)
    cyrillic = extract_topics(["Kremlin says Владимир Путин will visit", "Владимир Путин visits"])
    assert all(t.slug for t in cyrillic)


def test_the_brief_its_checks_the_page_the_json_and_rss_keep_every_letter() -> None:
    articles = _articles()
    members = [TrendMember(article_id=a.article_id, title=a.title, url=a.url, outlet=a.outlet,
                           publisher_family=a.publisher_family, published=a.published) for a in articles]
    evidence = build_evidence(members, {a.article_id: a.summary for a in articles}, EvidenceLimits())
    draft = extractive_draft(evidence)
    assert [c.problems for c in check_draft(draft, EvidenceIndex(evidence)) if c.problems] == []
    brief_text = draft.model_dump_json()
    assert "Jos Jer\"" not in brief_text
    assert "Jos Jer " not in brief_text
    assert "What did Zoë Müller say?" in [q.question for q in draft.quick_answers]

    state = TrendState(trend_id="t00000000000000a1", article_count=2, source_families=["bbc", "reuters"],
                       outlets=["BBC News", "Reuters"], first_seen=NOW - timedelta(hours=2), last_seen=NOW,
                       headline=articles[0].title, version=1, updated_at=NOW,
                       hourly=[HourBucket(hour=NOW - timedelta(hours=1), articles=2,
                                          sources=["bbc", "reuters"])])
    repo = InMemoryTrendRepository()
    repo.add(state, members, score=rank_score(state, NOW))
    brief = PublishedBrief(trend_id=state.trend_id, version=1, headline=state.headline,
                           paragraphs=draft.paragraphs, quick_answers=draft.quick_answers, citations=[],
                           supported_percent=100.0, claims_checked=1, claims_supported=1, engine="extractive",
                           verifier="deterministic", generated_at=NOW, updated_at=NOW,
                           basis=basis_of(state, members, {a.article_id: a.summary for a in articles}))
    item = {"pk": f"TREND#{state.trend_id}", "sk": "BRIEF", "doc": brief.model_dump_json()}
    repo.put_brief(state.trend_id, item)
    settings = ApiSettings.model_validate({"TABLE_NAME": "t-test", "CURSOR_SECRET": "x" * 20})
    app = build_resolver(repo, InMemoryFeedStateRepository(), settings, lambda: NOW)

    def get(path: str) -> str:
        return str(app.resolve(make_http_event("GET", path, None), FakeLambdaContext())["body"])

    detail = json.loads(get(f"/trends/{state.trend_id}"))
    assert "José Jerí" in detail["headline"]
    assert any("Zoë Müller" in q["question"] for q in detail["brief"]["quick_answers"])
    page = get(f"/trend/{state.trend_id}")
    assert "José Jerí" in page
    # feed text takes its direction from its letters (an Arabic title in the LTR page)
    assert '<h1 id="headline" dir="auto">' in page
    assert 'rel="noopener noreferrer" dir="auto">' in page
    assert "Zoë Müller" in page
    rss = get("/trends.rss")
    assert "José Jerí" in rss
    for body in (json.dumps(detail, ensure_ascii=False), page, rss):
        assert "Jos Jer " not in body
        assert "Jos Jer;" not in body
