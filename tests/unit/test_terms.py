"""Tokenization and term weighting for clustering: entities boosted, inflections folded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headlinez.domain.terms import (
    MAX_TERM_CHARS,
    TermWeighting,
    article_terms,
    stem,
    title_overlap,
    title_vector,
)

WEIGHTING = TermWeighting()


def test_inflections_of_one_word_meet_at_one_term() -> None:
    # Given inflected forms / Then each family folds to one term
    assert stem("talks") == stem("talk") == stem("talked") == stem("talking")
    assert stem("closes") == stem("closed") == stem("closing") == stem("close")
    assert stem("policies") == stem("policy")
    assert stem("dies") == stem("die")
    assert stem("tapering") == stem("taper")
    # short words and non-words are left alone
    assert stem("bus") == "bus"
    assert stem("2026") == "2026"


def test_stop_words_and_days_are_dropped() -> None:
    terms = article_terms("The talks will resume on Monday", "", WEIGHTING)
    assert set(terms) == {"talk", "resum"}


def test_title_outweighs_summary() -> None:
    # Given a word only in the title and another only in the summary
    terms = article_terms("Volcano erupts", "ash cloud grows", WEIGHTING)
    # Then the title word weighs title_weight, the summary word summary_weight
    assert terms[stem("volcano")] == pytest.approx(WEIGHTING.title_weight)
    assert terms["ash"] == pytest.approx(WEIGHTING.summary_weight)


def test_mid_sentence_capitals_acronyms_and_numbers_are_boosted() -> None:
    terms = article_terms(
        "Talks resume as NATO meets in Geneva over 150,000 troops",
        "",
        WEIGHTING,
    )
    boosted = WEIGHTING.title_weight * WEIGHTING.entity_boost
    assert terms["geneva"] == pytest.approx(boosted)  # capitalized mid-sentence
    assert terms["nato"] == pytest.approx(boosted)  # acronym
    assert terms["150000"] == pytest.approx(boosted)  # number, thousands separator removed
    assert terms["talk"] == pytest.approx(WEIGHTING.title_weight)  # sentence start: not a name
    assert terms["troop"] == pytest.approx(WEIGHTING.title_weight)


def test_dotted_acronyms_and_possessives() -> None:
    terms = article_terms("Iran's envoy meets U.S. officials", "", WEIGHTING)
    assert "us" in terms  # U.S. -> US, not the pronoun (a stop word)
    assert "iran" in terms  # possessive stripped
    assert "s" not in terms


def test_multiword_proper_noun_yields_a_phrase_term() -> None:
    terms = article_terms("Civil rights leader Jesse Jackson dies", "", WEIGHTING)
    assert "jess jackson" in terms
    assert terms["jess jackson"] == pytest.approx(
        WEIGHTING.title_weight * WEIGHTING.entity_boost * WEIGHTING.phrase_weight
    )
    # punctuation between capitals breaks a phrase
    assert "geneva nato" not in article_terms("Talks in Geneva, NATO says", "", WEIGHTING)


def test_title_case_headline_capitals_are_not_taken_as_names() -> None:
    # Given a Title Case headline, capitals are style: only acronyms count as entities
    terms = article_terms("Iran Temporarily Closes Strait Of Hormuz Amid US Nuclear Talks", "", WEIGHTING)
    assert terms["us"] == pytest.approx(WEIGHTING.title_weight * WEIGHTING.entity_boost)
    assert terms["hormuz"] == pytest.approx(WEIGHTING.title_weight)
    assert terms[stem("temporarily")] == pytest.approx(WEIGHTING.title_weight)


def test_summary_names_are_recognized_at_sentence_start() -> None:
    # Given "Araghchi" mid-sentence once, its sentence-initial occurrence is a name too
    terms = article_terms("Talks end", "Araghchi spoke. Officials said Araghchi left.", WEIGHTING)
    single = WEIGHTING.summary_weight * WEIGHTING.entity_boost
    assert terms["araghchi"] > single  # two boosted occurrences, sublinear


def test_snippet_term_frequency_is_sublinear() -> None:
    once = article_terms("x", "rain", WEIGHTING)["rain"]
    four = article_terms("x", "rain rain rain rain", WEIGHTING)["rain"]
    assert once < four < 4 * once


def test_summary_is_truncated_to_max_tokens() -> None:
    weighting = TermWeighting(max_summary_tokens=3)
    terms = article_terms("x", "alpha beta gamma delta epsilon", weighting)
    assert "delta" not in terms
    assert "epsilon" not in terms


def test_terms_are_bounded_in_length() -> None:
    terms = article_terms("Pneumonoultramicroscopicsilicovolcanoconiosis spreads", "", WEIGHTING)
    assert all(len(term.encode()) <= MAX_TERM_CHARS for term in terms)


def test_title_vector_is_the_title_part_of_the_article() -> None:
    vector, norm = title_vector("Jesse Jackson dies at 84", WEIGHTING)
    full = article_terms("Jesse Jackson dies at 84", "", WEIGHTING)
    assert vector == full
    assert norm == pytest.approx(sum(v * v for v in vector.values()) ** 0.5)


def test_title_overlap() -> None:
    assert title_overlap("Iran talks end in Geneva", "Geneva: Iran talks end") == 1.0
    assert title_overlap("Iran talks end", "Jesse Jackson dies") == 0.0
    assert 0.0 < title_overlap("Iran talks end in Geneva", "Iran talks resume") < 1.0


@given(st.text(max_size=300), st.text(max_size=600))
def test_any_text_yields_bounded_positive_weights(title: str, summary: str) -> None:
    terms = article_terms(title, summary, WEIGHTING)
    assert all(value > 0 for value in terms.values())
    assert all(term and len(term.encode()) <= MAX_TERM_CHARS for term in terms)
    assert article_terms(title, summary, WEIGHTING) == terms  # deterministic
