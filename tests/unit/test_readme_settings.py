"""The README's settings table states the defaults the code has (one said 10 where the code says 50)."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

from headlinez import settings

_ROW = re.compile(r"^\| `([A-Z_]+)` \| [a-z, ]+ \| ([0-9][0-9,]*) \|", re.MULTILINE)


def _defaults() -> dict[str, object]:
    found: dict[str, object] = {}
    for model in (settings.IngestSettings, settings.FanOutSettings, settings.ClusterSettings,
                  settings.ApiSettings, settings.BriefSettings):
        for field in model.model_fields.values():
            if field.alias:
                found.setdefault(field.alias, field.default)
    return found


def test_every_numeric_default_in_the_readme_is_the_codes() -> None:
    rows = _ROW.findall((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    defaults = _defaults()
    checked = 0
    for name, stated in rows:
        if name in defaults:
            assert float(defaults[name]) == float(stated.replace(",", "")), name  # type: ignore[arg-type]
            checked += 1
    assert checked >= 10, rows
