"""The pages: escaping, links, CSP, every section of the trend page, the brief, error pages."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.fakes import (
    FakeLambdaContext,
    InMemoryFeedStateRepository,
    InMemoryTrendRepository,
    make_http_event,
)

from headlinez.api.app import build_resolver
from headlinez.briefs.models import (
    BriefBasis,
    Citation,
    Claim,
    Paragraph,
    PublishedBrief,
    QuickAnswer,
    RemovedClaim,
)
from headlinez.models import FeedState, HourBucket, RelatedTrend, Topic, TrendMember, TrendState
from headlinez.settings import ApiSettings
from headlinez.web.html import Markup, ago, el, esc, href, safe_url
from headlinez.web.pages import CONTENT_SECURITY_POLICY
from headlinez.web.svg import velocity_chart

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</title><script>alert(2)</script>",
    "' onmouseover='alert(3)",
    "<svg onload=alert(4)>",
    "&lt;script&gt;",
]
ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "link",
    "body",
    "a",
    "header",
    "nav",
    "ul",
    "li",
    "main",
    "footer",
    "p",
    "span",
    "h1",
    "h2",
    "h3",
    "dl",
    "dt",
    "dd",
    "div",
    "time",
    "svg",
    "polyline",
    "line",
    "rect",
    "text",
    "section",
    "article",
    "ol",
    "details",
    "summary",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "sup",
    "strong",
    "bdi",
}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(document: str) -> _Collector:
    collector = _Collector()
    collector.feed(document)
    return collector


def _assert_inert(document: str) -> _Collector:
    """Only our tags, no event handler attributes, links only http(s) or our own paths."""
    parsed = _parse(document)
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "a":
            link = attrs["href"] or ""
            assert link.startswith(("/", "#", "http://", "https://")), link
            if link.startswith("http"):
                assert attrs["rel"] == "noopener noreferrer"
    return parsed


def _state(n: int, **overrides: Any) -> TrendState:
    values: dict[str, Any] = {
        "trend_id": f"t{n:015x}",
        "article_count": 9,
        "source_families": ["a", "b", "c"],
        "outlets": ["Outlet A", "Outlet B"],
        "first_seen": NOW - timedelta(hours=9),
        "last_seen": NOW - timedelta(minutes=5),
        "headline": f"Headline {n}",
        "second_headline": f"Second {n}",
        "hourly": [
            HourBucket(hour=NOW - timedelta(hours=h), articles=h + 1, sources=["a", "b"][: 1 + h % 2])
            for h in range(8)
        ],
    }
    values.update(overrides)
    return TrendState(**values)


def _members(n: int, count: int = 3, **overrides: Any) -> list[TrendMember]:
    return [
        TrendMember(
            **(
                {
                    "article_id": f"a{n}{k:03d}",
                    "title": f"Article {k}",
                    "url": f"https://n.example/{k}",
                    "outlet": f"Outlet {k}",
                    "publisher_family": f"f{k}",
                    "published": NOW - timedelta(minutes=10 * k),
                }
                | overrides
            )
        )
        for k in range(count)
    ]


def _api(repo: InMemoryTrendRepository, feeds: InMemoryFeedStateRepository | None = None,
         site_notice: str = "") -> Any:
    settings_ = ApiSettings.model_validate({"TABLE_NAME": "t-test", "CURSOR_SECRET": "x" * 20,
                                            "SITE_NOTICE": site_notice})
    app = build_resolver(repo, feeds or InMemoryFeedStateRepository(), settings_, lambda: NOW)
    return lambda path, query=None: app.resolve(make_http_event("GET", path, query), FakeLambdaContext())


def _brief(trend_id: str) -> PublishedBrief:
    published = NOW - timedelta(hours=1)
    return PublishedBrief(
        trend_id=trend_id,
        version=3,
        headline="Headline 1",
        paragraphs=[
            Paragraph(
                kind="what_happened", claims=[Claim(text="Talks resumed in Geneva.", evidence_ids=[1])]
            ),
            Paragraph(
                kind="coverage", claims=[Claim(text="Outlet A and Outlet B lead.", evidence_ids=[1, 2])]
            ),
        ],
        quick_answers=[
            QuickAnswer(question="Where?", answer="In Geneva.", evidence_ids=[1]),
            QuickAnswer(
                question="When will it end?", answer="Coverage does not yet specify when the talks end."
            ),
        ],
        citations=[
            Citation(
                id=1,
                article_id="a1000",
                outlet="Outlet A",
                title="Talks resume",
                url="https://n.example/0",
                published=published,
            ),
            Citation(
                id=2,
                article_id="a1001",
                outlet="Outlet B",
                title="<b>Talks</b>",
                url="javascript:alert(1)",
                published=published,
            ),
        ],
        supported_percent=91.0,
        claims_checked=11,
        claims_supported=10,
        removed_claims=[
            RemovedClaim(
                text="A deal was signed.",
                location="what_happened",
                evidence_ids=[1],
                reasons=["not stated by the cited article"],
                stage="deterministic",
            )
        ],
        engine="extractive",
        verifier="deterministic",
        generated_at=NOW - timedelta(hours=2),
        updated_at=NOW - timedelta(hours=2),
        basis=BriefBasis(trend_version=3),
    )


# --- html helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>",
        "vbscript:x",
        "//evil.example/x",
        "/relative",
        "https://user:pw@evil.example/",
        "http://",
        "https:/x",
        "",
        'https://a.example/"onmouseover=x',
        "https://a.example/<script>",
        "\x00https://a.example",
        None,
        42,
    ],
)
def test_safe_url_refuses_anything_but_plain_http_links(url: Any) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize(
    "url", ["https://www.bbc.co.uk/news/x?a=1&b=2#c", "http://127.0.0.1:8000/a", "HTTPS://A.EXAMPLE/"]
)
def test_safe_url_keeps_http_links(url: str) -> None:
    assert safe_url(url) == url


def test_el_escapes_text_and_attributes_and_trusts_only_markup() -> None:
    assert el("p", {"title": '"><x'}, "<b>", Markup("<i>ok</i>"), None, 3) == (
        '<p title="&quot;&gt;&lt;x">&lt;b&gt;<i>ok</i>3</p>'
    )
    assert esc("it's") == "it&#x27;s"
    assert href("/", category="world", cursor=None) == "/?category=world"
    with pytest.raises(ValueError, match="absolute paths"):
        href("//evil.example")


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(minutes=4), "4 min ago"),
        (timedelta(hours=9, minutes=59), "9h ago"),
        (timedelta(hours=23, minutes=59), "23h ago"),
        (timedelta(hours=24, minutes=30), "1 day ago"),
        (timedelta(hours=32), "1 day 8h ago"),
        (timedelta(hours=47, minutes=59), "1 day 23h ago"),
        (timedelta(hours=48), "2 days ago"),
        (timedelta(days=3), "3 days ago"),
        (-timedelta(minutes=5), "in 5 min"),
    ],
)
def test_ago(delta: timedelta, text: str) -> None:
    assert ago(NOW - delta, NOW) == text


# --- pages ------------------------------------------------------------------------------------------


def test_trend_page_has_every_section_consistent_with_the_json() -> None:
    repo = InMemoryTrendRepository()
    state = _state(1).model_copy(
        update={
            "status": "peaking",
            "category": "politics",
            "prediction": "fades by tomorrow",
            "prediction_code": "fades",
        }
    )
    repo.add(state, _members(1), score=5.0)
    repo.put_brief(
        state.trend_id,
        {"pk": f"TREND#{state.trend_id}", "sk": "BRIEF", "doc": _brief(state.trend_id).model_dump_json()},
    )
    get = _api(
        repo,
        InMemoryFeedStateRepository(
            [
                FeedState(
                    feed_id="f",
                    url="https://f.example/",
                    outlet="F",
                    last_attempt_at=NOW - timedelta(minutes=4),
                )
            ]
        ),
    )

    detail = json.loads(get(f"/trends/{state.trend_id}")["body"])
    reply = get(f"/trend/{state.trend_id}")
    page = reply["body"]

    assert reply["headers"]["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    parsed = _assert_inert(page)
    text = " ".join("".join(parsed.text).split())
    ids = {attrs.get("id") for _, attrs in parsed.tags}
    assert {
        "headline",
        "second-headline",
        "velocity",
        "brief",
        "answers",
        "coverage",
        "topics",
        "related",
        "removed-claims",
        "brief-check",
        "freshness",
    } <= ids
    assert "▲ Peaking" in text
    assert "Politics" in text
    assert "predicts: fades by tomorrow" in text
    assert f"Coverage ({detail['articles']})" in text
    # "+N% since detected": velocity now against velocity at first detection (JSON and page agree)
    assert isinstance(detail["growth_percent"], int)
    assert f"{detail['growth_percent']:+d}% since detected" in text
    assert "first detected" in text.lower()
    assert "9h ago" in text
    assert "fact-checked: 1 unsupported claim removed (91% supported) · updated 2h ago" in text
    assert "Removed claims (1)" in text
    assert "A deal was signed." in text
    assert "Coverage does not yet specify when the talks end." in text
    assert "No topics identified yet." in text
    assert "No related trends yet." in text
    assert "Feeds checked 4 min ago" in text
    assert detail["brief"]["fact_check"]["supported_percent"] == 91.0
    assert detail["brief"]["version"] == 3
    coverage_links = [
        a["href"] for tag, a in parsed.tags if tag == "a" and (a.get("href") or "").startswith("https://n.")
    ]
    assert coverage_links[-3:] == [c["url"] for c in detail["coverage"]]
    assert "javascript:" not in page, "the citation with a javascript: URL is not a link"
    assert "<svg" in page
    assert 'role="img"' in page
    # A bar is an hour, and says its value is read at that hour's end (after its articles)
    last = detail["velocity_series"][-2]
    start = datetime.fromisoformat(last["hour"].replace("Z", "+00:00"))
    assert (f"{start:%b %d %H:00}–{start + timedelta(hours=1):%H:00} UTC: velocity "
            f"{last['velocity']:.1f} at its end") in page


def test_hostile_feed_text_renders_inert_on_every_page() -> None:
    repo = InMemoryTrendRepository()
    for n, payload in enumerate(PAYLOADS):
        state = _state(n, headline=payload, second_headline=payload, outlets=[payload])
        repo.add(
            state.model_copy(update={"topics": []}),
            _members(n, title=payload, outlet=payload, url=payload),
            score=float(n),
        )
    feeds = InMemoryFeedStateRepository(
        [
            FeedState(
                feed_id="x",
                url="javascript:alert(1)",
                outlet=PAYLOADS[0],
                last_attempt_at=NOW,
                last_error=PAYLOADS[1],
                last_error_at=NOW,
                consecutive_errors=1,
            )
        ]
    )
    get = _api(repo, feeds)

    pages = [get("/")["body"], get("/feed-health")["body"], get("/how-it-works")["body"]]
    pages += [get(f"/trend/{_state(n).trend_id}")["body"] for n in range(len(PAYLOADS))]
    for document in pages:
        parsed = _assert_inert(document)
        assert "<script" not in document.lower()
        assert 'href="javascript' not in document.lower()
        assert any(PAYLOADS[0] in t for t in parsed.text) or "How this works" in document, "shown as text"


@settings(max_examples=60, deadline=None)
@given(
    headline=st.text(min_size=1, max_size=80),
    url=st.text(max_size=60),
    outlet=st.text(min_size=1, max_size=30),
)
def test_any_feed_text_renders_inert(headline: str, url: str, outlet: str) -> None:
    repo = InMemoryTrendRepository()
    repo.add(
        _state(1, headline=headline, outlets=[outlet]), _members(1, title=headline, url=url, outlet=outlet)
    )
    get = _api(repo)

    for path in ("/", f"/trend/{_state(1).trend_id}"):
        reply = get(path)
        assert reply["statusCode"] == 200
        _assert_inert(reply["body"])


def test_home_page_lists_trends_with_filters_and_freshness() -> None:
    repo = InMemoryTrendRepository()
    for n in range(3):
        repo.add(
            _state(n).model_copy(update={"category": "world" if n else "business", "status": "rising"}),
            score=float(n),
        )
    get = _api(repo)

    page = get("/")["body"]
    world = get("/", {"category": "world"})["body"]

    assert page.count('class="card"') == 3
    assert world.count('class="card"') == 2
    assert (
        'aria-current="page" href="/?category=world"' in world
        or 'href="/?category=world" aria-current="page"' in world
    )
    assert "Feeds not checked yet." in page
    # the list's order is velocity plus newsroom breadth: the page says so, not "by velocity"
    assert "Ranked by velocity and breadth" in page
    assert 'href="/how-it-works#ranking"' in page
    # the status symbol is not read aloud ("north east arrow Rising")
    assert '<span aria-hidden="true">↗</span> Rising' in page
    assert 'class="sparkline"' in page
    assert get("/", {"category": "weather"})["statusCode"] == 422


def test_a_cooled_trend_with_new_coverage_is_marked_covered_again() -> None:
    repo = InMemoryTrendRepository()
    cooled_at = NOW - timedelta(hours=3)
    covered_at = NOW - timedelta(minutes=40)
    cooled = _state(1).model_copy(
        update={"status": "cooled", "status_since": cooled_at, "last_seen": covered_at})
    quiet = _state(2).model_copy(
        update={"status": "cooled", "status_since": cooled_at, "last_seen": NOW - timedelta(hours=9)})
    repo.add(cooled, score=2.0)
    repo.add(quiet, score=1.0)
    get = _api(repo)

    home = get("/", {"status": "cooled"})["body"]
    assert home.count('class="badge covered-again"') == 1
    card = home.split(f'id="trend-{cooled.trend_id}"')[1].split("</article>")[0]
    assert "covered again" in card
    assert "40 min ago" in card
    assert "covered again" not in home.split(f'id="trend-{quiet.trend_id}"')[1].split("</article>")[0]
    assert 'class="badge covered-again"' in get(f"/trend/{cooled.trend_id}")["body"]
    assert 'class="badge covered-again"' not in get(f"/trend/{quiet.trend_id}")["body"]
    # the JSON says the same: the article's time for the one, null for the other
    listed = {t["id"]: t for t in json.loads(get("/trends", {"status": "cooled"})["body"])["items"]}
    assert listed[cooled.trend_id]["covered_again_at"].startswith(covered_at.strftime("%Y-%m-%dT%H:%M"))
    assert listed[quiet.trend_id]["covered_again_at"] is None
    assert 'id="covered-again"' in get("/how-it-works")["body"]


def test_how_it_works_says_when_the_confidence_shown_is_refreshed() -> None:
    repo = InMemoryTrendRepository()
    repo.add(_state(1), [], score=1.0)
    page = html.unescape(_api(repo)("/how-it-works")["body"])
    assert "refreshed when the model's probability moves by 5 points or more" in " ".join(page.split())
    # the third sentence a card can show is explained too
    assert "says “stays quiet tomorrow”, with no confidence" in " ".join(page.split())


def test_empty_sections_say_so_plainly() -> None:
    repo = InMemoryTrendRepository()
    repo.add(_state(1), [], score=1.0)
    get = _api(repo)

    page = get(f"/trend/{_state(1).trend_id}")["body"]
    # a public trend without a brief: it is queued (issue 10 §1), never "no brief" for good
    assert "Brief queued" in page
    assert get(f"/trends/{_state(1).trend_id}")["body"].count('"brief_status":"queued"') == 1
    assert "No quick answers yet" in page
    assert "No article is stored for this trend any more." in page
    assert "No trends yet" in _api(InMemoryTrendRepository())("/")["body"]


def test_unknown_trend_page_is_an_html_404_with_csp() -> None:
    reply = _api(InMemoryTrendRepository())("/trend/tffffffffffffff0")

    assert reply["statusCode"] == 404
    assert reply["headers"]["Content-Type"].startswith("text/html")
    assert reply["headers"]["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert reply["headers"]["Cache-Control"] == "no-store"
    assert "Trend not found" in reply["body"]


def test_a_topic_no_open_trend_names_is_a_404_page_that_says_so() -> None:
    repo = InMemoryTrendRepository()
    repo.add(_state(1), _members(1), score=5.0)
    get = _api(repo)

    reply = get("/topic/atlantis")
    assert reply["statusCode"] == 404
    assert reply["headers"]["Content-Type"].startswith("text/html")
    assert reply["headers"]["Cache-Control"] == "no-store"
    assert "No open trend names this topic right now." in reply["body"]
    # the JSON route keeps its documented empty list
    assert get("/topics/atlantis")["statusCode"] == 200


def test_a_topic_whose_first_query_page_holds_no_match_is_not_a_404() -> None:
    # DynamoDB's 1 MB page can end before the first match: an empty page with a next cursor is
    # "none here yet", not "none at all"
    class FirstPageEmpty(InMemoryTrendRepository):
        def query_trends(self, query: Any, limit: int, start_key: Any) -> Any:
            if start_key is None:
                return [], {"pk": "TREND#t1", "sk": "META"}
            return super().query_trends(query, limit, None)

    repo = FirstPageEmpty()
    repo.add(_state(1, topics=[Topic(name="Geneva", kind="place", slug="geneva")]), _members(1), score=5.0)
    reply = _api(repo)("/topic/geneva")
    assert reply["statusCode"] == 200
    assert "/topic/geneva?cursor=" in reply["body"], "with a link to the next page"


def test_a_story_past_its_peak_says_how_far_below_it_has_come() -> None:
    # Given a trend whose coverage thins hour by hour, Fading, and the same series marked Rising
    repo = InMemoryTrendRepository()
    repo.add(_state(1, status="fading"), _members(1), score=5.0)
    repo.add(_state(2, status="rising"), _members(2), score=4.0)
    get = _api(repo)

    fading = json.loads(get(f"/trends/{_state(1).trend_id}")["body"])
    assert fading["percent_of_peak"] is not None
    assert 0 < fading["percent_of_peak"] < 100
    page = get(f"/trend/{_state(1).trend_id}")["body"]
    counter = page.split('data-counter="from-peak"', 1)[1].split("</div>", 1)[0]
    assert f"{fading['percent_of_peak'] - 100:+d}%" in counter
    # with the lifecycle's own thresholds, entering and leaving (Fading lasts until 80% of the peak)
    from headlinez.domain.lifecycle import FROM_PEAK_MEANING, PEAK_RETURN_SHARE

    assert f'title="{html.escape(FROM_PEAK_MEANING)}"' in page
    assert f"{PEAK_RETURN_SHARE:.0%}" in FROM_PEAK_MEANING
    # and Cooled's way out with its velocity floor, as the status's own meaning says it
    assert "and a velocity of 2" in FROM_PEAK_MEANING
    # Then only a story past its peak shows it: on a rising one it would say nothing useful
    assert 'data-counter="from-peak"' not in get(f"/trend/{_state(2).trend_id}")["body"]


def test_a_candidate_s_topic_links_list_candidates_so_they_hold_it() -> None:
    topic = Topic(name="Geneva", kind="place", slug="geneva")
    repo = InMemoryTrendRepository()
    repo.add(_state(1, topics=[topic]), _members(1), score=5.0)
    repo.add(_state(2, topics=[topic], source_families=["a"]), _members(2), score=4.0)
    get = _api(repo)

    public = json.loads(get(f"/trends/{_state(1).trend_id}")["body"])["topics"][0]["links"]
    assert public == {"self": "/topics/geneva", "html": "/topic/geneva"}
    candidate = json.loads(get(f"/trends/{_state(2).trend_id}")["body"])["topics"][0]["links"]
    assert candidate == {"self": "/topics/geneva?include=candidates",
                         "html": "/topic/geneva?include=candidates"}
    listed = json.loads(get("/topics/geneva", {"include": "candidates"})["body"])["items"]
    assert _state(2).trend_id in [item["id"] for item in listed]
    public_list = json.loads(get("/topics/geneva")["body"])["items"]
    assert _state(2).trend_id not in [item["id"] for item in public_list]


def test_a_trend_merged_into_a_merged_trend_points_at_where_the_story_went() -> None:
    # Given A merged into B, which later merged into C
    repo = InMemoryTrendRepository()
    a, b, c = _state(1), _state(2), _state(3)
    repo.add(a.model_copy(update={"merged_into": b.trend_id, "is_open": False}), _members(1), score=1.0)
    repo.add(b.model_copy(update={"merged_into": c.trend_id, "is_open": False}), _members(2), score=1.0)
    repo.add(c, _members(3), score=5.0)
    get = _api(repo)

    # Then A's JSON and page lead to C, not to B (itself a dead end)
    assert json.loads(get(f"/trends/{a.trend_id}")["body"])["merged_into"] == c.trend_id
    assert f'href="/trend/{c.trend_id}"' in get(f"/trend/{a.trend_id}")["body"]
    assert json.loads(get(f"/trends/{b.trend_id}")["body"])["merged_into"] == c.trend_id
    # and a loop in the data (A->B->C->A) neither spins nor points a trend at itself: it gives
    # the stored target back
    repo.add(c.model_copy(update={"merged_into": a.trend_id, "is_open": False}), _members(3), score=5.0)
    for trend, stored in ((a, b), (b, c), (c, a)):
        assert json.loads(get(f"/trends/{trend.trend_id}")["body"])["merged_into"] == stored.trend_id
    two = InMemoryTrendRepository()  # A->B, B->A
    two.add(a.model_copy(update={"merged_into": b.trend_id}), _members(1), score=1.0)
    two.add(b.model_copy(update={"merged_into": a.trend_id}), _members(2), score=1.0)
    assert json.loads(_api(two)(f"/trends/{a.trend_id}")["body"])["merged_into"] == b.trend_id


def test_the_trend_page_says_what_its_status_means_in_words_not_only_a_tooltip() -> None:
    from headlinez.domain.lifecycle import STATUS_MEANINGS

    repo = InMemoryTrendRepository()
    repo.add(_state(1, status="fading"), _members(1), score=5.0)
    page = _api(repo)(f"/trend/{_state(1).trend_id}")["body"]

    meaning = page.split('id="status-meaning"', 1)[1].split("</p>", 1)[0]
    assert html.escape(STATUS_MEANINGS["fading"], quote=False) in meaning
    assert 'href="/how-it-works#status"' in meaning
    assert ". <a " in meaning, "a space before the link (the pages are minified)"


def test_first_detected_is_when_it_became_a_trend_not_its_first_article() -> None:
    # issue 9 §4: the page shows "first detected" as the moment the story became public
    repo = InMemoryTrendRepository()
    detected = NOW - timedelta(hours=2)
    repo.add(_state(1, detected_at=detected), _members(1), score=5.0)
    get = _api(repo)

    for path in (f"/trend/{_state(1).trend_id}", "/"):
        counter = get(path)["body"].split('data-counter="first-detected"', 1)[1].split("</div>", 1)[0]
        assert f'datetime="{detected:%Y-%m-%dT%H:%M:%SZ}"' in counter, path
        assert "2h ago" in counter


def test_a_story_new_this_hour_says_so_and_a_candidate_shows_no_detection() -> None:
    # Given a trend whose articles all came this hour (velocity is read at the top of the hour)
    # and a single-newsroom candidate
    repo = InMemoryTrendRepository()
    at = NOW + timedelta(minutes=40)
    fresh = _state(1, detected_at=at - timedelta(minutes=15)).model_copy(update={
        "first_seen": at - timedelta(minutes=35), "last_seen": at - timedelta(minutes=15),
        "hourly": [HourBucket(hour=NOW, articles=4, sources=["a", "b"])]})
    repo.add(fresh, _members(1), score=5.0)
    settings_ = ApiSettings.model_validate({"TABLE_NAME": "t-test", "CURSOR_SECRET": "x" * 20})
    app = build_resolver(repo, InMemoryFeedStateRepository(), settings_, lambda: at)
    page = app.resolve(make_http_event("GET", f"/trend/{fresh.trend_id}"), FakeLambdaContext())["body"]
    velocity = page.split('data-counter="velocity"', 1)[1].split("</div>", 1)[0]
    # Then its velocity reads "new this hour", not 0, and it shows no growth (it read -100%)
    assert "new this hour" in velocity
    assert 'data-counter="growth"' not in page
    # and the JSON says the same to an API client, whose velocity 0 alone read as "stopped"
    summary = json.loads(app.resolve(make_http_event("GET", f"/trends/{fresh.trend_id}"),
                                     FakeLambdaContext())["body"])
    assert (summary["velocity"], summary["new_this_hour"]) == (0, True)
    # But a story first seen days ago, covered again this hour, is not new: its figure stays
    revived = fresh.model_copy(update={"trend_id": "t" + "e" * 15, "first_seen": at - timedelta(days=3)})
    repo.add(revived, _members(3), score=4.0)
    page = app.resolve(make_http_event("GET", f"/trend/{revived.trend_id}"), FakeLambdaContext())["body"]
    assert "new this hour" not in page.split('data-counter="velocity"', 1)[1].split("</div>", 1)[0]
    revived_json = app.resolve(make_http_event("GET", f"/trends/{revived.trend_id}"), FakeLambdaContext())
    assert json.loads(revived_json["body"])["new_this_hour"] is False
    # And a candidate, never detected as a trend, shows no "First detected"
    candidate = _state(2).model_copy(update={"source_count": 1, "source_families": ["a"],
                                             "detected_at": None})
    repo.add(candidate, _members(2), score=1.0)
    page = _api(repo)(f"/trend/{candidate.trend_id}", {"include": "candidates"})["body"]
    assert "candidate" in page
    assert 'data-counter="first-detected"' not in page
    # and its JSON says the same: no detection time (it read first_seen) and no growth since detection
    candidate_json = json.loads(_api(repo)(f"/trends/{candidate.trend_id}")["body"])
    assert (candidate_json["first_detected"], candidate_json["growth_percent"]) == (None, None)


def test_a_page_path_with_a_trailing_slash_gets_an_html_404() -> None:
    for path in ("/how-it-works/", "/feed-health/"):
        reply = _api(InMemoryTrendRepository())(path)

        assert reply["statusCode"] == 404
        assert reply["headers"]["Content-Type"].startswith("text/html"), path


def test_an_unknown_address_is_a_page_for_a_browser_and_json_for_an_api_client() -> None:
    settings_ = ApiSettings.model_validate({"TABLE_NAME": "t-test", "CURSOR_SECRET": "x" * 20})
    app = build_resolver(InMemoryTrendRepository(), InMemoryFeedStateRepository(), settings_, lambda: NOW)
    browser = app.resolve(make_http_event("GET", "/nonexistent", headers={
        "accept": "text/html,application/xhtml+xml,*/*;q=0.8"}), FakeLambdaContext())
    assert browser["statusCode"] == 404
    assert browser["headers"]["Content-Type"].startswith("text/html")
    assert 'href="/"' in browser["body"]
    assert 'lang="en"' in browser["body"]
    assert browser["headers"]["Vary"] == "Accept"
    for headers in ({}, {"accept": "application/json"}, {"accept": "text/html;q=0, application/json"},
                    {"accept": "text/html; q=0.0"}):
        client = app.resolve(make_http_event("GET", "/nonexistent", headers=headers), FakeLambdaContext())
        assert client["statusCode"] == 404
        assert client["headers"]["Content-Type"] == "application/problem+json", headers
        assert client["headers"]["Vary"] == "Accept"
    weighted = app.resolve(make_http_event("GET", "/nonexistent", headers={"accept": "text/html;q=0.5"}),
                           FakeLambdaContext())
    assert weighted["headers"]["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/trends.rss", "/trends", "/", "/health", "/docs"])
def test_head_is_answered_as_get_without_the_body(path: str) -> None:
    # production routes HEAD to the function (template.yaml); Powertools alone answered it 404
    repo = InMemoryTrendRepository()
    repo.add(_state(1), _members(1), score=5.0)
    settings_ = ApiSettings.model_validate({"TABLE_NAME": "t-test", "CURSOR_SECRET": "x" * 20})
    app = build_resolver(repo, InMemoryFeedStateRepository(), settings_, lambda: NOW)
    get = app.resolve(make_http_event("GET", path), FakeLambdaContext())
    head = app.resolve(make_http_event("HEAD", path), FakeLambdaContext())

    assert head["statusCode"] == get["statusCode"] == 200
    assert head["body"] == ""
    assert get["body"]
    for name in ("Content-Type", "Cache-Control", "ETag", "Content-Security-Policy"):
        assert head["headers"].get(name) == get["headers"].get(name), name
    # and a HEAD of an unknown address is still a 404
    assert app.resolve(make_http_event("HEAD", "/nope"), FakeLambdaContext())["statusCode"] == 404


def test_feeds_link_to_the_public_base_url_when_one_is_set() -> None:
    # behind the CDN, API Gateway's own host reaches the function: the feeds must not send
    # subscribers (their self link, every item) around the CDN
    repo = InMemoryTrendRepository()
    repo.add(_state(1), _members(1), score=5.0)
    origin = {"host": "abc123.execute-api.eu-west-1.amazonaws.com"}
    for public, expected in (("https://news.example", "https://news.example/"),
                             ("", "https://abc123.execute-api.eu-west-1.amazonaws.com/")):
        settings_ = ApiSettings.model_validate({"TABLE_NAME": "t-test", "CURSOR_SECRET": "x" * 20,
                                                "PUBLIC_BASE_URL": public})
        app = build_resolver(repo, InMemoryFeedStateRepository(), settings_, lambda: NOW)
        for path in ("/trends.rss", "/trends.atom"):
            body = app.resolve(make_http_event("GET", path, headers=origin), FakeLambdaContext())["body"]
            links = re.findall(r'(?:href="|<link>)(https?://[^"<]+)', body)
            assert links, path
            assert all(link.startswith(expected) for link in links), (path, links)
    with pytest.raises(ValidationError):
        ApiSettings.model_validate({"TABLE_NAME": "t", "PUBLIC_BASE_URL": "https://news.example/"})


def test_stylesheet_is_served_with_a_long_cache() -> None:
    reply = _api(InMemoryTrendRepository())("/assets/site.css")

    assert reply["statusCode"] == 200
    assert reply["headers"]["Content-Type"].startswith("text/css")
    assert reply["headers"]["Cache-Control"] == "public, max-age=86400"
    assert "@import" not in reply["body"], "no external resource"
    assert "url(" not in reply["body"], "no external resource"


def test_print_keeps_the_brief_s_sources_and_drops_the_navigation() -> None:
    # Printed, the closed "Sources cited" hid the list the brief's [n] marks point to, the filter
    # chips and site links took a quarter of page one, and trend cards broke across pages
    css = _api(InMemoryTrendRepository())("/assets/site.css")["body"]
    printed = css[css.index("@media print{"):]

    assert "#brief-sources::details-content" in printed
    assert "content-visibility:visible" in printed
    assert re.search(r"header\.site nav,[^{]*\.filters[^{]*\{display:none\}", printed)
    assert re.search(r"\.card,[^{]*\{break-inside:avoid\}", printed)
    # "3h ago" on paper says when: the exact UTC time of its tooltip follows it
    assert 'time[title]::after{content:" (" attr(title) ")"}' in printed


def test_the_chart_s_axis_labels_grow_where_the_chart_is_drawn_small() -> None:
    # the 640-unit chart is drawn ~330px wide on a phone: its 11px labels came out under 6px
    css = _api(InMemoryTrendRepository())("/assets/site.css")["body"]
    assert re.search(r"@media \(max-width:30rem\)\{[^@]*svg\.chart \.axis\{font-size:20px\}", css)
    chart = velocity_chart([(NOW - timedelta(hours=1), 12.4), (NOW, 3.0)], title="t")
    # room left of the plot for "12.4" at 20 units (the label ends 4 units before the y axis)
    assert 'x1="60"' in chart
    assert '<text x="56" y="22" text-anchor="end" class="axis">12.4</text>' in chart


class _WithTrackRecord(InMemoryTrendRepository):
    def prediction_track_record(self) -> Any:
        from headlinez.domain.prediction import TrackRecord

        return TrackRecord(scored=40, correct=30, always_fades_correct=20, persistence_correct=24)


def test_how_it_works_shows_the_track_record_or_says_there_is_none() -> None:
    page = _api(_WithTrackRecord())("/how-it-works")["body"]
    empty = _api(InMemoryTrendRepository())("/how-it-works")["body"]

    assert "40 hourly predictions scored (one per trend and hour), 75% came true" in page
    assert "always \u201cfades\u201d 50%" in page
    assert "no prediction has been scored yet" in empty
    for section in ("velocity", "status", "prediction", "contract", "freshness"):
        assert f'id="{section}"' in page


def test_how_it_works_states_the_lifecycle_s_own_thresholds() -> None:
    from headlinez.domain import lifecycle

    page = _api(InMemoryTrendRepository())("/how-it-works")["body"]

    # The page once said "below 60%" and "below 10%" while the rules used 55% and 25%
    assert f"below {lifecycle.FADE_SHARE * 100:g}% of its peak pace" in page
    assert f"below {lifecycle.COOLED_SHARE * 100:g}% of its peak pace" in page
    assert f"{lifecycle.COOL_MAX_HOURS:g} hours (15 newsrooms or more)" in page
    assert "60%" not in page
    # and every badge's title is the same sentence
    assert f'title="{lifecycle.STATUS_MEANINGS["fading"]}"' in _api(_listed("fading"))("/")["body"]


def _listed(status: str) -> InMemoryTrendRepository:
    repo = InMemoryTrendRepository()
    repo.add(_state(1).model_copy(update={"status": status}), score=1.0)
    return repo


def test_related_trends_show_why_on_the_page_and_in_the_json() -> None:
    # Given a trend related to another with a reason
    other = _state(2)
    detail, text = _related_page(other, RelatedTrend(trend_id=other.trend_id, headline=other.headline,
                                                     score=0.66, reason="shares: Iran, Geneva"))
    # Then the JSON carries the reason and the page says it beside the link
    assert detail["related"][0]["reason"] == "shares: Iran, Geneva"
    assert f"{other.headline} (shares: Iran, Geneva)" in text
    assert detail["related"][0]["label"] is None, "a trend needs no label"


def test_the_coverage_heading_says_when_a_listed_newsroom_only_ran_wire_copy() -> None:
    repo = InMemoryTrendRepository()
    # three publisher families listed, two independent (the third republished wire copy)
    repo.add(_state(1, source_families=["f0", "f1"]), _members(1), score=5.0)
    repo.add(_state(2), _members(2), score=4.0)
    get = _api(repo)

    def heading(n: int) -> str:
        page = get(f"/trend/{_state(n).trend_id}")["body"]
        section = page.split('id="coverage"', 1)[1]
        return " ".join(re.sub(r"<[^>]+>", "", section.split("</h2>", 1)[0].split(">", 1)[1]).split())

    groups = len(json.loads(get(f"/trends/{_state(1).trend_id}")["body"])["newsrooms"])
    assert groups == 3
    assert heading(1).endswith("by 3 newsrooms, 2 independent")
    assert "independent" not in heading(2)


def test_a_related_candidate_is_labelled_as_one() -> None:
    # A related story covered by one newsroom is no trend yet: the list says so, as lists do
    other = _state(2, source_families=["a"])
    detail, text = _related_page(other, RelatedTrend(trend_id=other.trend_id, headline=other.headline,
                                                     score=0.6, reason="shares: Iran", candidate_newsrooms=1))
    assert detail["related"][0]["label"] == "candidate (1 newsroom)"
    assert f"{other.headline} candidate (1 newsroom) (shares: Iran)" in text


def _related_page(other: TrendState, related: RelatedTrend) -> tuple[dict[str, Any], str]:
    """Trend 1 listing `other` as related: its JSON detail and its page's text."""
    repo = InMemoryTrendRepository()
    state = _state(1).model_copy(update={"related": [related]})
    repo.add(state, _members(1), score=5.0)
    repo.add(other, _members(2), score=4.0)
    get = _api(repo)
    detail = json.loads(get(f"/trends/{state.trend_id}")["body"])
    text = " ".join("".join(_assert_inert(get(f"/trend/{state.trend_id}")["body"]).text).split())
    return detail, text


def test_prediction_text_says_chance_below_half_and_confidence_above() -> None:
    from headlinez.views.schemas import Prediction
    from headlinez.web.pages import prediction_text

    assert prediction_text(Prediction(text="fades by tomorrow", code="fades", confidence=0.78)) == (
        "predicts: fades by tomorrow \u00b7 78% confidence")
    continues = Prediction(text="still in the news tomorrow", code="continues", confidence=0.3)
    assert prediction_text(continues) == (
        "predicts: still in the news tomorrow \u00b7 30% chance, above the usual")
    assert prediction_text(Prediction(text="stays quiet tomorrow", code="quiet")) == (
        "predicts: stays quiet tomorrow")


# --- templates ----------------------------------------------------------------------------------------


def test_templates_escape_hostile_titles_briefs_and_urls() -> None:
    # Given a trend whose headlines, article titles, outlets and URLs are attacks, with a published
    # brief whose claims, answers and cited titles are attacks too
    repo = InMemoryTrendRepository()
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    state = _state(1, headline=payload, second_headline=payload, outlets=[payload])
    repo.add(state, _members(1, title=payload, outlet=payload, url="javascript:alert(3)"), score=1.0)
    brief = _brief(state.trend_id)
    brief = brief.model_copy(update={
        "paragraphs": [Paragraph(kind="what_happened", claims=[Claim(text=payload, evidence_ids=[1])])],
        "quick_answers": [QuickAnswer(question=payload, answer=payload, evidence_ids=[1])],
        "citations": [c.model_copy(update={"title": payload}) for c in brief.citations],
    })
    repo.put_brief(state.trend_id, {"pk": f"TREND#{state.trend_id}", "sk": "BRIEF",
                                    "doc": brief.model_dump_json()})

    # When the trend page and the home page are rendered by the templates
    get = _api(repo)
    documents = [get(f"/trend/{state.trend_id}")["body"], get("/")["body"]]

    # Then the attack is text (escaped by autoescape), never markup, and no javascript: URL is a link
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"
    for document in documents:
        parsed = _assert_inert(document)
        assert "<script" not in document
        assert "<img" not in document
        assert escaped in document
        assert payload in "".join(parsed.text)
        assert not any(
            (attrs.get("href") or "").lower().startswith("javascript") for _, attrs in parsed.tags
        )
    trend_page = documents[0]
    unlinked = f'<span class="unlinked" dir="auto">{escaped}</span>'
    assert trend_page.count(unlinked) == 4, "3 articles + 1 citation"
    assert "javascript:" not in trend_page
    assert '<a href="https://n.example/0" rel="noopener noreferrer" dir="auto">' in trend_page


def test_right_to_left_text_gets_its_own_direction_and_every_table_a_name() -> None:
    # An Arabic headline, claim, answer or outlet name inside a left-to-right page: without
    # dir="auto" a trailing "?" or a number jumps to the wrong end of the line
    repo = InMemoryTrendRepository()
    arabic = "محادثات جنيف النووية تستأنف؟"
    state = _state(1, headline=arabic, outlets=["الجزيرة"])
    repo.add(state, _members(1, title=arabic, outlet="الجزيرة"), score=1.0)
    brief = _brief(state.trend_id).model_copy(update={
        "paragraphs": [Paragraph(kind="what_happened", claims=[Claim(text=arabic, evidence_ids=[1])])],
        "quick_answers": [QuickAnswer(question="ماذا قال الوزير؟", answer=arabic, evidence_ids=[1])],
    })
    repo.put_brief(state.trend_id, {"pk": f"TREND#{state.trend_id}", "sk": "BRIEF",
                                    "doc": brief.model_dump_json()})

    page = _api(repo)(f"/trend/{state.trend_id}")["body"]

    assert re.search(r'<span class="claim" dir="auto"[^>]*>' + arabic, page)
    assert '<dt dir="auto">ماذا قال الوزير؟</dt>' in page
    assert f'<span dir="auto">{arabic}</span>' in page
    assert '<span class="outlet" dir="auto">الجزيرة</span>' in page
    # (and the chart's data table has a name a screen reader jumping between tables hears)
    assert "<caption>Hourly velocity, the chart's data</caption>" in page


def test_an_arabic_brief_paragraph_and_answer_run_right_to_left_as_blocks() -> None:
    # Two Arabic claims in a paragraph left to right: each wrapped line started at the left, and
    # the line the two shared showed the second claim's first words to the right of the first
    # claim's end, so a reader going right to left read them before it, and its citation before
    # the sentence. dir="auto" on the paragraph would not do: it looks past the claims (each has a
    # dir of its own) and finds no letter. Its direction is the first claim's.
    repo = InMemoryTrendRepository()
    first, second = "دشن ولي العهد الخط الجديد لمترو الرياض.", "يقول المسؤولون إن المترو سينقل ٣٠٠ ألف راكب."
    state = _state(1, headline=first)
    repo.add(state, _members(1), score=1.0)
    brief = _brief(state.trend_id).model_copy(update={
        "paragraphs": [
            Paragraph(kind="what_happened", claims=[Claim(text=first, evidence_ids=[1]),
                                                    Claim(text=second, evidence_ids=[2])]),
            Paragraph(kind="coverage", claims=[Claim(text=f"Outlet A focuses on \"{first}\".",
                                                     evidence_ids=[1])]),
        ],
        "quick_answers": [QuickAnswer(question="ماذا قال المسؤولون؟", answer=second, evidence_ids=[2]),
                          QuickAnswer(question="Where?", answer="In Riyadh.", evidence_ids=[1])],
    })
    repo.put_brief(state.trend_id, {"pk": f"TREND#{state.trend_id}", "sk": "BRIEF",
                                    "doc": brief.model_dump_json()})

    page = _api(repo)(f"/trend/{state.trend_id}")["body"]

    assert re.search(r'<p data-kind="what_happened" dir="rtl"><span class="claim" dir="auto"[^>]*>' + first,
                     page)
    # an English sentence quoting an Arabic headline stays left to right
    assert '<p data-kind="coverage" dir="ltr">' in page
    assert f'<dd dir="rtl"><span dir="auto">{second}</span>' in page
    assert '<dd dir="ltr"><span dir="auto">In Riyadh.</span>' in page


def test_chinese_and_japanese_sentences_of_a_brief_are_not_spaced_apart() -> None:
    # "。[2] 探测器…": an ASCII space after a full stop, which Chinese and Japanese never put
    # between sentences; English sentences keep theirs
    repo = InMemoryTrendRepository()
    state = _state(1)
    repo.add(state, _members(1), score=1.0)
    brief = _brief(state.trend_id).model_copy(update={"paragraphs": [
        Paragraph(kind="what_happened", claims=[Claim(text="嫦娥七号发射成功。", evidence_ids=[2]),
                                                Claim(text="探测器将在月球南极着陆。", evidence_ids=[1])]),
        Paragraph(kind="coverage", claims=[Claim(text="Talks resumed.", evidence_ids=[1]),
                                           Claim(text="Outlet B leads.", evidence_ids=[2])]),
    ]})
    repo.put_brief(state.trend_id, {"pk": f"TREND#{state.trend_id}", "sk": "BRIEF",
                                    "doc": brief.model_dump_json()})

    page = _api(repo)(f"/trend/{state.trend_id}")["body"]

    assert re.search(r'\[2\]</a></sup></span><span class="claim" dir="auto"[^>]*>探测器', page)
    assert re.search(r'\[1\]</a></sup></span> <span class="claim" dir="auto"[^>]*>Outlet B leads', page)


def test_outlet_names_in_a_card_and_the_coverage_list_are_isolated_from_each_other() -> None:
    # "الجزيرة, العربية" unisolated is one right-to-left run: the two names showed in the
    # reverse of the listed order, and the separators took sides
    repo = InMemoryTrendRepository()
    state = _state(1, outlets=["الجزيرة", "العربية", "BBC News"])
    members = _members(1, count=1, outlet="العربية", publisher_family="f0")
    members += _members(1, count=2, outlet="الجزيرة", publisher_family="f0")[1:]
    repo.add(state, members, score=1.0)

    home = _api(repo)("/")["body"]
    assert " · <bdi>الجزيرة</bdi>, <bdi>العربية</bdi>, <bdi>BBC News</bdi></p>" in home
    page = _api(repo)(f"/trend/{state.trend_id}")["body"]
    # a newsroom's article under another of its outlet names
    assert re.search(r" · <bdi>(الجزيرة|العربية)</bdi> · <a ", page)


def test_a_brief_without_quick_answers_says_what_the_coverage_does_not_yet_say() -> None:
    # Given a published brief whose evidence answered nothing and named no one to ask about
    repo = InMemoryTrendRepository()
    state = _state(1)
    repo.add(state, _members(1), score=1.0)
    brief = _brief(state.trend_id).model_copy(update={"quick_answers": []})
    repo.put_brief(state.trend_id, {"pk": f"TREND#{state.trend_id}", "sk": "BRIEF",
                                    "doc": brief.model_dump_json()})
    # Then the page says so in one line, not that answers are still to come with the brief
    page = _api(repo)(f"/trend/{state.trend_id}")["body"]
    assert "No quick answers: the coverage answers no question (who said what" in page
    assert "No quick answers yet" not in page


def test_the_template_environment_escapes_and_refuses_undefined_names() -> None:
    import jinja2

    from headlinez.web.pages import templates

    environment = templates()
    assert environment is templates(), "built once per execution environment"
    assert environment.undefined is jinja2.StrictUndefined
    assert environment.get_template("error.html").render(
        title="<b>x</b>", detail="<i>y</i>", errors=[], notice=""
    ).count("&lt;b&gt;x&lt;/b&gt;") == 2  # the <title> and the <h1>
    with pytest.raises(jinja2.UndefinedError):
        environment.get_template("error.html").render(title="x", errors=[], notice="")
    assert environment.from_string("{{ value }}").render(value="<x>") == "&lt;x&gt;"
    assert environment.from_string("{{ value|safe_url }}").render(value="javascript:alert(1)") == "None"


def test_join_lines_removes_breaks_beside_tags_and_keeps_one_space_in_text() -> None:
    from headlinez.web.templating import join_lines

    source = (
        '<p>\n  Every page says\n  when. <a\n    href="/x">x</a>\n  {% if a %}{{ b }}\n  c{% endif %}'
        '\n</p>\n'
    )
    assert join_lines(source) == (
        '<p>Every page says when. <a href="/x">x</a>{% if a %}{{ b }} c{% endif %}</p>'
    )


def test_templates_ship_in_the_package_and_jinja2_is_pinned_alike_for_the_layer() -> None:
    import tomllib
    from pathlib import Path

    from headlinez.web.templating import TEMPLATES_DIR

    repo = Path(__file__).resolve().parents[2]
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = pyproject["tool"]["setuptools"]["package-data"]["headlinez"]
    assert "web/templates/*.html" in package_data
    assert sorted(p.name for p in TEMPLATES_DIR.iterdir() if p.is_file()) == sorted(
        p.name for p in TEMPLATES_DIR.glob("*.html")
    ), "every template matches the package-data glob"
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("jinja2")]
    assert pins == ["jinja2==3.1.6"]
    requirements = (repo / "shared" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert pins[0] in requirements, "the shared layer installs the same Jinja2"


def test_the_how_page_says_whether_the_confidence_is_calibrated(monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from headlinez.domain import prediction
    from headlinez.web import pages

    def confidence_sentence() -> str:
        found = re.search(r"The confidence[^<]*", pages.how_page(None))
        assert found is not None
        return " ".join(found.group(0).split())

    # The shipped model carries no calibration, and the page says so
    assert "predicts: not yet calibrated against this site's own record" in confidence_sentence()
    calibrated = prediction.load_model().model_copy(update={"calibration": prediction.Calibration(
        slope=0.8, intercept=0.1, records=1234, trends=56, fitted_on="table headlinez-prod")})
    monkeypatch.setattr(pages, "load_prediction_model", lambda: calibrated)
    assert "predicts: calibrated on 1,234 of this site's own scored predictions, over 56 trends." \
        in confidence_sentence()


def test_the_how_page_states_the_grouping_time_bounds_the_clustering_uses() -> None:
    import re
    from datetime import timedelta

    from headlinez.domain.clustering import ClusterConfig
    from headlinez.web import pages

    found = re.search(r'<p id="story-windows">([^<]*)</p>', pages.how_page(None))
    assert found is not None
    text = " ".join(found.group(1).split())
    config = ClusterConfig()
    # The page's numbers are the clustering's own defaults, not a restatement
    assert f"covered in the last {config.join_max_gap // timedelta(hours=1)} hours" in text
    assert f"within {config.merge_max_gap // timedelta(hours=1)} hours of each other" in text


def test_the_card_counts_newsrooms_and_says_so() -> None:
    # the card lists outlets; two of them may print one wire story, so its count is of newsrooms
    repo = InMemoryTrendRepository()
    trend = _state(1, outlets=["AP via ABC News", "AP via Japan Today", "NPR"], source_families=["ap", "npr"])
    repo.add(trend, score=1.0)
    get = _api(repo)
    for page in (get("/")["body"], get(f"/trend/{trend.trend_id}")["body"]):
        counter = page.split('data-counter="sources"')[1].split("</div>")[0]
        assert "<dt>Newsrooms</dt>" in counter
        assert "<dd>2</dd>" in counter
        assert "wire copy count once" in counter
        assert "<dt>Sources</dt>" not in page


def test_the_site_notice_is_under_the_header_of_every_page_with_the_page_time() -> None:
    # Given the SITE_NOTICE setting (the local stack's replay sets it), with markup in it
    repo = InMemoryTrendRepository()
    repo.add(_state(1), _members(1))
    notice = "Replay: the news as it stood at {now} <b>not bold</b>."
    get = _api(repo, site_notice=notice)
    paths = ["/", f"/trend/{_state(1).trend_id}", "/feed-health", "/how-it-works"]
    expected = f"Replay: the news as it stood at {NOW:%Y-%m-%d %H:%M} UTC &lt;b&gt;not bold&lt;/b&gt;."
    for path in paths:
        # When a page is served
        body = get(path)["body"]
        # Then the notice is on it once, as text, with the page's time, at the end of the header
        # (inside the banner landmark, before main)
        assert body.count(expected) == 1, path
        assert body.index("</nav>") < body.index('class="site-notice"') < body.index("</header>")
    # and without the setting there is no notice
    assert "site-notice" not in _api(repo)("/")["body"]


def test_a_site_notice_longer_than_a_line_is_a_settings_error() -> None:
    with pytest.raises(ValueError, match="SITE_NOTICE"):
        ApiSettings.model_validate({"TABLE_NAME": "t", "SITE_NOTICE": "x" * 301})


def test_how_it_works_keeps_the_space_after_a_conditional_sentence() -> None:
    # the templates' line joining dropped the line break after `{% endif %}`: "measures.The figure"
    body = _api(InMemoryTrendRepository())("/how-it-works")["body"]
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert "measures. The figure shown" in text
    paragraphs = [re.sub(r"<[^>]+>", "", inner) for inner in re.findall(r"<p[^>]*>(.*?)</p>", body, re.S)]
    assert [p for p in paragraphs if re.search(r"[a-z]\.[A-Z][a-z]", p)] == [], "two sentences glued"


def test_an_invalid_parameter_page_names_the_parameter_and_what_it_accepts() -> None:
    get = _api(InMemoryTrendRepository())
    reply = get("/", {"status": "bogus"})
    assert reply["statusCode"] == 422
    assert reply["headers"]["Content-Type"].startswith("text/html")
    body = reply["body"]
    errors = body.split('<ul id="errors">', 1)[1].split("</ul>", 1)[0]
    # the page said "see errors" and showed none: a page reader has no JSON to look at
    assert "see errors" not in body
    assert "<code>status</code>" in errors
    assert "rising" in errors
    assert "This parameter is invalid" in body


def test_a_claim_s_citations_stay_on_the_line_of_its_last_word() -> None:
    # "[2][5][7]" broke between "]" and "[" (and before the first), and the citations opening the
    # next line read as the next sentence's sources
    repo = InMemoryTrendRepository()
    state = _state(1)
    repo.add(state, _members(1), score=5.0)
    repo.put_brief(state.trend_id, {"pk": f"TREND#{state.trend_id}", "sk": "BRIEF",
                                    "doc": _brief(state.trend_id).model_dump_json()})
    page = _api(repo)(f"/trend/{state.trend_id}")["body"]
    assert re.search(r'</span><span class="cites">(?:\u2060|&#8288;)<sup><a href="#cite-1"', page)
    # word joiners, not nowrap on the whole run: "Negotiators".[10][11][7]" in large text overflowed
    # a phone's screen (overflow-wrap breaks the joined run between two marks, never inside one)
    assert re.search(r'\[1\]</a></sup>(?:\u2060|&#8288;)<sup><a href="#cite-2"', page)
    css = _api(repo)("/assets/site.css")["body"]
    assert ".cites sup{white-space:nowrap}" in css
    assert "overflow-wrap:break-word" in css
    assert ".cites{white-space:nowrap}" not in css


def test_a_single_prediction_is_one_time_and_a_slow_story_is_not_at_zero() -> None:
    from headlinez.views.schemas import PredictionTally, TrackRecordView
    from headlinez.web.pages import track_record_text
    from headlinez.web.svg import velocity_text

    tallies = [PredictionTally(code="continues", text="still in the news tomorrow", said=1, right=0),
               PredictionTally(code="fades", text="fades by tomorrow", said=2, right=2)]
    track = TrackRecordView(scored=3, accuracy=2 / 3, always_fades_accuracy=1.0, persistence_accuracy=0.5,
                            by_prediction=tallies)
    text = track_record_text(track)
    assert "\u201cstill in the news tomorrow\u201d 1 time, right in 0" in text
    assert "\u201cfades by tomorrow\u201d 2 times, right in 2" in text
    # a velocity of 0.046 read "Velocity 0", as if the story had stopped
    assert [velocity_text(v) for v in (0.0, 0.004, 0.046, 0.05, 1.25, 12.0)] == [
        "0", "<0.01", "0.05", "0.1", "1.2", "12"]


def test_a_candidate_states_no_forecast_a_trend_does() -> None:
    # The model is fitted and scored on stories of 2+ newsrooms: a one-article candidate showed
    # "still in the news tomorrow · 65% confidence", a forecast nothing had ever checked
    repo = InMemoryTrendRepository()
    forecast = {"prediction": "still in the news tomorrow", "prediction_code": "continues",
                "prediction_confidence": 0.65}
    trend = _state(1).model_copy(update=forecast)
    candidate = _state(2).model_copy(update={**forecast, "source_count": 1, "source_families": ["a"],
                                             "detected_at": None})
    repo.add(trend, _members(1), score=5.0)
    repo.add(candidate, _members(2), score=1.0)
    get = _api(repo)

    assert json.loads(get(f"/trends/{trend.trend_id}")["body"])["prediction"]["confidence"] == 0.65
    assert json.loads(get(f"/trends/{candidate.trend_id}")["body"])["prediction"] is None
    page = get(f"/trend/{candidate.trend_id}", {"include": "candidates"})["body"]
    assert "still in the news tomorrow" not in page
    assert "65%" not in page


def test_scrolled_tables_current_filters_charts_and_the_pager_reach_every_reader() -> None:
    # Given a feed and more trends than one page holds
    repo = InMemoryTrendRepository()
    for n in range(21):
        repo.add(_state(n).model_copy(update={"status": "fading"}), score=float(n))
    feeds = InMemoryFeedStateRepository([FeedState(feed_id="x", url="https://x.example/rss", outlet="X")])
    get = _api(repo, feeds)

    # On a phone the feed-health table scrolls sideways in its box: a keyboard reaches the box
    # (Safari gives no scroller focus of its own) and a screen reader hears the table's name there
    health = get("/feed-health")["body"]
    assert '<div class="table-wrap" role="region" aria-labelledby="feeds-caption" tabindex="0">' in health
    assert '<caption id="feeds-caption">Every feed we read</caption>' in health
    css = get("/assets/site.css")["body"]
    assert re.search(r"[^}]*\.table-wrap:focus-visible[^{]*\{outline:3px solid", css)
    # In forced colours the current filter's fill and white text were replaced (it looked like
    # every other chip), and SVG fill and stroke are not forced (grey labels and blue bars faded on
    # a black theme): both take system colours there
    forced = css[css.index("@media (forced-colors:active){"):]
    forced = forced[: forced.index("}}") + 2]
    assert ".chips a[aria-current=page]{background:SelectedItem;color:SelectedItemText}" in forced
    assert "svg.chart .bar,svg.chart .axis{fill:CanvasText}" in forced
    assert ".sparkline .spark-line{stroke:CanvasText}" in forced
    # The pager's arrow is not read aloud ("More trends right arrow")
    home = get("/", {"status": "fading"})["body"]
    assert 'rel="next">More trends <span aria-hidden="true">→</span></a>' in home
    # ... and the page it leads to has a title of its own (in the history, the tabs, a reader's
    # list of windows)
    assert "<title>Trends · Fading · headlinez</title>" in home
    cursor = re.search(r'href="/\?status=fading&amp;cursor=([^"&]+)" rel="next"', home)
    assert cursor is not None
    second = get("/", {"status": "fading", "cursor": html.unescape(cursor.group(1))})["body"]
    assert "<title>Trends · Fading · more · headlinez</title>" in second


def test_the_tab_title_isolates_the_headline_from_the_site_name() -> None:
    repo = InMemoryTrendRepository()
    state = _state(1, headline="دشن ولي العهد الخط الجديد لمترو الرياض")
    repo.add(state, _members(1), score=1.0)
    page = _api(repo)(f"/trend/{state.trend_id}")["body"]
    assert "<title>&#x2068;دشن ولي العهد الخط الجديد لمترو الرياض&#x2069; · headlinez</title>" in page


def test_a_quotation_in_the_other_direction_is_isolated_in_its_claim() -> None:
    # "Al Jazeera leads with "دشن ..."" : the closing mark and the words after it were placed by
    # the bidi algorithm among the Arabic words; the quotation is now a <bdi> of its own
    repo = InMemoryTrendRepository()
    state = _state(1)
    repo.add(state, _members(1), score=1.0)
    arabic = "دشن ولي العهد الخط الجديد لمترو الرياض"
    brief = _brief(state.trend_id).model_copy(update={"paragraphs": [
        Paragraph(kind="what_happened", claims=[Claim(text="The metro opened.", evidence_ids=[1])]),
        Paragraph(kind="coverage", claims=[
            Claim(text=f'Al Jazeera leads with "{arabic}", BBC with "<b>x</b>".', evidence_ids=[1])]),
    ]})
    repo.put_brief(state.trend_id, {"pk": f"TREND#{state.trend_id}", "sk": "BRIEF",
                                    "doc": brief.model_dump_json()})
    page = _api(repo)(f"/trend/{state.trend_id}")["body"]
    escaped = "BBC with &quot;&lt;b&gt;x&lt;/b&gt;&quot;."
    assert f"Al Jazeera leads with &quot;<bdi>{arabic}</bdi>&quot;, {escaped}" in page


def test_an_article_in_another_language_is_marked_with_it_in_the_coverage_list() -> None:
    # a screen reader read Hindi headlines in the page's English voice
    repo = InMemoryTrendRepository()
    state = _state(1)
    hindi = _members(1, count=1)[0].model_copy(update={"title": "मुंबई में भारी बारिश", "language": "hi"})
    english = _members(1, count=2)[1].model_copy(update={"language": "en-US"})
    repo.add(state, [hindi, english], score=1.0)
    page = _api(repo)(f"/trend/{state.trend_id}")["body"]
    assert 'rel="noopener noreferrer" dir="auto" lang="hi">मुंबई में भारी बारिश</a>' in page
    assert 'lang="en-US"' not in page  # English, as the page is
    articles = _api(repo)(f"/trends/{state.trend_id}/articles")["body"]
    assert '"language":"hi"' in articles.replace(" ", "")
