"""Brief flow, Load: decide whether the trend changed materially; if so, number its evidence."""

from __future__ import annotations

from headlinez.briefs.models import LoadInput, LoadResult
from headlinez.settings import BriefSettings, brief_settings
from headlinez.wiring import brief_steps

settings: BriefSettings = brief_settings()
step = brief_steps.BriefStep("brief-load", settings)


@step.handler(LoadInput)
def handler(request: LoadInput) -> LoadResult:
    result = brief_steps.service(settings).load(request)
    if result.action == "skip":
        step.count("BriefsSkipped")
    else:
        step.count("BriefEvidenceItems", len(result.evidence))
    return result
