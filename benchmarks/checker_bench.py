"""Does the fact-checker catch invented facts? A claim-set benchmark on AllSides roundups.

From `allsides_dev` (each article's evidence: title + excerpt) it builds
  - supported claims: excerpt sentences, as they are and attributed to their outlet
    ("..., Fox News reported."), each citing its own article;
  - perturbed copies of them, one per type where applicable: a named entity swapped for one from
    another story, a number changed, a date changed (weekday, month, year), a quote altered or
    invented, the outlet attribution swapped, a negation added or removed;
and runs the deterministic checker (headlinez.briefs.checker) on every claim, with the story's
articles as the evidence pool. It prints, per perturbation type, the share caught, and the share
of supported claims wrongly removed, against the targets (>= 95% caught for entity, number,
date, quote and attribution; <= 5% of supported claims removed; negation is reported, without
a target: it is the verifier's job). With ANTHROPIC_API_KEY set it also runs the Claude verifier
on a sample of the claims that pass the deterministic checks.

Then it estimates tokens per brief for a typical trend (10 articles) and the cost per brief at
the configured models' prices (headlinez.settings.MODEL_PRICES, dated).

Usage: .venv/bin/python benchmarks/checker_bench.py [--stories N] [--seed S] [--show-misses K]
Exit status 1 when a target is missed; 0 (with a message) when the data folder is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("HEADLINEZ_DATA_DIR", REPO.parent / "shared" / "data"))
TARGET_CAUGHT = 95.0
TARGET_SUPPORTED_REMOVED = 5.0
TARGETED = ("entity", "number", "date", "quote", "attribution")
TYPES = (*TARGETED, "negation")
TYPICAL_TREND_ARTICLES = 10
# Tokens the API adds for tool use with tool_choice auto (the tool-use system prompt), per the
# Claude tool-use documentation; an assumption of this estimate, like CHARS_PER_TOKEN.
TOOL_USE_SYSTEM_TOKENS = 346
VERDICT_TOKENS_PER_CLAIM = 40

_AUX = re.compile(r"\b(is|are|was|were|will|would|can|could|should|has|have|had|does|did|do|may|might|"
                  r"must)\b")
_NEGATION = re.compile(r"\s+not\b|n't\b")
_STANDALONE_NUMBER = re.compile(r"(?<![\w\-.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w\-]|[.,]\d)|"
                                r"(?<![\w\-.,])\d+(?:\.\d+)?(?![\w\-]|[.,]\d)")
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


@dataclass
class Story:
    story_id: str
    evidence: list[Any]  # EvidenceItem
    vocabulary: set[str] = field(default_factory=set)


@dataclass
class Claim:
    text: str
    cited: int
    story: Story
    kind: str  # "supported" or a perturbation type
    variant: str = ""


def load_stories(folder: Path, limit: int | None) -> list[Story]:
    from headlinez.briefs.models import EvidenceItem
    from headlinez.briefs.text import word_stems

    articles = {}
    with (folder / "articles.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            articles[row["id"]] = row
    stories = []
    with (folder / "clusters.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            rows = [articles[a] for a in row["article_ids"] if a in articles]
            if len(rows) < 2:
                continue
            evidence = [EvidenceItem(
                id=n, article_id=a["id"], outlet=a["publisher"], publisher_family=a["publisher"],
                title=a["title"], snippet=a["summary"], url=a["url"],
                published=datetime.fromisoformat(a["published"].replace("Z", "+00:00")),
            ) for n, a in enumerate(rows, start=1)]
            vocabulary: set[str] = set()
            for item in evidence:
                vocabulary |= word_stems(item.text)
            stories.append(Story(row["story_id"], evidence, vocabulary))
            if limit and len(stories) >= limit:
                break
    return stories


def display_outlet(outlet: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*", " ", outlet).strip()


def supported_claims(stories: Sequence[Story]) -> list[Claim]:
    from headlinez.briefs.text import is_truncated, split_sentences, words

    claims = []
    for story in stories:
        for item in story.evidence:
            for sentence in split_sentences(item.snippet):
                count = len(words(sentence))
                if is_truncated(sentence) or not 8 <= count <= 45 or sentence.count('"') % 2:
                    continue
                if not sentence.endswith((".", "!", "?", '"')):
                    continue
                claims.append(Claim(sentence, item.id, story, "supported", "as stated"))
                body = sentence[:-1] if sentence.endswith(".") else sentence
                claims.append(Claim(f"{body}, {display_outlet(item.outlet)} reported.", item.id, story,
                                    "supported", "attributed"))
                clause = sentence.split(", ", 1)[0]
                if clause != sentence and len(words(clause)) >= 6 and clause.count('"') % 2 == 0:
                    claims.append(Claim(clause.rstrip(".") + ".", item.id, story, "supported",
                                        "first clause"))
    return claims


# --- perturbations -------------------------------------------------------------------------------


def _name_pool(stories: Sequence[Story]) -> list[tuple[str, str]]:
    from headlinez.briefs.text import STOPWORDS, name_sequences, split_sentences

    party_tag = re.compile(r"^[RDI]-[A-Z]")
    pool = []
    for story in stories:
        for item in story.evidence:
            for sentence in split_sentences(item.snippet):
                for name in name_sequences(sentence):
                    # A lone capitalized first word may be plain English ("Limiting threats ..."):
                    # a swap must put a real name in.
                    opening_word = " " not in name and (sentence.lstrip("\"'(\u201c").startswith(name)
                                                        or name.lower() in STOPWORDS)
                    if (len(name) > 3 and not opening_word and not party_tag.match(name)
                            and not any(w in _WEEKDAYS + _MONTHS for w in name.split())):
                        pool.append((story.story_id, name))
    return pool


def perturb_entity(claim: Claim, rng: random.Random, pool: Sequence[tuple[str, str]]) -> str | None:
    from headlinez.briefs.text import fold, name_sequences, outlet_aliases, quotes

    quoted = " ".join(quotes(claim.text))
    outlets = {a for item in claim.story.evidence for a in outlet_aliases(item.outlet)}
    names = [n for n in name_sequences(claim.text) if n not in quoted and n.lower() not in outlets
             and not any(w in _WEEKDAYS + _MONTHS for w in n.split())]
    if not names:
        return None
    target = rng.choice(names)
    for _ in range(50):
        story_id, replacement = rng.choice(pool)
        if story_id == claim.story.story_id:
            continue
        if any(fold(word) in claim.story.vocabulary for word in replacement.split()):
            continue  # an entity this story's coverage names would not be an invention
        return claim.text.replace(target, replacement, 1)
    return None


def _changed_number(token: str, rng: random.Random) -> str:
    plain = token.replace(",", "")
    if "." in plain:
        value = float(plain)
        return f"{value + rng.choice([0.5, 1.5, 2.0]):g}"
    value = int(plain)
    if 1900 <= value <= 2100:
        return str(value + rng.choice([-1, 1]))
    changed = value + rng.choice([1, 2, 10]) if value < 10 else rng.choice([value + 1, value * 2, value + 10])
    return f"{changed:,}" if "," in token else str(changed)


def perturb_number(claim: Claim, rng: random.Random) -> str | None:
    matches = list(_STANDALONE_NUMBER.finditer(claim.text))
    if matches:
        match = rng.choice(matches)
        return claim.text[:match.start()] + _changed_number(match.group(0), rng) + claim.text[match.end():]
    for word in _NUMBER_WORDS:
        found = re.search(rf"\b{word}\b", claim.text, re.IGNORECASE)
        if found:
            others = [w for w in _NUMBER_WORDS if w != word]
            return claim.text[:found.start()] + rng.choice(others) + claim.text[found.end():]
    return None


def perturb_date(claim: Claim, rng: random.Random) -> str | None:
    for names in (_WEEKDAYS, _MONTHS):
        present = [n for n in names if re.search(rf"\b{n}\b", claim.text)]
        if present:
            old = rng.choice(present)
            new = rng.choice([n for n in names if n not in present])
            return re.sub(rf"\b{old}\b", new, claim.text, count=1)
    years = [m for m in re.finditer(r"\b(19[5-9]\d|20[0-4]\d)\b", claim.text)]
    if years:
        match = rng.choice(years)
        year = int(match.group(0)) + rng.choice([-1, 1])
        return claim.text[:match.start()] + str(year) + claim.text[match.end():]
    return None


def perturb_quote(claim: Claim, rng: random.Random, fragments: Sequence[tuple[str, str]]
                  ) -> tuple[str, str] | None:
    from headlinez.briefs.text import normalize

    text = normalize(claim.text)
    quoted = [m for m in re.finditer(r'"([^"]*)"', text) if len(m.group(1).split()) >= 2]
    if quoted:
        match = rng.choice(quoted)
        words = match.group(1).split()
        positions = [i for i, w in enumerate(words) if len(w.strip(".,;:!?")) >= 4]
        if positions:
            i = rng.choice(positions)
            replacement = rng.choice(["never", "always", "totally", "certainly", "deeply", "wrong", "huge"])
            words[i] = replacement
            return text[:match.start(1)] + " ".join(words) + text[match.end(1):], "altered"
    for _ in range(50):
        story_id, fragment = rng.choice(fragments)
        if story_id != claim.story.story_id:
            body = text[:-1] if text.endswith(".") else text
            return f'{body}, one official said, calling it "{fragment}".', "invented"
    return None


def perturb_attribution(claim: Claim, rng: random.Random, outlets: Sequence[str]) -> str | None:
    from headlinez.briefs.text import mentions

    if claim.variant != "attributed":
        return None
    item = claim.story.evidence[claim.cited - 1]
    cited = display_outlet(item.outlet)

    def wrong(outlet: str) -> bool:  # an outlet the cited article itself names would be right
        return outlet != cited and not mentions(item.text, outlet)

    same_story = [display_outlet(i.outlet) for i in claim.story.evidence if wrong(display_outlet(i.outlet))]
    others = same_story or [o for o in outlets if wrong(o)]
    if not others:
        return None
    replacement = rng.choice(others)
    return claim.text[: claim.text.rfind(cited)] + replacement + " reported."


def perturb_negation(claim: Claim, rng: random.Random) -> str | None:
    negation = _NEGATION.search(claim.text)
    if negation:
        return claim.text[:negation.start()] + claim.text[negation.end():]
    match = _AUX.search(claim.text)
    if match:
        return claim.text[:match.end()] + " not" + claim.text[match.end():]
    return None


def _fragments(stories: Sequence[Story]) -> list[tuple[str, str]]:
    from headlinez.briefs.text import split_sentences

    fragments = []
    for story in stories:
        for item in story.evidence:
            for sentence in split_sentences(item.snippet):
                words = sentence.replace('"', "").split()
                if len(words) >= 10:
                    fragments.append((story.story_id, " ".join(words[2:8]).strip(".,;:")))
    return fragments


def perturbed_claims(base: Sequence[Claim], stories: Sequence[Story], seed: int) -> list[Claim]:
    rng = random.Random(seed)
    pool = _name_pool(stories)
    fragments = _fragments(stories)
    all_outlets = sorted({display_outlet(i.outlet) for s in stories for i in s.evidence})
    makers: dict[str, Callable[[Claim], str | tuple[str, str] | None]] = {
        "entity": lambda c: perturb_entity(c, rng, pool),
        "number": lambda c: perturb_number(c, rng),
        "date": lambda c: perturb_date(c, rng),
        "quote": lambda c: perturb_quote(c, rng, fragments),
        "attribution": lambda c: perturb_attribution(c, rng, all_outlets),
        "negation": lambda c: perturb_negation(c, rng),
    }
    result = []
    for claim in base:
        for kind, make in makers.items():
            if claim.variant != ("attributed" if kind == "attribution" else "as stated"):
                continue  # one base form per type keeps the types comparable
            made = make(claim)
            if made is None:
                continue
            text, variant = made if isinstance(made, tuple) else (made, "")
            if text != claim.text:
                result.append(Claim(text, claim.cited, claim.story, kind, variant))
    return result


# --- running the checkers ------------------------------------------------------------------------


def run_deterministic(claims: Sequence[Claim], outlets: Sequence[str]) -> dict[int, list[str]]:
    from headlinez.briefs.checker import EvidenceIndex, check_claim

    indexes: dict[str, Any] = {}
    problems = {}
    for number, claim in enumerate(claims):
        index = indexes.get(claim.story.story_id)
        if index is None:
            index = indexes[claim.story.story_id] = EvidenceIndex(claim.story.evidence, extra_outlets=outlets)
        problems[number] = check_claim(claim.text, [claim.cited], index).problems
    return problems


def run_verifier(claims: Sequence[Claim], problems: dict[int, list[str]], sample: int, seed: int
                 ) -> dict[int, bool] | None:
    """Claude's verdicts on a sample of the claims that passed the deterministic checks."""
    if not os.environ.get("ANTHROPIC_API_KEY"):
        return None
    from headlinez.adapters.claude import ClaudeVerifier, claude_client
    from headlinez.settings import BriefSettings

    settings = BriefSettings.from_env({**os.environ, "TABLE_NAME": os.environ.get("TABLE_NAME", "bench")})
    verifier = ClaudeVerifier(claude_client(settings), settings.verifier_model)
    rng = random.Random(seed)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for number, claim in enumerate(claims):
        if not problems[number]:
            by_kind[claim.kind].append(number)
    chosen = [n for numbers in by_kind.values() for n in rng.sample(numbers, min(sample, len(numbers)))]
    supported: dict[int, bool] = {}
    by_story: dict[str, list[int]] = defaultdict(list)
    for number in chosen:
        by_story[claims[number].story.story_id].append(number)
    for numbers in by_story.values():
        story = claims[numbers[0]].story
        batch = [(i + 1, claims[n].text, [claims[n].cited]) for i, n in enumerate(numbers)]
        verdicts, _ = verifier.verify(story.evidence, batch)
        found = {v.claim_id: v.supported and v.evidence_id in (None, claims[numbers[v.claim_id - 1]].cited)
                 for v in verdicts if 1 <= v.claim_id <= len(numbers)}
        for i, n in enumerate(numbers):
            supported[n] = found.get(i + 1, False)
    return supported


# --- tokens and cost -----------------------------------------------------------------------------


def token_estimate(stories: Sequence[Story]) -> dict[str, int]:
    from headlinez.briefs.evidence import EvidenceLimits, build_evidence
    from headlinez.briefs.extractive import extractive_draft
    from headlinez.briefs.prompts import (
        BRIEF_SYSTEM_PROMPT,
        BRIEF_TOOL_SCHEMA,
        VERDICT_TOOL_SCHEMA,
        VERIFIER_SYSTEM_PROMPT,
        brief_user_prompt,
        verifier_user_prompt,
    )
    from headlinez.briefs.text import estimate_tokens
    from headlinez.models import TrendMember

    items = [item for story in stories for item in story.evidence][:TYPICAL_TREND_ARTICLES]
    members = [TrendMember(article_id=i.article_id, title=i.title, url=i.url, outlet=i.outlet,
                           publisher_family=i.publisher_family, published=i.published) for i in items]
    evidence = build_evidence(members, {i.article_id: i.snippet for i in items}, EvidenceLimits())
    draft = extractive_draft(evidence)
    claims = [(n, c.text, c.evidence_ids) for n, c in
              enumerate([c for p in draft.paragraphs for c in p.claims], start=1)]
    generation_static = (TOOL_USE_SYSTEM_TOKENS + estimate_tokens(BRIEF_SYSTEM_PROMPT)
                         + estimate_tokens(json.dumps(BRIEF_TOOL_SCHEMA)))
    verifier_static = (TOOL_USE_SYSTEM_TOKENS + estimate_tokens(VERIFIER_SYSTEM_PROMPT)
                       + estimate_tokens(json.dumps(VERDICT_TOOL_SCHEMA)))
    return {
        "evidence_items": len(evidence),
        "generation_static": generation_static,
        "generation_dynamic": estimate_tokens(brief_user_prompt(evidence, [])),
        "generation_output": estimate_tokens(json.dumps(draft.model_dump(mode="json"))),
        "verifier_static": verifier_static,
        "verifier_dynamic": estimate_tokens(verifier_user_prompt(evidence, claims)),
        "verifier_output": VERDICT_TOKENS_PER_CLAIM * (len(claims) + len(draft.quick_answers)),
    }


def print_cost(tokens: dict[str, int]) -> None:
    from headlinez.settings import MODEL_PRICES_AS_OF, BriefSettings, estimate_cost_usd

    settings = BriefSettings.from_env({**os.environ, "TABLE_NAME": os.environ.get("TABLE_NAME", "bench")})
    generation_in = tokens["generation_static"] + tokens["generation_dynamic"]
    verifier_in = tokens["verifier_static"] + tokens["verifier_dynamic"]
    total_in = generation_in + verifier_in
    total_out = tokens["generation_output"] + tokens["verifier_output"]
    print(f"\nTokens per brief, typical trend ({tokens['evidence_items']} articles; estimated at "
          "3.2 characters per token, thinking tokens not included):")
    print(f"  generate ({settings.model}): {generation_in:,} in ({tokens['generation_static']:,} static "
          f"system + tool, cacheable) / {tokens['generation_output']:,} out")
    print(f"  verify   ({settings.verifier_model}): {verifier_in:,} in ({tokens['verifier_static']:,} "
          f"static) / {tokens['verifier_output']:,} out")
    print(f"  total: {total_in:,} in / {total_out:,} out = {total_in + total_out:,} tokens")
    print(f"\nEstimated cost per brief (prices of {MODEL_PRICES_AS_OF}, headlinez.settings.MODEL_PRICES):")
    for label, cached in (("cold cache (static prefix written)", False),
                          ("warm cache (static prefix read)", True)):
        costs = []
        for model, static, dynamic, out in (
            (settings.model, tokens["generation_static"], tokens["generation_dynamic"],
             tokens["generation_output"]),
            (settings.verifier_model, tokens["verifier_static"], tokens["verifier_dynamic"],
             tokens["verifier_output"]),
        ):
            cost = estimate_cost_usd(model, input_tokens=dynamic, output_tokens=out,
                                     cache_write_tokens=0 if cached else static,
                                     cache_read_tokens=static if cached else 0)
            costs.append(cost)
        if any(c is None for c in costs):
            print(f"  {label}: a model is not in the price table")
            continue
        generation_cost, verifier_cost = (float(c or 0.0) for c in costs)
        print(f"  {label}: ${generation_cost + verifier_cost:.5f} "
              f"(generate ${generation_cost:.5f} + verify ${verifier_cost:.5f}); "
              f"x1000 briefs/day = ${1000 * (generation_cost + verifier_cost):.2f}/day")
    print("  A regeneration repeats the generate and verify calls (at most BRIEF_MAX_ATTEMPTS - 1 times).")


# --- main ----------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR / "allsides_dev")
    parser.add_argument("--stories", type=int, default=None, help="use the first N stories only")
    parser.add_argument("--seed", type=int, default=20261120)
    parser.add_argument("--show-misses", type=int, default=0, help="print K misses per type")
    parser.add_argument("--verifier-sample", type=int, default=40,
                        help="claims per type sent to the Claude verifier (with ANTHROPIC_API_KEY)")
    args = parser.parse_args(argv)
    if not (args.data_dir / "clusters.jsonl").is_file():
        print(f"skipped: {args.data_dir} is absent (set HEADLINEZ_DATA_DIR to the shared data folder)")
        return 0

    started = time.perf_counter()
    stories = load_stories(args.data_dir, args.stories)
    supported = supported_claims(stories)
    perturbed = perturbed_claims(supported, stories, args.seed)
    claims = supported + perturbed
    outlets = sorted({i.outlet for s in stories for i in s.evidence})
    problems = run_deterministic(claims, outlets)
    elapsed = time.perf_counter() - started
    verifier = run_verifier(claims, problems, args.verifier_sample, args.seed)

    print(f"Checker benchmark on {args.data_dir.name}: {len(stories)} stories, "
          f"{sum(len(s.evidence) for s in stories)} articles, {len(claims):,} claims "
          f"({len(supported):,} supported, {len(perturbed):,} perturbed), seed {args.seed}; "
          f"deterministic checks in {elapsed:.1f}s ({len(claims) / elapsed:,.0f} claims/s)")
    print(f"\n{'claims':<26}{'n':>7}{'caught':>10}{'target':>10}  result")
    failed = False
    for kind in TYPES:
        numbers = [n for n, c in enumerate(claims) if c.kind == kind]
        caught = sum(1 for n in numbers if problems[n])
        share = 100.0 * caught / len(numbers) if numbers else 0.0
        target = f">= {TARGET_CAUGHT:.0f}%" if kind in TARGETED else "-"
        ok = share >= TARGET_CAUGHT if kind in TARGETED else True
        failed |= not ok
        print(f"{kind + ' perturbation':<26}{len(numbers):>7}{share:>9.1f}%{target:>10}  "
              f"{'ok' if ok else 'MISSED' if kind in TARGETED else 'reported'}")
        variants = sorted({c.variant for c in claims if c.kind == kind and c.variant})
        for variant in variants if len(variants) > 1 else []:
            sub = [n for n in numbers if claims[n].variant == variant]
            sub_share = 100.0 * sum(1 for n in sub if problems[n]) / len(sub)
            print(f"  {variant:<24}{len(sub):>7}{sub_share:>9.1f}%")
        if args.show_misses:
            for n in [n for n in numbers if not problems[n]][: args.show_misses]:
                print(f"    missed: {claims[n].text}")
    numbers = [n for n, c in enumerate(claims) if c.kind == "supported"]
    removed = sum(1 for n in numbers if problems[n])
    share = 100.0 * removed / len(numbers)
    ok = share <= TARGET_SUPPORTED_REMOVED
    failed |= not ok
    verdict = "ok" if ok else "MISSED"
    print(f"{'supported, removed':<26}{len(numbers):>7}{share:>9.1f}%{'<= 5%':>10}  {verdict}")
    for variant in ("as stated", "attributed", "first clause"):
        sub = [n for n in numbers if claims[n].variant == variant]
        if sub:
            sub_share = 100.0 * sum(1 for n in sub if problems[n]) / len(sub)
            print(f"  {variant:<24}{len(sub):>7}{sub_share:>9.1f}%")
    if args.show_misses:
        for n in [n for n in numbers if problems[n]][: args.show_misses]:
            print(f"    removed: {claims[n].text}  <- {problems[n]}")

    if verifier is None:
        print("\nClaude verifier: not run (no ANTHROPIC_API_KEY).")
    else:
        print(f"\nClaude verifier on a sample of claims that passed the deterministic checks "
              f"(up to {args.verifier_sample} per type):")
        for kind in ("supported", *TYPES):
            sample = [n for n in verifier if claims[n].kind == kind]
            if sample:
                flagged = sum(1 for n in sample if not verifier[n])
                share = 100.0 * flagged / len(sample)
                print(f"  {kind:<24}{len(sample):>5} sampled, {share:5.1f}% judged unsupported")

    print_cost(token_estimate(stories))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
