"""The fact-check keeps true paraphrase and still catches invented details (issue 14).

Every sentence here is written for the test; none comes from a dataset.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import DATA_DIR

from headlinez.briefs.checker import CheckConfig, EvidenceIndex, check_claim, numeric_text
from headlinez.briefs.models import EvidenceItem
from headlinez.briefs.semantic import (
    acronyms,
    canonical_numbers,
    concepts,
    lemma,
    name_aliases,
    near_verbatim,
    number_supported,
)
from headlinez.briefs.text import numbers, quotes

REPO = Path(__file__).resolve().parents[2]
DATA = DATA_DIR / "allsides_dev"  # HEADLINEZ_DATA_DIR, as every data test


def _item(number: int, title: str, snippet: str, outlet: str = "Example Wire") -> EvidenceItem:
    return EvidenceItem(id=number, article_id=f"a{number}", outlet=outlet, publisher_family=outlet,
                        title=title, snippet=snippet, url=f"https://example.test/{number}",
                        published=datetime(2026, 3, 2, tzinfo=UTC))


EVIDENCE = [
    _item(1, "Harbor council rejects bridge levy in close vote",
          "The Harbor City council voted 48-50 on Tuesday against a levy for the new bridge, which needed "
          "60 votes to pass. Mayor Lena Ortiz said the $3.5 trillion figure quoted online was wrong. "
          "About 2 200 residents attended, and nearly a fifth of them were students. The storm killed "
          "at least 100 people, officials said. \"We will honour every promise we made to this city,\" "
          "Ortiz said. The U.S. Coast Guard closed the harbor for 17 years of repairs."),
]
INDEX = EvidenceIndex(EVIDENCE)


def check(text: str, config: CheckConfig | None = None) -> list[str]:
    return check_claim(text, [1], INDEX, config=config).problems


# --- normalizations ------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "values"), [
    ("2 200 residents", {2200.0}),
    ("one and a half million doses", {1.5}),
    ("22 1/2 years", {22.5}),
    ("the 15th of July", {15.0}),
    ("nearly a fifth of voters", {20.0}),
    ("a 48-50 vote", {48.0, 50.0}),
    ("$3.5 trillion", {3.5}),
    ("at least 100 people", {100.0}),
    ("60 votes", {60.0}),
    ("COVID-19 cases", set()),
    ("voting for one", set()),
])
def test_numbers_are_read_in_one_written_form(written: str, values: set[float]) -> None:
    assert numbers(numeric_text(written)) == values


def test_quarters_are_written_out() -> None:
    assert canonical_numbers("Q2 growth") == "second quarter growth"


@pytest.mark.parametrize(("value", "stated", "hedge", "expected"), [
    (11000.0, [11300.0], "", True),     # a natural rounding
    (675000.0, [671000.0], "", False),  # not a rounding: a different number
    (31.6, [31.7], "", False),
    (33.0, [32.0], "about", True),      # "roughly one-third" for 32%
    (50.0, [48.0], "above", False),     # "more than 50" when 48 is stated
    (9.0, [8.5], "", False),            # one significant digit is too coarse
    (40.0, [41.0], "below", False),     # "nearly 40" when 41 is stated
    (2030.0, [2031.0], "", False),      # a year is never rounded: "by 2030" when 2031 is stated
])
def test_natural_rounding(value: float, stated: list[float], hedge: str, expected: bool) -> None:
    assert number_supported(value, stated, hedge) is expected


def test_lemmas_and_synonyms() -> None:
    assert lemma("rose") == lemma("rise")
    assert lemma("monthly") == lemma("month")
    assert concepts("prohibit") & concepts("ban")
    assert not concepts("prohibit") & concepts("allow")


def test_near_verbatim_allows_a_spelling_variant_or_one_function_word_only() -> None:
    source = ["we", "will", "honour", "every", "promise", "we", "made", "to", "this", "city"]
    assert near_verbatim(["we", "will", "honor", "every", "promise", "we", "made"], source)
    assert near_verbatim(["we", "will", "honour", "every", "promise", "that", "we", "made"], source)
    assert not near_verbatim(["we", "will", "break", "every", "promise", "we", "made"], source)


def test_aliases_and_acronyms() -> None:
    assert "america" in name_aliases("us")
    assert "virginia" in name_aliases("va")
    assert "uscg" in acronyms(["U.S. Coast Guard"])


# --- decision rules on hand-written paraphrase pairs -----------------------------------------------


@pytest.mark.parametrize("claim", [
    "The council rejected the bridge levy 48-50 on Tuesday; it needed 60 votes.",
    "Roughly 2,200 residents attended the meeting.",
    "Nearly 20% of the residents who attended were students.",
    "The storm killed more than 100 people.",
    '"We will honor every promise we made to this city," Ortiz said.',
    "The USCG closed the harbor.",
])
def test_true_paraphrase_is_kept(claim: str) -> None:
    assert check(claim) == []


@pytest.mark.parametrize(("claim", "reason"), [
    ("The council rejected the bridge levy 47-50 on Tuesday.", "number not in the cited evidence: 47"),
    ("About 2,900 residents attended.", "number not in the cited evidence: 2900"),
    ("The council rejected the levy on Wednesday.", "date not in the cited evidence: wednesday"),
    ("Mayor Dana Whitfield said the figure was wrong.", "name not in the cited evidence: Dana"),
    ('"We will break every promise we made to this city," Ortiz said.', "quote not found verbatim"),
    ("The storm killed at least 150 people.", "number not in the cited evidence: 150"),
])
def test_invented_details_are_caught(claim: str, reason: str) -> None:
    assert any(reason in problem for problem in check(claim)), check(claim)


def test_a_quote_cut_by_the_sentence_split_is_still_a_quote() -> None:
    # Given a quote that spans two sentences of a brief, split into two claims
    opening, closing = 'Ortiz said "We will honour every promise.', 'We made it to this city."'
    assert quotes(opening) == ["We will honour every promise."]
    assert quotes(closing) == ["We made it to this city."]
    # Then each piece is checked as a quote: kept when near-verbatim, caught when invented
    assert not any("quote" in p for p in check('Ortiz said "We will honour every promise we made.'))
    assert any("quote" in p for p in check('Ortiz said "We will break every promise.'))
    assert any("quote" in p for p in check('Bring your guns to the city."'))
    # And a lone inch mark or a balanced pair is not mistaken for a cut quote
    assert quotes('A 6" pipe burst in the harbor.') == []
    assert quotes('Ortiz said "yes" and left.') == ["yes"]


def test_a_name_is_not_made_of_plain_words_of_the_evidence() -> None:
    # Given evidence that writes "bridge" and "storm" only as plain words
    # Then a name whose first words are those words is not in the evidence
    assert "name not in the cited evidence: Bridge" in check("The Bridge Levy Council rejected the plan.")
    assert "name not in the cited evidence: Storm" in check("Ortiz spoke at the Storm Harbor gala.")
    # And an unknown word before a plain one is no given name of a known person ("Joe Biden" is)
    assert "name not in the cited evidence: Zeta" in check("Ortiz spoke on the Zeta Bridge.")
    # And a name's last word may be a plain word, a person named in full is kept
    assert not any("name" in p for p in check("The Harbor City Council rejected the levy."))
    assert not any("name" in p for p in check("Mayor Lena Ortiz said the figure was wrong."))


OUTLOOK = [
    _item(1, "Harbor economy grows 6.5% in the second quarter",
          "The Harbor economy grew at an annualized rate of 6.5% in the second quarter. Analysts surveyed "
          "by the harbor bank were expecting 8.5% growth. Exports rose 5%, beating expectations. As "
          "expected, the central bank raised rates by 0.25%. An estimated 2,000 people protested."),
]


@pytest.mark.parametrize("claim", [
    "The Harbor economy grew 6.5% in the second quarter.",
    "Analysts had expected growth of 8.5%.",
    "The bank's analysts forecast growth of about 8.5%.",
    "The economy was set to grow 8.5%, analysts at the harbor bank thought.",
    "Exports rose 5%.",
    "The central bank raised rates by 0.25%.",
    "About 2,000 people protested.",
])
def test_a_number_is_kept_where_the_evidence_states_it_as_an_outcome_or_the_claim_as_an_outlook(
        claim: str) -> None:
    result = check_claim(claim, [1], EvidenceIndex(OUTLOOK))
    assert result.passed, result.problems


@pytest.mark.parametrize("claim", [
    "The Harbor economy grew 8.5% in the second quarter.",
    "In May, the Harbor economy grew 8.5%.",  # the month is no modal "may"
])
def test_a_number_the_evidence_gives_only_as_an_expectation_is_not_an_outcome(claim: str) -> None:
    result = check_claim(claim, [1], EvidenceIndex(OUTLOOK))
    assert "number 8.5 is only an expectation in the cited evidence" in result.problems


def test_a_claim_with_several_new_details_is_removed() -> None:
    problems = check("The council will reconvene after an emergency audit of contractors and lobbyists.")
    assert problems


def test_a_claim_with_one_new_detail_is_undecided_and_kept_by_default() -> None:
    text = "Harbor City residents attended the council vote on the bridge levy amid anger."
    result = check_claim(text, [1], INDEX)
    assert result.passed
    assert result.undecided == ["anger"]
    assert result.method == "semantic"
    assert check(text, CheckConfig(undecided="remove"))


def test_a_literal_claim_is_marked_literal() -> None:
    result = check_claim("The council voted against a levy for the new bridge.", [1], INDEX)
    assert result.passed
    assert result.method == "literal"
    assert not result.undecided


# --- the labeled-set benchmark -----------------------------------------------------------------------


@pytest.mark.skipif(not (DATA / "clusters.jsonl").is_file(),
                    reason="../shared/data/allsides_dev is absent (the labels need the data to be read)")
def test_paraphrase_labels_still_match_the_data() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import paraphrase_bench

    cases = paraphrase_bench.labeled_cases(DATA, paraphrase_bench.read_labels())
    assert len(cases) >= 200
    assert {c.kind for c in cases} == {"supported", "partial", "unsupported"}
