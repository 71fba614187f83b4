"""The per-story detection latency of `benchmarks/replay_measures.py --stories` (issue 9 §4):
stories as labelers group them, public when one public trend holds their articles from 2+
newsrooms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import ModuleType

import pytest
from tests.fakes import load_benchmark_module

from headlinez.models import Article

T0 = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)


def _module() -> ModuleType:
    return load_benchmark_module("replay_measures")


def _article(article_id: str, family: str, minutes: int) -> Article:
    at = T0 + timedelta(minutes=minutes)
    return Article(article_id=article_id, url=f"https://{family}.example/{article_id}", title=article_id,
                   published=at, ingested_at=at, feed_id=family, outlet=family, publisher_family=family,
                   title_fingerprint=article_id)


def test_latency_runs_from_the_second_newsroom_to_one_trend_holding_two_of_its_newsrooms() -> None:
    measures = _module()
    replay = measures.Replay(start=T0)
    replay.runs = [T0 + timedelta(minutes=15 * step) for step in range(12)]
    story = [_article("a1", "alpha", 0), _article("b1", "beta", 20), _article("c1", "gamma", 100)]
    # 30 and 45 min: the story's two newsrooms sit in two public trends (each public with other
    # articles), so it is not yet public as one trend; from 60 min one trend holds both.
    replay.public_members = [(run, []) for run in replay.runs[:2]]
    replay.public_members += [(run, [{"a1", "x"}, {"b1", "y"}]) for run in replay.runs[2:4]]
    replay.public_members += [(run, [{"a1", "b1"}]) for run in replay.runs[4:]]
    found, before = measures.story_latencies(replay, {"story": story})
    assert before == 0
    assert [(f.raw_minutes, f.after_poll_minutes) for f in found] == [(40.0, 30.0)]


def test_stories_under_three_newsrooms_or_starting_before_the_window_are_not_counted() -> None:
    measures = _module()
    replay = measures.Replay(start=T0)
    replay.runs = [T0 + timedelta(minutes=15 * step) for step in range(8)]
    replay.public_members = [(run, [{"a1", "b1", "d1", "e1", "f1"}]) for run in replay.runs]
    two_newsrooms = [_article("a1", "alpha", 0), _article("b1", "beta", 10), _article("b2", "beta", 20)]
    early = [_article("d1", "delta", -300), _article("e1", "epsilon", -200), _article("f1", "phi", 30)]
    found, before = measures.story_latencies(replay, {"two": two_newsrooms, "early": early})
    assert (found, before) == ([], 1)


def test_cooled_with_a_rise_counts_public_cooled_runs_showing_growth_above_zero(
        capsys: pytest.CaptureFixture[str]) -> None:
    measures = _module()
    replay = measures.Replay(start=T0)
    observation = measures.Observation
    replay.history["big"] = {
        T0: observation("cooled", 1.4, 6, True, growth=329, covered_again=True),
        T0 + timedelta(hours=1): observation("cooled", 0.2, 6, True, growth=-60),
        T0 + timedelta(hours=2): observation("fading", 2.0, 6, True, growth=40),  # not Cooled
    }
    replay.history["candidate"] = {T0: observation("cooled", 1.0, 1, True, growth=80)}  # not public
    replay.history["small"] = {T0: observation("cooled", 0.5, 2, True, growth=10)}
    share = measures.print_cooled_with_a_rise(replay)
    printed = capsys.readouterr().out
    assert share == 100.0 * 2 / 3
    assert "2 of 3 public Cooled trend-runs" in printed
    assert "+25% or more: 1 (1 trends)" in printed
    assert "marks 'covered again' beside the badge: 1 of 2" in printed
