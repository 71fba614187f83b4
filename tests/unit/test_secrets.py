"""Secrets through Powertools Parameters (headlinez.adapters.secrets): a stubbed provider, no network."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import BaseProvider
from aws_lambda_powertools.utilities.parameters import base as parameters_base

from headlinez.adapters.claude import resolve_api_key
from headlinez.adapters.secrets import SECRET_MAX_AGE_SECONDS, cursor_secret, secret_string
from headlinez.settings import ApiSettings, BriefSettings

CURSOR_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:CursorSecret-abc"
KEY_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:anthropic-xyz"


class StubProvider(BaseProvider):
    """Secrets Manager in a dict; counts what it is asked (Powertools caches in front of it)."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.values = values
        self.asked: list[str] = []

    def _get(self, name: str, **sdk_options: Any) -> str:
        self.asked.append(name)
        return self.values[name]

    def _get_multiple(self, path: str, **sdk_options: Any) -> dict[str, str]:
        raise NotImplementedError


@pytest.fixture
def default_provider() -> Iterator[StubProvider]:
    """The stub as Powertools' default "secrets" provider (what `get_secret` uses)."""
    stub = StubProvider({CURSOR_ARN: "c" * 48, KEY_ARN: '{"api_key": "sk-from-secret"}'})
    providers = parameters_base.DEFAULT_PROVIDERS  # type: ignore[attr-defined]
    saved = providers.get("secrets")
    providers["secrets"] = stub
    yield stub
    if saved is None:
        providers.pop("secrets", None)
    else:
        providers["secrets"] = saved
    parameters.clear_caches()  # type: ignore[no-untyped-call]


def test_a_secret_is_read_once_per_max_age(default_provider: StubProvider) -> None:
    # Given the default provider (get_secret) and a secret read twice
    first = secret_string(CURSOR_ARN)
    second = secret_string(CURSOR_ARN)

    # Then Secrets Manager is asked once: the second read is Powertools' in-memory cache
    assert first == second == "c" * 48
    assert default_provider.asked == [CURSOR_ARN]
    assert SECRET_MAX_AGE_SECONDS == 300


def test_the_cursor_key_is_the_secret_when_deployed_and_the_variable_locally(
        default_provider: StubProvider) -> None:
    deployed = ApiSettings.model_validate({"TABLE_NAME": "t-test", "CURSOR_SECRET_ARN": CURSOR_ARN})
    assert cursor_secret(deployed) == "c" * 48
    local = ApiSettings.model_validate({"TABLE_NAME": "t-test", "CURSOR_SECRET": "l" * 20})
    assert cursor_secret(local) == "l" * 20
    assert default_provider.asked == [CURSOR_ARN]


def test_a_short_cursor_secret_is_refused() -> None:
    deployed = ApiSettings.model_validate({"TABLE_NAME": "t-test", "CURSOR_SECRET_ARN": CURSOR_ARN})
    with pytest.raises(ValueError, match="shorter than 16"):
        cursor_secret(deployed, StubProvider({CURSOR_ARN: "short"}))


def test_the_anthropic_key_comes_from_its_secret_through_parameters(default_provider: StubProvider) -> None:
    settings = BriefSettings.from_env({"TABLE_NAME": "t-test", "ANTHROPIC_API_KEY_SECRET_ARN": KEY_ARN})
    assert resolve_api_key(settings) == "sk-from-secret"
    assert resolve_api_key(settings) == "sk-from-secret"
    assert default_provider.asked == [KEY_ARN]  # cached with a max age


def test_a_provider_can_be_passed_and_a_plain_secret_is_the_key() -> None:
    settings = BriefSettings.from_env({"TABLE_NAME": "t-test", "ANTHROPIC_API_KEY_SECRET_ARN": KEY_ARN})
    stub = StubProvider({KEY_ARN: " sk-plain \n"})
    assert resolve_api_key(settings, stub) == "sk-plain"
    assert stub.asked == [KEY_ARN]
