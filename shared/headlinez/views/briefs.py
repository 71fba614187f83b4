"""The one integration point with the brief module (`headlinez.briefs`, another team's work).

The brief of a trend is stored in the trend's partition (pk=TREND#{id}, sk=BRIEF), so the
detail read (`TrendQueryRepository.get_trend_record`) brings the raw item along. This module
turns that item into the API's `BriefView` and nothing else touches the brief's storage shape:

`headlinez.briefs.models.PublishedBrief` validates the item's `doc` (JSON) and `brief_to_api`
gives the public form, validated as `BriefView`. A stored brief that cannot be shown (module
missing, shape changed) raises `BriefUnavailableError`: the page says so instead of pretending
there is no brief.

The import is lazy (only when a BRIEF item exists) so the API's cold start never pays for it, and
`headlinez.briefs.models` must not import the LLM SDK.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from headlinez.views.schemas import BriefView

logger = logging.getLogger(__name__)

BRIEF_MODULE = "headlinez.briefs.models"


class BriefUnavailableError(RuntimeError):
    """A brief is stored but cannot be shown (module missing or its shape changed)."""


def brief_view(item: Mapping[str, Any] | None, *, trend_id: str) -> BriefView | None:
    """The brief of a trend for the API, None when none is stored.

    Raises `BriefUnavailableError` when a brief is stored but cannot be turned into a `BriefView`:
    the caller shows that plainly instead of pretending there is no brief.
    """
    if item is None:
        return None
    try:
        from headlinez.briefs.models import PublishedBrief, brief_to_api  # lazy: cold start
    except ImportError as exc:
        logger.warning(
            "brief stored but the brief module is not installed",
            extra={"trend_id": trend_id, "brief_module": BRIEF_MODULE},
        )
        raise BriefUnavailableError("the brief module is not installed") from exc
    try:
        raw = item.get("doc")
        if not isinstance(raw, str):
            raise TypeError("the BRIEF item has no JSON `doc` attribute")
        # Fields a newer version added are ignored, as every stored read does
        # (headlinez.adapters.entities.documents)
        return BriefView.model_validate(brief_to_api(PublishedBrief.model_validate_json(raw, extra="ignore")))
    except (ValidationError, TypeError, ValueError) as exc:
        logger.error("stored brief cannot be shown", extra={"trend_id": trend_id, "error": str(exc)[:500]})
        raise BriefUnavailableError("the stored brief does not match the API's brief shape") from exc
