"""Words of scripts with vowel signs (Devanagari, Tamil, Bengali) stay whole, and scripts written
without spaces (Chinese, Japanese, Thai) are cut into two-character terms, in clustering's terms,
the brief's words and the topics' word pattern."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.test_clustering import T0, aid, article, run

from headlinez.briefs.text import words
from headlinez.domain.terms import MAX_TERM_CHARS, TermWeighting, article_terms, title_overlap, title_word_set
from headlinez.domain.topics import _WORD as TOPIC_WORD

WEIGHTING = TermWeighting()


def test_a_word_with_vowel_signs_is_one_term() -> None:
    terms = article_terms("नरेन्द्र मोदी ने अमेरिका का दौरा किया", "மு.க. ஸ்டாலின் தமிழ் தமிழ்நாடு", WEIGHTING)
    assert "मोदी" in terms
    # a term is at most MAX_TERM_CHARS bytes of UTF-8 (the document-frequency table's bound)
    assert "தமிழ்" in terms
    assert "தமிழ்நாடு".encode()[:MAX_TERM_CHARS].decode(errors="ignore") in terms
    assert not {"म", "द", "த", "ம"} & set(terms)


def test_an_unspaced_headline_is_cut_into_overlapping_pairs() -> None:
    assert title_word_set("习近平访问美国") == {"习近", "近平", "平访", "访问", "问美", "美国"}
    # a Latin part stays a word of its own; a lone character is a one-letter word, left out
    assert {"g7", "峰会", "日本"} <= title_word_set("G7峰会在日本举行")
    assert title_word_set("中 美 会谈") == {"会谈"}
    assert title_overlap("习近平访问美国", "习近平抵达美国进行国事访问") > 0.2
    assert title_overlap("习近平访问美国", "台风袭击菲律宾北部") == 0.0


def test_english_terms_are_unchanged_by_the_wider_word_pattern() -> None:
    assert set(article_terms("Prices rise 2,500 in U.S. as S&P falls", "", WEIGHTING)) == {
        "pric", "rise", "2500", "us", "s&p", "fall"}


def test_two_newsrooms_hindi_reports_of_one_story_share_a_trend() -> None:
    # Given two Hindi reports of Modi's visit from two newsrooms, and an unrelated Hindi story
    modi = [("नरेन्द्र मोदी अमेरिका दौरे पर वाशिंगटन पहुंचे", "प्रधानमंत्री नरेन्द्र मोदी वाशिंगटन पहुंचे।"),
            ("मोदी का अमेरिका दौरा: नरेन्द्र मोदी वाशिंगटन में", "नरेन्द्र मोदी अमेरिका दौरे पर हैं।")]
    batch = [article(f"m{i}", title, summary, at=T0 + timedelta(minutes=i), family=f"f{i}")
             for i, (title, summary) in enumerate(modi)]
    batch.append(article("rain", "मुंबई में भारी बारिश से जनजीवन अस्त-व्यस्त", "मुंबई में बारिश जारी है।",
                         at=T0 + timedelta(minutes=5), family="f9"))
    # When one run clusters them
    result = run(batch)
    # Then the visit is one trend of two newsrooms and the rain another
    visit = {result.assignments[aid("m0")], result.assignments[aid("m1")]}
    assert len(visit) == 1
    assert result.assignments[aid("rain")] not in visit


def test_the_brief_and_topics_read_whole_words() -> None:
    assert words("नरेन्द्र मोदी ने कहा, 25 लोग U.S. well-known") == [
        "नरेन्द्र", "मोदी", "ने", "कहा", "25", "लोग", "U.S.", "well-known"]
    assert TOPIC_WORD.findall("বাংলাদেশ নির্বাচন: O’Brien") == ["বাংলাদেশ", "নির্বাচন", ":", "O’Brien"]


def test_a_long_unspaced_summary_keeps_to_the_term_limit() -> None:
    summary = "".join(chr(0x4E00 + n) for n in range(1000))  # 1,000 characters, 999 distinct pairs
    terms = article_terms("嫦娥七号发射", summary, WEIGHTING)
    assert len(terms) <= WEIGHTING.max_summary_tokens + 10
