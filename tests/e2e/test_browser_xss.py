"""XSS: hostile feeds, ingested by the local stack, render inert in a real browser.

The feed folder is written here, in the test's temporary directory: three outlets covering one
made-up story, with script and `javascript:` payloads in titles, summaries, links and GUIDs (raw,
entity-escaped, double-escaped and in CDATA), plus feed files whose *names* (the outlet names the
local stack derives from them) are payloads. Every page is opened in headless Chromium: no dialog
may open, no script may run, no element may carry an event handler or a non-http(s) link.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import artifact, chromium
from tests.e2e.stack import RunningStack, local_stack

pytestmark = [pytest.mark.e2e]

NOW = "2026-02-18T04:00:00Z"
STORY = "Harbor bridge collapse in Springfield strands commuters"
ANGLES = {
    "alpha": "as rescuers search the river",
    "beta": "while engineers inspect the cables",
    "gamma": "and the mayor orders an inquiry",
    "delta": "says the port authority",
}
TITLE_PAYLOADS = [
    "<script>window.__xss = 1; alert('title')</script>",
    "&lt;script&gt;window.__xss = 2&lt;/script&gt;",
    "&amp;lt;img src=x onerror=alert(3)&amp;gt;",
    "<![CDATA[<svg onload=alert(4)>]]>",
    '"><img src=x onerror=alert(5)>',
    '<a href="javascript:alert(6)">click</a>',
]
LINK_PAYLOADS = [
    "javascript:alert('{outlet}-{n}')",
    "JaVaScRiPt:alert('{outlet}-{n}')",
    "data:text/html,&lt;script&gt;alert('{outlet}-{n}')&lt;/script&gt;",
    'https://news.example/{outlet}/a"&gt;&lt;script&gt;alert(10)&lt;/script&gt;',
    "https://news.example/{outlet}/ok-{n}",
    "https://news.example/{outlet}/b?x=&lt;script&gt;alert(11)&lt;/script&gt;",
]
HOSTILE_FILE_NAMES = ["<img src=x onerror=alert(12)>.xml", "javascript:alert(13).xml"]


def _title(payload: str, n: int, outlet: str) -> str:
    text = f"{STORY} {ANGLES[outlet]} (update {n})"
    if payload.startswith("<![CDATA["):
        return payload.replace("]]>", f" {text}]]>")
    if "<" in payload:
        return f"{payload} {text}".replace("<script>", "&lt;script&gt;").replace(
            "</script>", "&lt;/script&gt;"
        )
    return f"{payload} {text}"


def _rss(outlet: str) -> str:
    items = []
    for n, (title, link) in enumerate(zip(TITLE_PAYLOADS, LINK_PAYLOADS, strict=True)):
        title_xml = (
            _title(title, n, outlet).replace('"><img', "&quot;&gt;&lt;img").replace("<a href", "&lt;a href")
        )
        title_xml = title_xml.replace(">click</a>", "&gt;click&lt;/a&gt;")
        items.append(f"""
    <item>
      <title>{title_xml}</title>
      <link>{link.format(outlet=outlet, n=n)}</link>
      <guid isPermaLink="false">javascript:alert('guid-{outlet}-{n}')</guid>
      <description>&lt;script&gt;alert('summary')&lt;/script&gt;&lt;img src=x onerror=alert(14)&gt;
        {STORY}</description>
      <pubDate>Wed, 18 Feb 2026 0{n % 3 + 1}:{10 + n}:00 GMT</pubDate>
    </item>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{outlet} &lt;script&gt;alert(15)&lt;/script&gt;</title>
<link>https://{outlet}.example/</link><description>hostile</description>{"".join(items)}
</channel></rss>
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    root = tmp_path_factory.mktemp("xss")
    feeds = root / "feeds"
    feeds.mkdir()
    for outlet in ("alpha", "beta", "gamma"):
        (feeds / f"{outlet}.xml").write_text(_rss(outlet), encoding="utf-8")
    for name in HOSTILE_FILE_NAMES:
        (feeds / name).write_text(_rss("delta"), encoding="utf-8")
    with local_stack(
        "--feeds-dir",
        str(feeds),
        "--all-files",
        "--now",
        NOW,
        "--cycles",
        "1",
        "--no-persist",
        "--state-dir",
        str(root / "state"),
        timeout=120,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


_INERT_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
    }
  }
  for (const a of document.querySelectorAll('a[href]')) {
    if (!['http:', 'https:'].includes(a.protocol)) bad.push('link ' + a.getAttribute('href'));
  }
  for (const el of document.querySelectorAll('[src], iframe, object, embed, img, script')) {
    bad.push('element ' + el.tagName);
  }
  return {bad, scripts: document.scripts.length, xss: window.__xss === undefined ? null : window.__xss,
          text: document.body.innerText};
}"""


def _visit(page: Any, url: str, dialogs: list[str]) -> dict[str, Any]:
    page.goto(url)
    page.wait_for_load_state("load")
    result: dict[str, Any] = page.evaluate(_INERT_CHECK)
    assert dialogs == [], f"a dialog opened on {url}: {dialogs}"
    assert result["xss"] is None, f"a payload script ran on {url}"
    assert result["scripts"] == 0, url
    assert result["bad"] == [], url
    return result


def test_hostile_feeds_render_inert(stack: RunningStack, browser: Any) -> None:
    trends = stack.get_json("/trends?limit=100")["items"]
    story = [t for t in trends if "harbor bridge" in t["headline"].lower()]
    assert story, [t["headline"] for t in trends]
    assert max(t["sources"] for t in story) >= 3, "the three hostile outlets cover one story"

    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        home = _visit(page, stack.base_url + "/", dialogs)
        assert "Harbor bridge collapse" in home["text"]
        page.screenshot(path=str(artifact("xss-home.png")), full_page=True)
        for trend in story:
            detail = _visit(page, f"{stack.base_url}/trend/{trend['id']}", dialogs)
            assert "Coverage (" in detail["text"]
        page.screenshot(path=str(artifact("xss-trend.png")), full_page=True)
        health = _visit(page, stack.base_url + "/feed-health", dialogs)
        # The file names are outlet names here: they reached the page, as text.
        assert "<img src=x onerror=alert(12)>.xml" in health["text"]
        assert "javascript:alert(13).xml" in health["text"]
        page.screenshot(path=str(artifact("xss-feed-health.png")), full_page=True)
        for path in ("/how-it-works", "/topic/harbor", "/?status=rising", "/trend/tffffffffffffff0"):
            _visit(page, stack.base_url + path, dialogs)
    finally:
        context.close()


def test_hostile_feeds_leave_the_json_and_xml_well_formed(stack: RunningStack) -> None:
    import urllib.request
    import xml.etree.ElementTree as ET

    for path in ("/trends.rss", "/trends.atom"):
        with urllib.request.urlopen(stack.base_url + path, timeout=30) as response:
            ET.fromstring(response.read())
    for item in stack.get_json("/trends?limit=100")["items"]:
        for article in stack.get_json(f"/trends/{item['id']}")["coverage"]:
            assert article["url"].startswith(("http://", "https://")), article["url"]
    assert Path  # keep the import used by type checkers
