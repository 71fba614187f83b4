"""Wiring of the brief Lambdas (functions/brief_*): settings -> adapters -> BriefService, and the
one handler shape they share (`BriefStep`).

The one module of this package that imports adapters; domain modules never import it. The
Claude adapter (and with it `anthropic`, ~2.5 s to import) is imported only when an API key is
configured, so the offline engine's cold start stays light.

"Now" is not a clock of this module: every step input carries the run's time (`StepInput.now`,
which the state machine's Init copies from the request's requested_at), and the service reads it
from there; the wall clock only dates an input without it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache, wraps
from typing import Any, TypeVar

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ValidationError

from headlinez.adapters.brief_store import DynamoBriefStore
from headlinez.adapters.table import StorageError
from headlinez.briefs.checker import CheckConfig
from headlinez.briefs.errors import BriefInputError, StorageThrottledError
from headlinez.briefs.evidence import EvidenceLimits
from headlinez.briefs.extractive import ExtractiveGenerator
from headlinez.briefs.models import StepInput, TokenUsage
from headlinez.clock import UtcClock
from headlinez.observability import llm_cost_usd, powertools
from headlinez.ports import BriefGenerator, ClaimVerifier
from headlinez.services.briefs import BriefPolicy, BriefService
from headlinez.settings import BriefSettings

StepModel = TypeVar("StepModel", bound=BaseModel)
Request = TypeVar("Request", bound=StepInput)
LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]
# The JMESPath of the correlation id in every step's input: the Step Functions execution id.
CORRELATION_ID_PATH = "execution_id"
__all__ = ["CORRELATION_ID_PATH", "BriefStep", "StepModel", "generator", "parse_step", "policy", "service",
           "usage_delta", "verifier"]


class BriefStep:
    """One brief Lambda: its Powertools Logger/Metrics/Tracer and the parse -> step -> dump shape.

        step = BriefStep("brief-load", settings)

        @step.handler(LoadInput)
        def handler(request: LoadInput) -> LoadResult:
            return service(settings).load(request)

    `handler` validates the event with the input model (a bad one is a BriefInputError, never
    retried by the flow), puts the execution id as `correlation_id` (and the trend, the attempt)
    into every log line of the invocation, traces the step as a subsegment, flushes the metrics
    the step added with `count`/`measure`, and returns the result model as JSON.
    """

    def __init__(self, service_name: str, settings: BriefSettings) -> None:
        self.logger, self.metrics, self.tracer = powertools(service_name)
        self.settings = settings

    def count(self, name: str, value: float = 1) -> None:
        self.metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def count_llm_usage(self, model: str, used: TokenUsage) -> None:
        """The tokens one step's model calls used, and their estimated cost (the dashboard's LLM
        widgets sum them over the generate and check steps)."""
        self.count("LlmInputTokens", used.all_input_tokens)
        self.count("LlmOutputTokens", used.output_tokens)
        self.count("LlmCacheReadTokens", used.cache_read_input_tokens)
        self.measure("LlmCostUsd", llm_cost_usd(model, used), MetricUnit.NoUnit)

    def measure(self, name: str, value: float, unit: MetricUnit) -> None:
        self.metrics.add_metric(name=name, unit=unit, value=value)

    def measure_budget_used(self, service: BriefService, now: datetime | None) -> None:
        """The day's spend against BRIEF_DAILY_TOKEN_BUDGET (TokenBudgetAlarm at 80%): one GetItem,
        after the paid call. A failed read is logged, never raised: failing the step now would
        have the state machine call the model again for a metric."""
        budget = self.settings.daily_token_budget
        try:
            spent = budget - service.budget_left(now)
        except (StorageError, StorageThrottledError, ClientError, BotoCoreError):
            self.logger.warning("token budget read failed: TokenBudgetUsedPercent not sent", exc_info=True)
            return
        self.measure("TokenBudgetUsedPercent", round(100 * spent / budget, 2), MetricUnit.Percent)

    def handler(self, model: type[Request]) -> Callable[[Callable[[Request], BaseModel]], LambdaHandler]:
        def wrap(step: Callable[[Request], BaseModel]) -> LambdaHandler:
            traced = self.tracer.capture_method(capture_response=False)(step)

            @wraps(step)
            def handle(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
                request = parse_step(model, event)
                keys: dict[str, object] = {"execution_id": request.execution_id, "trend_id": request.trend_id}
                if hasattr(request, "attempt"):
                    keys["attempt"] = request.attempt
                self.logger.append_keys(**keys)
                return traced(request).model_dump(mode="json")

            decorated = self.tracer.capture_lambda_handler(handle)
            decorated = self.metrics.log_metrics(decorated)
            # clear_state: keys appended by the last invocation of a warm container (its trend,
            # its attempt) must not label this one's lines
            return self.logger.inject_lambda_context(
                decorated, log_event=False, correlation_id_path=CORRELATION_ID_PATH, clear_state=True)

        return wrap


def parse_step(model: type[StepModel], event: Any) -> StepModel:
    """Validate a state's input; a bad one is a BriefInputError (never retried by the flow).

    Fields this version does not know are ignored: an execution started before a deploy finishes
    on the new code, and a rollback's on the old (headlinez.adapters.entities.documents)."""
    try:
        return model.model_validate(event, extra="ignore")
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
        raise BriefInputError(f"invalid {model.__name__}: {problems}") from exc


def policy(settings: BriefSettings) -> BriefPolicy:
    return BriefPolicy(
        evidence=EvidenceLimits(token_budget=settings.evidence_token_budget,
                                max_items=settings.max_evidence_items),
        min_new_facts=settings.min_new_facts, min_supported_percent=settings.min_supported_percent,
        max_attempts=settings.max_attempts, daily_token_budget=settings.daily_token_budget,
        check=CheckConfig(),
    )


@lru_cache(maxsize=4)
def service(settings: BriefSettings) -> BriefService:
    store = DynamoBriefStore.from_table_name(settings.table_name,
                                             brief_ttl=timedelta(days=settings.brief_ttl_days))
    # The wall clock dates only a step input without `now` (StepInput.now).
    return BriefService(store, UtcClock(), policy(settings))


@lru_cache(maxsize=4)
def generator(settings: BriefSettings) -> BriefGenerator:
    if not settings.llm_configured:
        return ExtractiveGenerator()
    from headlinez.adapters.claude import ClaudeBriefGenerator, claude_client

    return ClaudeBriefGenerator(claude_client(settings), settings.model)


@lru_cache(maxsize=4)
def verifier(settings: BriefSettings) -> ClaimVerifier | None:
    if not settings.llm_configured:
        return None
    from headlinez.adapters.claude import ClaudeVerifier, claude_client

    return ClaudeVerifier(claude_client(settings), settings.verifier_model)


def usage_delta(before: TokenUsage, after: TokenUsage) -> TokenUsage:
    return TokenUsage.model_validate({
        name: max(0, getattr(after, name) - getattr(before, name)) for name in TokenUsage.model_fields
    })
