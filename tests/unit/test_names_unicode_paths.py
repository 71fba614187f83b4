"""Names keep their letters (issue 10 §2) on the paths `test_names_unicode` does not walk: HTML named
references in a feed, decomposed accents, Windows-1252 codes, sentences that open on "Ł" or "É",
international hosts, search, names with particles, truncation and joiners."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest

from headlinez.adapters.feed_parser import parse_feed
from headlinez.briefs.evidence import EvidenceLimits, build_evidence
from headlinez.briefs.extractive import extractive_draft
from headlinez.briefs.text import split_sentences
from headlinez.domain.normalize import normalize_entry
from headlinez.domain.search import search_text, search_tokens
from headlinez.domain.text import html_to_text, normalize_title, truncate_words
from headlinez.domain.topics import extract_topics
from headlinez.domain.urls import InvalidUrlError, canonicalize_url
from headlinez.models import FeedConfig, RawEntry, TrendMember

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)


def _feed(family: str = "x") -> FeedConfig:
    return FeedConfig(id=f"feed-{family}", url=f"https://{family}.example/rss", outlet=family.upper(),
                      publisher_family=family, language="en")


def _rss(*titles: bytes) -> bytes:
    items = b"".join(b"<item><title>%s</title><link>https://x.example/%d</link><description>%s</description>"
                     b"</item>" % (title, n, title) for n, title in enumerate(titles))
    return (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>%s'
            b"</channel></rss>" % items)


def test_html_named_references_in_a_feed_keep_the_whole_title() -> None:
    # lxml dropped an undefined entity and the rest of its text: "Caf", "Zo"
    parsed = parse_feed(_rss(b"Caf&eacute; owner Jos&eacute; Jer&iacute; speaks",
                             b"Zo&euml; M&uuml;ller&nbsp;wins", b"Re&colon; &amp; &lt;kept&gt;"),
                        content_type=None, url="https://x.example/rss")
    assert [e.title for e in parsed.entries] == ["Café owner José Jerí speaks", "Zoë Müller\u00a0wins",
                                                 "Re: & <kept>"]
    assert parsed.entries[1].summary == "Zoë Müller\u00a0wins"


def test_decomposed_accents_are_composed_at_ingest_and_in_topics() -> None:
    decomposed = [unicodedata.normalize("NFD", t) for t in
                  ("Peru's Congress removes José Jerí as Zoë Müller watches",
                   "Congress in Peru ousts José Jerí; Zoë Müller reacts")]
    entry = RawEntry(title=decomposed[0], link="https://x.example/a", guid="g", summary=decomposed[1],
                     published=NOW)
    article = normalize_entry(entry, _feed(), now=NOW, feed_updated=None)
    assert unicodedata.is_normalized("NFC", article.title)
    assert unicodedata.is_normalized("NFC", article.summary)
    names = {t.name for t in extract_topics(decomposed)}  # titles stored before ingest composed them
    assert {"José Jerí", "Zoë Müller"} <= names
    assert not names & {"Jose Jeri", "Zoe Mu"}


def test_a_title_taken_from_a_chinese_summary_is_its_first_sentence() -> None:
    entry = RawEntry(title=None, link="https://x.example/a", guid="g", published=NOW,
                     summary="习近平抵达莫斯科。普京在机场迎接。双方举行会谈。")
    assert normalize_entry(entry, _feed(), now=NOW, feed_updated=None).title == "习近平抵达莫斯科。"


def test_windows_1252_codes_are_the_characters_html_reads() -> None:
    # "&#147;Jos&#233;&#148; &#150; &#128;5" reaches us as C1 controls; they became spaces
    assert html_to_text("\x93Jos\xe9\x94 \x96 price rises to \x805", 300) == "“José” – price rises to €5"
    assert html_to_text("<p>\x93Zo\xeb\x94</p>", 300) == "“Zoë”"


def test_a_sentence_opens_on_any_capital_or_after_a_cjk_stop() -> None:
    assert split_sentences("Congress voted on Tuesday. Łukasz Nowak watched. Émilie Dupont left.") == [
        "Congress voted on Tuesday.", "Łukasz Nowak watched.", "Émilie Dupont left."]
    assert split_sentences("Путин прибыл в Москву. Встреча началась.") == [
        "Путин прибыл в Москву.", "Встреча началась."]
    assert split_sentences("习近平抵达莫斯科。普京在机场迎接！他说「欢迎」。") == [
        "习近平抵达莫斯科。", "普京在机场迎接!", "他说「欢迎」。"]
    assert split_sentences("It rose approx. two points. É.") == ["It rose approx. two points.", "É."]


def test_the_brief_quotes_one_sentence_when_the_next_opens_on_a_diacritic() -> None:
    stories = [
        ("Poland's parliament elects Łukasz Żurek as speaker",
         "Poland's parliament voted on Tuesday to elect Łukasz Żurek as speaker. Émilie Dupont, an analyst "
         'in Paris, said the vote was "a turning point for Warsaw". Łukasz Żurek won 240 votes.'),
        ("Łukasz Żurek elected speaker of Polish parliament",
         "Polish lawmakers elected Łukasz Żurek as speaker on Tuesday. Żurek won 240 votes in the 460-seat "
         "chamber. Ömer Çelik, a Turkish official, said Ankara welcomed the vote."),
    ]
    articles = []
    for n, (title, summary) in enumerate(stories, start=1):
        entry = RawEntry(title=title, link=f"https://f{n}.example/p", guid=f"g{n}", summary=summary,
                         published=NOW - timedelta(hours=n))
        articles.append(normalize_entry(entry, _feed(f"f{n}"), now=NOW, feed_updated=None))
    members = [TrendMember(article_id=a.article_id, title=a.title, url=a.url, outlet=a.outlet,
                           publisher_family=a.publisher_family, published=a.published) for a in articles]
    draft = extractive_draft(build_evidence(members, {a.article_id: a.summary for a in articles},
                                            EvidenceLimits()))
    claims = [claim.text for paragraph in draft.paragraphs for claim in paragraph.claims]
    assert claims
    for text in [*claims, *(q.answer for q in draft.quick_answers)]:
        assert len(split_sentences(text)) == 1, text
    said = {q.question: q.answer for q in draft.quick_answers}
    assert said["What did Émilie Dupont say?"].startswith("Émilie Dupont, an analyst in Paris")


@pytest.mark.parametrize(("url", "expected"), [
    ("https://straße.de/a", "https://xn--strae-oqa.de/a"),  # IDNA 2003 made it strasse.de: another site
    ("https://www.faß.de/a", "https://www.xn--fa-hia.de/a"),
    ("https://ελληνικάς.gr/", "https://xn--hxargifdar2c.gr/"),  # the final sigma stays final
    ("https://MÜNCHEN.de/", "https://xn--mnchen-3ya.de/"),
    ("https://例え。jp/", "https://xn--r8jz45g.jp/"),
    ("https://xn--strae-oqa.de/a", "https://xn--strae-oqa.de/a"),
])
def test_international_hosts_are_written_as_browsers_write_them(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected
    assert canonicalize_url(expected) == expected


def test_search_finds_letters_that_do_not_decompose() -> None:
    text = search_text(["Łukasz Nowak visits Łódź", "Søren Kierkegaard", "नरेन्द्र मोदी visits Kyiv"])
    for query in ("Lukasz", "lodz", "Soren", "Łukasz", "Łódź"):
        assert all(f"{token}" in text for token in search_tokens(query)), query
    tokens = search_tokens("मोदी")  # the vowel signs split it into letters too short to search for
    assert tokens
    assert all(token in text for token in tokens)


@pytest.mark.parametrize(("titles", "name"), [
    (["Manila votes: Juan de la Cruz wins the race", "Rivals concede to Juan de la Cruz in Manila"],
     "Juan de la Cruz"),
    (["Brussels: Ursula von der Leyen meets farmers", "Farmers protest as Ursula von der Leyen visits"],
     "Ursula von der Leyen"),
    (["In Damascus, Ahmed al-Sharaa meets envoys", "Envoys meet Ahmed al-Sharaa in Damascus"],
     "Ahmed al-Sharaa"),
    (["Cairo talks: Abdel Fattah el-Sisi hosts envoys", "Envoys meet Abdel Fattah el-Sisi in Cairo"],
     "Abdel Fattah el-Sisi"),
    (["Fans cheer Jean-Luc Picard in Paris", "Crowds cheer Jean-Luc Picard"], "Jean-Luc Picard"),
    (["Police question Dominic O'BRIEN in Dublin", "Dominic O'BRIEN released by police"], "Dominic O'Brien"),
    (["Officials in Hawaiʻi warn of floods", "Flooding in Hawaiʻi closes roads"], "Hawaiʻi"),
])
def test_names_with_particles_hyphens_and_okina_stay_whole(titles: list[str], name: str) -> None:
    topics = extract_topics(titles)
    names = [t.name for t in topics]
    assert name in names
    assert not {"Juan", "Ursula", "von der", "Ahmed", "Jean", "Luc Picard", "Dominic O'brien"} & set(names)
    assert all(t.slug.isascii() and not t.slug.startswith("x-") for t in topics)


def test_truncation_never_splits_what_a_reader_sees_as_one_character() -> None:
    flags = truncate_words("Peru fans " + "🇵🇪" * 40, 30)
    assert flags.endswith("🇵🇪…")
    assert len(flags) <= 30
    decomposed = truncate_words("e\u0301" * 10, 6)
    assert decomposed == "e\u0301e\u0301…"


def test_joiners_stay_inside_emoji_and_words_and_go_elsewhere() -> None:
    assert html_to_text("Pride 🏳️\u200d🌈 parade; Persian: می\u200cخواهم; Tr\u200bump \u200dx\u200c", 300) == (
        "Pride 🏳️\u200d🌈 parade; Persian: می\u200cخواهم; Trump x")


def test_a_capital_article_starts_a_name_and_a_left_quote_is_an_apostrophe() -> None:
    # "Der" joins a name only as a lower-case particle ("von der Leyen"); "Iran‘s" is Iran's
    spiegel = [t.name for t in extract_topics(["Germany's Der Spiegel reports on the leak",
                                               "Der Spiegel reports leak in Berlin"])]
    assert "Der Spiegel" in spiegel
    assert not any("der Spiegel" in name for name in spiegel)
    assert "Iran" in [t.name for t in extract_topics(["Iran‘s foreign minister meets Oman",
                                                      "Iran talks in Oman resume"])]


def test_joiners_do_not_change_a_title_s_key_or_its_search() -> None:
    assert normalize_title("ایران می\u200cخواهد") == normalize_title("ایران میخواهد")
    text = search_text(["ایران می\u200cخواهد مذاکره"])
    assert all(token in text for token in search_tokens("میخواهد"))


@pytest.mark.parametrize(("url", "expected"), [
    ("https://exa\u00admple-ü.com/", "https://xn--example--e6a.com/"),  # UTS #46 maps these to nothing
    ("https://ü\u200b.com/", "https://xn--tda.com/"),
    ("https://ü\ufe0f.com/", "https://xn--tda.com/"),
])
def test_characters_uts46_ignores_leave_the_host_as_it_is(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize("url", ["https://ü\u202e.com/", "https://xn--ü.com/"])
def test_a_bidi_override_or_a_mixed_punycode_label_is_refused(url: str) -> None:
    with pytest.raises(InvalidUrlError):
        canonicalize_url(url)


def test_a_virama_cluster_is_never_cut_and_a_latin_exclamation_ends_no_cjk_sentence() -> None:
    assert truncate_words("नरेन्द्र मोदी ने कहा", 6) == "नरे…"
    assert split_sentences("Yahoo!ニュースによると、東京で地震。被害はない。") == [
        "Yahoo!ニュースによると、東京で地震。", "被害はない。"]


def test_a_headline_in_capitals_gives_names_not_every_word() -> None:
    # every word of "TRUMP WINS ..." read as an acronym made topics of "WINS", "QUITS", "RACE"
    names = [t.name for t in extract_topics(["TRUMP WINS NEVADA PRIMARY AS HALEY QUITS RACE",
                                             "Trump wins Nevada primary; Haley quits"])]
    assert {"Donald Trump", "Nevada"} <= set(names)
    assert not {"WINS", "QUITS", "RACE", "PRIMARY"} & set(names)
    # known acronyms stay what they are
    assert "NATO" in [t.name for t in extract_topics(["US AND NATO LEADERS MEET IN BRUSSELS",
                                                      "Nato leaders meet in Brussels with US envoy"])]
