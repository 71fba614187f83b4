"""Powertools Logger, Metrics and Tracer, configured the same way for every function."""

from __future__ import annotations

from typing import Protocol

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import utils as logging_utils

from headlinez.settings import estimate_cost_usd


def powertools(service: str) -> tuple[Logger, Metrics, Tracer]:
    """One Logger/Metrics/Tracer triple per function; `headlinez.*` loggers log through it.

    The Tracer patches botocore only: patching everything would import httpx and requests
    into every function's cold start, including the API's.
    """
    logger = Logger(service=service)
    logging_utils.copy_config_to_registered_loggers(source_logger=logger, include={"headlinez"})
    return logger, Metrics(service=service), Tracer(service=service, patch_modules=("botocore",))


class _Usage(Protocol):
    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int
    cache_read_input_tokens: int


def llm_cost_usd(model: str, usage: _Usage) -> float:
    """The LlmCostUsd metric's value: `usage` priced at headlinez.settings.MODEL_PRICES (0 for an
    unknown model, which the logs name at the call)."""
    cost = estimate_cost_usd(model, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
                             cache_write_tokens=usage.cache_creation_input_tokens,
                             cache_read_tokens=usage.cache_read_input_tokens)
    return round(cost or 0.0, 6)
