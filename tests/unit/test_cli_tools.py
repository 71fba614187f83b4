"""The evaluation commands answer input they cannot read with one `error:` line and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from headlinez.cli import main

ROW = '{"id": "1", "title": "a", "published": "2026-01-01T00:00:00Z"}\n'


@pytest.mark.parametrize(("content", "expected"), [
    (ROW + "{bad\n", "bad.jsonl:2: not an article row"),
    ('{"id": "1", "title": "a"}\n', "bad.jsonl:1: no 'published' field"),
    ('{"id": "1", "title": "a", "published": "2026-01-01T00:00:00"}\n', "has no time zone"),
    ("[1, 2]\n", "bad.jsonl:1: not an article row"),
    ("", "bad.jsonl: no articles"),
])
@pytest.mark.parametrize("command", [["eval", "clustering"], ["eval", "category"], ["backtest"]])
def test_a_dataset_it_cannot_read_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    command: list[str], content: str, expected: str) -> None:
    dataset = tmp_path / "bad.jsonl"
    dataset.write_text(content, encoding="utf-8")

    assert main([*command, str(dataset)]) == 2

    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert expected in err
    assert "Traceback" not in err


def test_backtest_refuses_an_end_before_its_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = tmp_path / "articles.jsonl"
    dataset.write_text('{"id": "1", "title": "a", "published": "2026-02-17T00:00:00Z"}\n', encoding="utf-8")

    assert main(["backtest", str(dataset), "--start", "2026-02-18", "--end", "2026-02-10"]) == 2
    assert "must be after --start" in capsys.readouterr().err


def test_a_setting_out_of_range_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = tmp_path / "articles.jsonl"
    dataset.write_text('{"id": "1", "title": "a", "published": "2026-02-17T00:00:00Z"}\n', encoding="utf-8")

    assert main(["eval", "clustering", str(dataset), "--threshold", "7"]) == 2
    assert capsys.readouterr().err.startswith("error: invalid setting: ")
