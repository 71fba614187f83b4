"""The offline default (issue 9 §1): after the replay of the snapshot, the first page is alive.

`headlinez up` offline replays the snapshot's last 36 hours up to its capture time (its newest
item) in hourly steps before serving (cli._replay_snapshot). This check runs exactly that replay:
37 steps, about 50 s on 2 idle cores (2026-12-06).
"""

from __future__ import annotations

import argparse
import html
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from headlinez.cli import _replay_snapshot
from tests.conftest import SNAPSHOT_FEEDS, requires_data
from tests.e2e.browser import artifact, chromium
from tests.e2e.stack import RunningStack, local_stack

pytestmark = [pytest.mark.e2e, requires_data]


def _offline_default() -> argparse.Namespace:
    default = argparse.Namespace(replay_from=None, replay_to=None, replay_step_minutes=None)
    _replay_snapshot(default, SNAPSHOT_FEEDS)
    return default


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    # Given the offline default's replay (its end is the snapshot's capture time)
    default = _offline_default()
    assert default.replay_to - default.replay_from == timedelta(hours=36)
    state = tmp_path_factory.mktemp("offline-replay")
    with local_stack("--feeds-dir", str(SNAPSHOT_FEEDS), "--replay-from", default.replay_from.isoformat(),
                     "--replay-to", default.replay_to.isoformat(),
                     "--replay-step-minutes", str(default.replay_step_minutes), "--cycles", "0",
                     "--no-persist", "--state-dir", str(state)) as running:
        # When the replay is done (the API then serves at the capture time)
        running.wait_for(r"replay: done at", timeout=300)
        yield running


def test_first_page_after_the_offline_replay_is_alive(replayed: RunningStack) -> None:
    # When a newcomer opens the first page
    page: dict[str, Any] = replayed.get_json("/trends")
    items = page["items"]
    moving = [t for t in items if t["velocity"] > 0]
    leading = [t for t in items if t["status"] in ("rising", "peaking") and t["sources"] >= 3]
    # Then it shows trends that move, and at least one rising or peaking story of 3+ newsrooms
    summary = [(t["status"], t["sources"], t["velocity"], t["headline"][:50]) for t in items]
    assert len(moving) >= 5, summary
    assert leading, summary
    with urllib.request.urlopen(replayed.base_url + "/", timeout=30) as response:
        home = response.read().decode("utf-8")
    assert html.escape(leading[0]["headline"], quote=False) in home or leading[0]["headline"] in home
    # and the page says it shows a replay, at the time it has reached (the capture time)
    capture = _offline_default().replay_to
    assert f"these pages show the news as it stood at {capture:%Y-%m-%d %H:%M} UTC" in home


def test_every_public_trend_has_a_brief_after_the_offline_replay(replayed: RunningStack) -> None:
    # The replay's steps run without the brief flow; at its end one clustering run starts the
    # backlog: every public trend has a published, checked brief when the replay says it is done
    output = replayed.output()
    assert "briefs: writing the briefs of the public trends" in output
    page: dict[str, Any] = replayed.get_json("/trends?limit=100")
    assert page["items"]
    missing = []
    for item in page["items"]:
        detail = replayed.get_json(f"/trends/{item['id']}")
        if detail["brief_status"] != "published" or not detail["brief"]:
            missing.append((detail["brief_status"], item["id"], item["sources"], item["headline"][:50]))
    briefs = [line for line in output.splitlines() if "brief" in line]
    assert not missing, (missing, [b[:600] for b in briefs if any(m[1] in b for m in missing)])


def test_the_hormuz_closure_is_its_own_trend_related_to_the_geneva_talks(replayed: RunningStack) -> None:
    # The Strait of Hormuz exercises joined the Geneva talks trend when it was one article; when
    # the closure reports arrive, clustering's split pass gives them a trend of their own (issue 8)
    items = replayed.get_json("/trends?limit=100")["items"]
    talks = [t for t in items if "guiding principles" in t["headline"] or "Geneva nuclear" in t["headline"]]
    closure = [t for t in items if "Hormuz" in t["headline"] and t["id"] not in {x["id"] for x in talks}]
    assert talks, [t["headline"] for t in items]
    assert closure, [t["headline"] for t in items]
    talks_detail = replayed.get_json(f"/trends/{talks[0]['id']}")
    closure_detail = replayed.get_json(f"/trends/{closure[0]['id']}")
    # Then they are two public trends, linked as related both ways
    assert closure_detail["sources"] >= 2
    assert closure[0]["id"] in [r["id"] for r in talks_detail["related"]]
    assert talks[0]["id"] in [r["id"] for r in closure_detail["related"]]
    # And the closure reports that left are no longer in the talks' coverage
    left = {a["article_id"] for a in closure_detail["coverage"]}
    assert left.isdisjoint(a["article_id"] for a in talks_detail["coverage"])
    assert all("Hormuz" in a["title"] or "shipping" in a["title"] for a in closure_detail["coverage"])


def test_the_replay_notice_reads_on_a_phone(replayed: RunningStack) -> None:
    # When a newcomer opens the home page on a phone after the replay
    capture = _offline_default().replay_to
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2,
                                      is_mobile=True)
        page = context.new_page()
        page.goto(replayed.base_url + "/")
        notice = page.locator("p.site-notice")
        # Then the notice under the header says which time the page shows, and fits the screen
        assert notice.is_visible()
        text = " ".join(notice.inner_text().split())
        assert text.startswith(f"Replay: these pages show the news as it stood at {capture:%Y-%m-%d %H:%M}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(artifact("replay-notice-phone.png")), full_page=False)
        context.close()
