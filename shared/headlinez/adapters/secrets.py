"""Secrets read through Powertools Parameters: Secrets Manager, cached in memory with a max age.

One GetSecretValue per secret and execution environment per `SECRET_MAX_AGE_SECONDS`; a rotated
value is picked up within that time. Tests pass a `provider` (a Powertools `BaseProvider`) instead
of the default SecretsProvider, so no network is needed.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import BaseProvider

from headlinez.settings import ApiSettings

SECRET_MAX_AGE_SECONDS = 300


def secret_string(name: str, *, provider: BaseProvider | None = None,
                  max_age: int = SECRET_MAX_AGE_SECONDS) -> str:
    """The SecretString (or UTF-8 SecretBinary) of secret `name` (an ARN or a name)."""
    value = (parameters.get_secret(name, max_age=max_age) if provider is None
             else provider.get(name, max_age=max_age))
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if not isinstance(value, str):
        raise TypeError(f"secret {name} is not a string")
    return value


def cursor_secret(settings: ApiSettings, provider: BaseProvider | None = None) -> str:
    """The API's cursor-signing key: the CURSOR_SECRET_ARN secret when set (deployed), else
    CURSOR_SECRET (the local stack and the tests)."""
    if not settings.cursor_secret_arn:
        return settings.cursor_secret
    value = secret_string(settings.cursor_secret_arn, provider=provider).strip()
    if len(value) < 16:
        raise ValueError("the cursor secret is shorter than 16 characters")
    return value
