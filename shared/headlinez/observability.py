"""Powertools Logger, Metrics and Tracer, configured the same way for every function."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import utils as logging_utils


def powertools(service: str) -> tuple[Logger, Metrics, Tracer]:
    """One Logger/Metrics/Tracer triple per function; `headlinez.*` loggers log through it.

    The Tracer patches botocore only: patching everything would import httpx and requests
    into every function's cold start, including the API's.
    """
    logger = Logger(service=service)
    logging_utils.copy_config_to_registered_loggers(source_logger=logger, include={"headlinez"})
    return logger, Metrics(service=service), Tracer(service=service, patch_modules=("botocore",))
