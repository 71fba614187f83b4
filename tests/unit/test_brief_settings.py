"""BriefSettings, the dated price table, and the Anthropic key lookup."""

from __future__ import annotations

from typing import Any

import pytest

from headlinez.adapters.claude import resolve_api_key
from headlinez.briefs.errors import LlmRequestError
from headlinez.settings import (
    MODEL_PRICES,
    MODEL_PRICES_AS_OF,
    BriefSettings,
    SettingsError,
    estimate_cost_usd,
)
from headlinez.wiring import brief_steps

BASE = {"TABLE_NAME": "headlinez-test"}


def test_defaults_are_offline_with_model_ids_as_settings() -> None:
    settings = BriefSettings.from_env(BASE)
    assert not settings.llm_configured
    assert (settings.model, settings.verifier_model) == ("claude-sonnet-5-5", "claude-haiku-5-5")
    assert settings.min_supported_percent == 80.0
    assert settings.max_attempts == 3
    assert type(brief_steps.generator(settings)).__name__ == "ExtractiveGenerator"
    assert brief_steps.verifier(settings) is None


def test_a_key_or_a_key_secret_selects_claude_unless_forced_offline() -> None:
    assert BriefSettings.from_env({**BASE, "ANTHROPIC_API_KEY": "sk-x"}).llm_configured
    secret = {**BASE, "ANTHROPIC_API_KEY_SECRET_ARN": "arn:aws:secretsmanager:x"}
    assert BriefSettings.from_env(secret).llm_configured
    forced = {**BASE, "ANTHROPIC_API_KEY": "sk-x", "BRIEF_ENGINE": "offline"}
    assert not BriefSettings.from_env(forced).llm_configured
    assert "sk-x" not in repr(BriefSettings.from_env({**BASE, "ANTHROPIC_API_KEY": "sk-x"}))


def test_bad_values_name_the_variable() -> None:
    with pytest.raises(SettingsError, match="BRIEF_MIN_SUPPORTED_PERCENT"):
        BriefSettings.from_env({**BASE, "BRIEF_MIN_SUPPORTED_PERCENT": "120"})
    with pytest.raises(SettingsError, match="BRIEF_ENGINE"):
        BriefSettings.from_env({**BASE, "BRIEF_ENGINE": "gpt"})


def test_the_price_table_is_dated_and_covers_the_default_models() -> None:
    assert MODEL_PRICES_AS_OF.startswith("2026-")
    defaults = BriefSettings.from_env(BASE)
    assert {defaults.model, defaults.verifier_model} <= set(MODEL_PRICES)
    cost = estimate_cost_usd("claude-sonnet-5-5", input_tokens=1_000_000, output_tokens=100_000,
                             cache_read_tokens=1_000_000)
    assert cost == pytest.approx(2.00 + 1.00 + 0.10)
    assert estimate_cost_usd("claude-unknown", input_tokens=1, output_tokens=1) is None


class _Secrets:
    def __init__(self, value: str) -> None:
        self.value = value
        self.asked: list[str] = []

    def get_secret_value(self, SecretId: str) -> dict[str, Any]:  # noqa: N803 - boto3's parameter name
        self.asked.append(SecretId)
        return {"SecretString": self.value}


@pytest.mark.parametrize("stored", ["sk-from-secret", '{"api_key": "sk-from-secret"}',
                                    '{"ANTHROPIC_API_KEY": "sk-from-secret"}'])
def test_the_key_comes_from_the_environment_or_the_secret(stored: str) -> None:
    assert resolve_api_key(BriefSettings.from_env({**BASE, "ANTHROPIC_API_KEY": "sk-env"})) == "sk-env"
    secrets = _Secrets(stored)
    settings = BriefSettings.from_env({**BASE, "ANTHROPIC_API_KEY_SECRET_ARN": "arn:secret"})
    assert resolve_api_key(settings, secrets) == "sk-from-secret"
    assert secrets.asked == ["arn:secret"]


def test_a_secret_without_a_key_is_a_request_error() -> None:
    settings = BriefSettings.from_env({**BASE, "ANTHROPIC_API_KEY_SECRET_ARN": "arn:secret"})
    with pytest.raises(LlmRequestError):
        resolve_api_key(settings, _Secrets('{"other": 1}'))
    with pytest.raises(LlmRequestError):
        resolve_api_key(BriefSettings.from_env(BASE))
