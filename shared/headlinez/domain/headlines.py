"""Which member title can stand as a trend's headline.

A trend's main headline is the most representative *straight news report* of the story: the
title closest to the trend's centroid, among titles that are not an explainer, a gallery, a live
blog, a listicle, a quiz, a podcast, an opinion label or a question ("Can Bangladesh's old guard
build a new democracy?" is an analysis; "Key Bangladesh election returns old guard to power" the
report). Such titles are not forbidden (a story
covered only by a live blog still needs a headline): their score is multiplied by
``FORMAT_PENALTY`` so any straight report of similar closeness wins.

The second headline is a distinct angle from another newsroom: its word overlap with the first
(share of the shorter title's content words found in the other) must stay at or below
``ClusterConfig.second_headline_max_overlap`` (0.5), so it is never a paraphrase of the first,
and it is always a member of the same trend, so never from another story. A roundup title that
joins a second story after a sentence break ("Rev. Jesse Jackson has died. And, U.S. and Iran set
for high-stakes nuclear talks") is never the second headline nor a newsroom's headline in the
brief's coverage sentence: half of it is another story.
"""

from __future__ import annotations

import re

FORMAT_PENALTY = 0.5

# Each pattern marks a title format that is not a straight news report.
_FORMATS = re.compile(
    r"""
    \blive\b(?!\s+(?:music|nation|action|animal|stream)) | \blive[ -]?blog\b | as\ it\ happened
    | \bwhat\ (?:we|you)\ (?:know|need\ to\ know)\b | \bwhat\ to\ know\b | \bexplain(?:ed|er)\b
    | \b(?:in\ )?(?:photos|pictures|images)\b | \bgallery\b | \bwatch\b\s*[:|-]
    | ^\s*(?:video|watch|listen|podcast|quiz|opinion|analysis|editorial|comment)\b\s*[:|-]
    | \bpodcast\b | \bquiz\b | \bnewsletter\b | \bmorning\ briefing\b | \bthe\ week\ in\b
    | ^\s*(?:episode|ep\.?)\s*\d+\s*[:|.\u2013\u2014-]   # a podcast or show's episode ("Episode 212: ...")
    | ^\s*\d{1,3}\s+(?:\w+\s+){0,3}
      (?:things|ways|reasons|facts|photos|pictures|moments|takeaways|questions|best|most)\b
    | ^\s*(?:how|why)\s+\w+
    | \?\W*$
    """,
    re.IGNORECASE | re.VERBOSE,
)


def is_feature_format(title: str) -> bool:
    """True for explainers, galleries, live blogs, listicles, quizzes, podcasts and opinion labels."""
    return bool(_FORMATS.search(title))


# A sentence break (after a lowercase word: not "U.S."), then a capitalized conjunction that opens
# another item: a newsletter or radio rundown.
_ROUNDUP = re.compile(r"(?<=[a-z0-9]{2})[.?!]\s+(?:And|Plus|Also|Meanwhile|Elsewhere)\b[,:]?\s")


def is_roundup(title: str) -> bool:
    """True for a title that runs two stories together ("X has died. And, Y set for talks")."""
    return bool(_ROUNDUP.search(title))


def headline_weight(title: str) -> float:
    """Multiplier of a title's representativeness score when choosing the main headline."""
    return FORMAT_PENALTY if is_feature_format(title) or is_roundup(title) else 1.0


__all__ = ["FORMAT_PENALTY", "headline_weight", "is_feature_format", "is_roundup"]
