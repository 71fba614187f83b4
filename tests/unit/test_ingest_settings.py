"""IngestSettings: the dedupe keys must outlive the archive age (else listed entries come back as new)."""

from __future__ import annotations

import pytest

from headlinez.settings import FanOutSettings, IngestSettings, SettingsError

BASE = {"TABLE_NAME": "headlinez-test"}


def test_article_keys_must_live_at_least_as_long_as_the_archive_age() -> None:
    assert IngestSettings.from_env(BASE).article_ttl_days == 14
    assert IngestSettings.from_env({**BASE, "ARTICLE_TTL_DAYS": "30", "MAX_ARTICLE_AGE_DAYS": "7"})
    # keys gone after 7 days while a feed may still list a 13-day-old entry: stored again as new
    for settings in (IngestSettings, FanOutSettings):
        with pytest.raises(SettingsError) as refused:
            settings.from_env({**BASE, "ARTICLE_TTL_DAYS": "7"})
        assert "ARTICLE_TTL_DAYS (7) must be at least MAX_ARTICLE_AGE_DAYS (14)" in str(refused.value)
