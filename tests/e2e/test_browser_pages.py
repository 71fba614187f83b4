"""The pages in headless Chromium, on the local stack over the 26 news feeds of the snapshot.

Home → the biggest trend (most independent sources) → every section of the trend page is there
and agrees with GET /trends/{id}. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import SNAPSHOT_FEEDS, requires_data
from tests.e2e.browser import artifact, chromium
from tests.e2e.stack import RunningStack, local_stack

pytestmark = [pytest.mark.e2e, requires_data]

NOW = "2026-02-18T04:00:00Z"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    state = tmp_path_factory.mktemp("browser-stack")
    with local_stack(
        "--feeds-dir",
        str(SNAPSHOT_FEEDS),
        "--now",
        NOW,
        "--cycles",
        "1",
        "--no-persist",
        "--state-dir",
        str(state),
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def _all_trends(stack: RunningStack) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    path = "/trends?limit=100"
    while path:
        body = stack.get_json(path)
        items.extend(body["items"])
        path = f"/trends?limit=100&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    return items


def _text(page: Any, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())


def test_home_to_the_biggest_trend_every_section_matches_the_api(stack: RunningStack, page: Any) -> None:
    biggest = max(_all_trends(stack), key=lambda t: (t["sources"], t["articles"]))
    detail = stack.get_json(f"/trends/{biggest['id']}")

    # Given the home page
    page.goto(stack.base_url + "/")
    assert page.locator("h1").inner_text() == "Trends"
    assert "Feeds checked" in _text(page, "#freshness")
    assert page.locator("ol.trends > li").count() >= 10
    assert page.locator("nav[aria-label=Category] a").count() == 9
    page.screenshot(path=str(artifact("home.png")), full_page=True)
    # When the biggest trend is clicked (following "More trends" if it is not on the first page)
    card = page.locator(f"#trend-{biggest['id']} h2 a")
    while card.count() == 0:
        page.locator("a[rel=next]").click()
        card = page.locator(f"#trend-{biggest['id']} h2 a")
    card.click()
    page.wait_for_url(f"**/trend/{biggest['id']}")
    page.screenshot(path=str(artifact("trend.png")), full_page=True)
    # Briefs are published in the background after the cycle: compare with the data as of now.
    detail = stack.get_json(f"/trends/{biggest['id']}")

    # Then the page shows the trend of the API, section by section
    assert _text(page, "#headline") == " ".join(detail["headline"].split())
    if detail["second_headline"]:
        assert _text(page, "#second-headline") == " ".join(detail["second_headline"].split())
    counters = {key: _text(page, f"#trend header [data-counter={key}] dd") for key in ("sources", "articles")}
    assert counters == {"sources": str(detail["sources"]), "articles": str(detail["articles"])}
    if detail["growth_percent"] is not None:
        assert f"{detail['growth_percent']:+d}% since detected" in _text(page, "#trend header")
    badges = _text(page, "#trend header .badges")
    if detail["status"]:
        assert detail["status"].capitalize() in badges
    if detail["category"]:
        assert detail["category"].capitalize() in badges
    if detail["prediction"]:
        assert f"predicts: {detail['prediction']['text']}" in badges
    for section in ("velocity", "brief", "answers", "coverage", "topics", "related"):
        assert page.locator(f"section#{section} h2").count() == 1, section
    assert page.locator("#velocity svg.chart rect.bar").count() == len(detail["velocity_series"])
    assert "article rate × newsroom diversity" in _text(page, "#velocity-explanation")
    newsrooms = len(detail["newsrooms"])
    plural = "" if newsrooms == 1 else "s"
    independent = f", {detail['sources']} independent" if detail["sources"] < newsrooms else ""
    assert _text(page, "#coverage h2") == (
        f"Coverage ({detail['articles']}) by {newsrooms} newsroom{plural}{independent}")
    # The coverage is grouped by newsroom: each newsroom once, then its articles
    assert page.locator("#coverage ol.coverage > li.newsroom").count() == len(detail["newsrooms"])
    grouped = [article for group in detail["newsrooms"] for article in group["articles"]]
    rows = page.locator("#coverage ol.coverage li[data-article]")
    assert rows.count() == len(detail["coverage"]) == len(grouped)
    links = page.locator("#coverage ol.coverage li[data-article] a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == [c["url"] for c in grouped if c["url"].startswith(("http://", "https://"))]
    assert all(links.nth(i).get_attribute("rel") == "noopener noreferrer" for i in range(links.count()))
    titles = [" ".join(rows.nth(i).locator("a, .unlinked").inner_text().split()) for i in range(rows.count())]
    assert titles == [" ".join(c["title"].split()) for c in grouped]
    if detail["brief"] is None:
        assert detail["brief_status"] == "queued"
        assert _text(page, "#brief p").startswith(("Brief queued", "A brief exists but cannot be shown"))
        assert "No quick answers yet" in _text(page, "#answers")
    else:
        brief = detail["brief"]
        assert brief["fact_check"]["label"] in _text(page, "#brief-check")
        assert page.locator("#brief p[data-kind]").count() == len(brief["paragraphs"])
        removed = brief["fact_check"]["removed_claims"]
        assert page.locator("#removed-claims li").count() == len(removed)
        assert page.locator("#answers dt").count() == len(brief["quick_answers"])
    topics = page.locator("#topics a")
    assert [topics.nth(i).inner_text() for i in range(topics.count())] == [
        t["name"] for t in detail["topics"]
    ]
    if not detail["topics"]:
        assert _text(page, "#topics p") == "No topics identified yet."
    related = page.locator("#related a")
    assert related.count() == len(detail["related"])
    # And the page is script-free, keyboard-reachable and raised no console error (CSP included)
    assert page.evaluate("document.scripts.length") == 0
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.errors == []  # type: ignore[attr-defined]


def test_pages_are_readable_on_a_phone(stack: RunningStack, browser: Any) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    try:
        for name, path in (
            ("home-phone.png", "/"),
            ("feed-health-phone.png", "/feed-health"),
            ("how-it-works-phone.png", "/how-it-works"),
        ):
            page.goto(stack.base_url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{path} scrolls sideways ({width}px)"
            page.screenshot(path=str(artifact(name)), full_page=False)
        trend_id = stack.get_json("/trends?limit=1")["items"][0]["id"]
        page.goto(f"{stack.base_url}/trend/{trend_id}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # the 640-unit chart is drawn ~340px wide: its axis labels stay legible (they were 5.6px)
        label = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('svg.chart text.axis')).fontSize)"
            " * document.querySelector('svg.chart').getBoundingClientRect().width / 640"
        )
        assert label >= 9, f"chart axis labels drawn {label:.1f}px high"
        page.screenshot(path=str(artifact("trend-phone.png")), full_page=False)
    finally:
        context.close()


def test_large_text_on_a_phone_does_not_scroll_sideways_and_print_keeps_the_sources(
    stack: RunningStack, browser: Any
) -> None:
    # A reader's default font at 32px (a phone's largest text setting): a long word in a headline,
    # or a claim's last word held to its citation marks, pushed the trend page sideways
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    try:
        session = context.new_cdp_session(page)
        session.send("Page.enable")
        session.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 32}})
        detail = _briefed_trends(stack, 1)[0]
        for path in ("/", f"/trend/{detail['id']}"):
            page.goto(stack.base_url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} scrolls sideways with large text ({width}px)"
        # Printed, the brief's sources are on paper and the filters and site links are not (a page
        # of its own: the font sizes' CDP session drops the media emulation on navigation)
        printed = context.new_page()
        printed.emulate_media(media="print")
        printed.goto(f"{stack.base_url}/trend/{detail['id']}")
        assert printed.locator("#brief-sources li").first.is_visible()
        assert not printed.locator("header.site nav").is_visible()
        printed.goto(stack.base_url + "/")
        assert not printed.locator(".filters").is_visible()
    finally:
        context.close()


def test_current_filters_and_charts_stay_visible_in_forced_colours_and_wide_tables_take_focus(
    stack: RunningStack, browser: Any
) -> None:
    # A Windows contrast theme replaced the current chip's fill and white text (it looked like the
    # others) and left the chart's grey labels and blue bars faint on black (SVG is not forced)
    context = browser.new_context(viewport={"width": 360, "height": 780}, forced_colors="active",
                                  color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(stack.base_url + "/?status=fading")
        status = page.locator("nav[aria-label=Status]")
        current = status.locator("a[aria-current=page]")
        assert current.get_attribute("href") == "/?status=fading"
        background = "e => getComputedStyle(e).backgroundColor"
        # (its fill was forced to the page's own Canvas colour)
        assert current.evaluate(background) != page.locator("body").evaluate(background)
        page.goto(f"{stack.base_url}/trend/{stack.get_json('/trends?limit=1')['items'][0]['id']}")
        text = page.evaluate("getComputedStyle(document.body).color")
        assert page.locator("svg.chart text.axis").first.evaluate("e => getComputedStyle(e).fill") == text
        assert page.locator("svg.chart rect.bar").first.evaluate("e => getComputedStyle(e).fill") == text
        # On a phone the feed-health table scrolls inside its box: Tab reaches the box, named
        page.goto(stack.base_url + "/feed-health")
        wrap = page.locator(".table-wrap")
        assert wrap.evaluate("e => e.scrollWidth > e.clientWidth"), "the table scrolls in its box"
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('table-wrap')"):
                break
        else:
            raise AssertionError("Tab never reached the scrolled feed table")
        assert page.get_by_role("region", name="Every feed we read").count() == 1
    finally:
        context.close()


def test_pages_send_csp_and_answer_conditional_gets(stack: RunningStack) -> None:
    with urllib.request.urlopen(stack.base_url + "/", timeout=30) as response:
        csp = response.headers["Content-Security-Policy"]
        etag = response.headers["ETag"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp
    request = urllib.request.Request(stack.base_url + "/trends?limit=5")
    with urllib.request.urlopen(request, timeout=30) as response:
        api_etag = response.headers["ETag"]
        assert json.loads(response.read())["items"]
    for path, tag in (("/trends?limit=5", api_etag),):
        conditional = urllib.request.Request(stack.base_url + path, headers={"If-None-Match": tag})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(conditional, timeout=30)
        assert caught.value.code == 304
    assert etag.startswith('W/"')


def test_tampered_cursor_is_400_not_500(stack: RunningStack) -> None:
    cursor = stack.get_json("/trends?limit=2")["next_cursor"]
    for path in (
        f"/trends?limit=2&cursor={cursor[:-2]}AA",
        f"/trends?category=world&cursor={cursor}",
        f"/?cursor={cursor[:-2]}AA",
    ):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(stack.base_url + path, timeout=30)
        assert caught.value.code == 400, path


def _briefed_trends(stack: RunningStack, wanted: int, *, with_answers: bool = False) -> list[dict[str, Any]]:
    """Up to `wanted` details of public trends with a published brief (briefs are written in the
    background after the cycle, within seconds with the offline engine: wait for them); with
    `with_answers`, briefs with at least one quick answer (thin coverage may leave none)."""
    deadline = time.monotonic() + 90
    while True:
        found = []
        for trend in sorted(_all_trends(stack), key=lambda t: (-t["sources"], t["id"])):
            detail = stack.get_json(f"/trends/{trend['id']}")
            if detail["brief"] is not None and (detail["brief"]["quick_answers"] or not with_answers):
                found.append(detail)
            if len(found) == wanted:
                return found
        if time.monotonic() > deadline:
            return found
        time.sleep(2)


def test_three_trends_have_quick_answers_of_their_own(stack: RunningStack, page: Any) -> None:
    # Given three different trends with a brief
    details = _briefed_trends(stack, 3, with_answers=True)
    assert len(details) == 3, "fewer than three briefed trends with quick answers after the first cycle"
    questions: list[tuple[str, ...]] = []
    for detail in details:
        # When each trend page is opened
        page.goto(f"{stack.base_url}/trend/{detail['id']}")
        shown = page.locator("#answers dt")
        asked = tuple(" ".join(shown.nth(i).inner_text().split()) for i in range(shown.count()))
        # Then it shows the brief's questions, each answered with citations or plainly unanswered
        assert asked == tuple(" ".join(q["question"].split()) for q in detail["brief"]["quick_answers"])
        assert 1 <= len(asked) <= 3
        for answer in detail["brief"]["quick_answers"]:
            assert answer["citations"] or answer["answer"].startswith("Coverage does not yet specify")
        assert "Which outlets are covering it?" not in asked
        questions.append(asked)
    page.screenshot(path=str(artifact("trend-answers.png")), full_page=True)
    # and the three trends do not share one set of questions
    assert len(set(questions)) == 3, questions
