"""The backtest replay on a constructed stream, and on the real 2026-02-18 feed snapshot."""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from datetime import UTC, datetime, timedelta

from tests.conftest import DATA_DIR, requires_data

from headlinez.domain.prediction import daily_velocity, load_model
from headlinez.domain.text import title_fingerprint
from headlinez.evaluation.backtest import (
    balanced_accuracy,
    brier,
    methods,
    print_report,
    replay_stream,
    stream_embeddings,
)
from headlinez.evaluation.clustering_eval import load_dataset
from headlinez.models import Article

T0 = datetime(2026, 2, 15, 0, 0, tzinfo=UTC)
H = timedelta(hours=1)


def article(title: str, outlet: str, at: datetime) -> Article:
    digest = hashlib.sha256(f"{title}|{outlet}|{at.isoformat()}".encode()).hexdigest()
    return Article(article_id=digest, url=f"https://{outlet}.example/{digest[:10]}", title=title, summary="",
                   published=at, ingested_at=at, feed_id=outlet, outlet=outlet, publisher_family=outlet,
                   title_fingerprint=title_fingerprint(title))


def stream() -> list[Article]:
    """A two-day summit covered every few hours by six newsrooms, and one-off stories."""
    articles = []
    for hour in range(0, 54, 3):
        for n in range(2 + hour % 2):
            outlet = f"outlet{(hour + n) % 6}"
            at = T0 + hour * H + n * 10 * timedelta(minutes=1)
            day = hour // 24 + 1
            articles.append(article(f"Geneva summit on Arctic fisheries: delegates report day {day} "
                                    f"progress ({outlet} {hour} {n})", outlet, at))
    one_offs = ("Volcano erupts near remote island village", "Record crowd runs the city marathon",
                "Bakery wins national bread prize", "Weather satellite reaches orbit",
                "Orchestra premieres forgotten symphony", "Glacier retreat measured by drones")
    for index, title in enumerate(one_offs):
        articles.append(article(title, f"local{index}", T0 + (5 + 7 * index) * H))
    return articles


ONE_OFF_WORDS = ("Volcano", "marathon", "Bakery", "satellite", "Orchestra", "Glacier")


def test_predictions_are_recorded_hourly_and_scored_against_the_stream() -> None:
    replay = replay_stream(stream(), start=T0)
    # One prediction per trend and simulated hour at most
    per_hour = Counter((r.trend_id, r.made_at) for r in replay.records)
    assert per_hour
    assert max(per_hour.values()) == 1
    scored = [r for r in replay.records if r.outcome is not None]
    assert scored
    for record in scored:
        # The outcome is the band of D(due) / D(made), read from the final series
        trend = replay.final_trend(record.trend_id)
        assert trend is not None
        assert record.velocity_later == daily_velocity(trend, record.due_at)
        assert record.due_at == record.made_at + 24 * H
    # The summit, covered on both days, is "still in the news" a day later at times
    summit = [r for r in scored if "summit" in r.headline.lower()]
    assert summit
    assert Counter(r.outcome for r in summit)["continues"] > 0
    # One-offs (one newsroom each) are candidates, not trends: no prediction is recorded for them
    assert not [r for r in replay.records if any(word in r.headline for word in ONE_OFF_WORDS)]


def test_report_prints_the_model_beside_the_baselines() -> None:
    replay = replay_stream(stream(), start=T0)
    out = io.StringIO()
    record = print_report(replay, "constructed", out)
    text = out.getvalue()
    for label in ("model", "always 'fades'", "persistence", "balanced", "confusion"):
        assert label in text
    assert record.scored == sum(1 for r in replay.records if r.outcome is not None)


@requires_data
def test_snapshot_backtest_beats_both_baselines_on_the_held_out_days() -> None:
    # Given the 2026-02-18 snapshot replayed in 15-minute steps, scored only on the predictions made
    # from 2026-02-16 on (no item of those days was used to fit the model)
    articles = [row.article for row in load_dataset(DATA_DIR / "news_feed_snapshot_2026-02-18")]
    model = load_model()
    assert model.held_out_from == datetime(2026, 2, 16, tzinfo=UTC)
    replay = replay_stream(articles, embeddings=stream_embeddings(articles, lexical=False))
    scored = [r for r in replay.records if r.outcome is not None and r.made_at >= model.held_out_from]
    assert len(scored) >= 150
    # Then the model beats always-fades and persistence on balanced accuracy and Brier score
    figures = {name: (balanced_accuracy(scored, decide), brier(scored, predictor))
               for name, decide, predictor in methods()}
    model_balanced, model_brier = figures.pop("model")
    assert model_balanced is not None
    assert model_brier is not None
    for name, (balanced, score) in figures.items():
        assert balanced is not None
        assert score is not None
        assert model_balanced > balanced, (name, figures)
        assert model_brier < score, (name, figures)
    # And its stated (equal-prior) probabilities score better than the constant forecasts, the
    # training base rates and even odds, and better than its own training-prior probabilities
    briers = {name: brier(scored, predictor) for name, _, predictor in methods(model.class_rates)}
    for name in ("model, train prior", "base rates", "equal odds"):
        assert briers["model"] < briers[name], briers
