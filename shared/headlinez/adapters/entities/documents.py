"""Reading documents that another version of the code wrote.

A deploy runs two versions side by side for a while (one function updated before another; an SQS
message, an event or an execution started by the old code finishing on the new one), and a
rollback has the older version read what the newer one wrote. Writers are strict, readers lenient:

* a field this version does not know is ignored (`extra="ignore"` per call, nested models too),
  where the writers' own models may forbid it; the models that are rewritten whole from what was
  read (`Article`, `TrendState`, `FeedState`) keep such fields instead (`extra="allow"`), so an
  older version's rewrite does not erase a newer one's top-level fields (a new field of a nested
  model, a topic's or an hour's, is still lost: pydantic keeps extras per model); a pause patches
  the stored feed record as it is (`DynamoFeedRegistry.set_paused`);
* a value outside a closed vocabulary, such as a newer status or topic kind, reads as the
  models say (`models.TrendState.status`, `models.Topic.kind`), in this read only (the
  `models.STORED_READ` context): the code's own writes stay strict;
* a list read skips a document it still cannot read, logged with its key, so one item of a newer
  version cannot fail a whole list, page, shard or clustering run; a read that is rewritten (the
  feed states a poll updates) fails instead, since a skipped state would come back blank.

Inbound messages follow the first rule where they are parsed: a feed shard (`feed_worker`) and a
brief step's payload (`wiring.brief_steps.parse_step`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from headlinez.models import STORED_READ

logger = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=BaseModel)
ReadT = TypeVar("ReadT")


def read_document(model: type[ModelT], document: str | bytes | bytearray) -> ModelT:
    """`document` (JSON) as `model`, ignoring the fields this version does not know, or keeping
    them where the model allows them."""
    if model.model_config.get("extra") == "allow":
        return model.model_validate_json(document, context=STORED_READ)
    return model.model_validate_json(document, extra="ignore", context=STORED_READ)


def read_each(items: Iterable[Mapping[str, Any]], read: Callable[[Mapping[str, Any]], ReadT]) -> list[ReadT]:
    """`read` of every item this version can read; an unreadable one is skipped and logged."""
    results: list[ReadT] = []
    for item in items:
        try:
            results.append(read(item))
        except ValidationError as exc:
            logger.warning("stored item unreadable: skipped", extra={
                "pk": item.get("pk"), "sk": item.get("sk"), "errors": exc.error_count(),
                "first_error": exc.errors(include_url=False, include_input=False)[:1]})
    return results
