"""Related trends: shared topics and similarity, never the same story twice."""

from __future__ import annotations

from datetime import UTC, datetime

from headlinez.domain.related import MAX_RELATED, related_trends, same_story, shared_headline_words
from headlinez.domain.topics import _slug
from headlinez.models import Topic, TopicKind, TrendState

NOW = datetime(2026, 2, 17, 12, 0, tzinfo=UTC)


def make(trend_id: str, headline: str, centroid: dict[str, float],
         topics: list[tuple[str, TopicKind]] = (), merged_into: str | None = None) -> TrendState:  # type: ignore[assignment]
    return TrendState(
        trend_id=trend_id, first_seen=NOW, last_seen=NOW, headline=headline, centroid=centroid,
        topics=[Topic(name=n, kind=k, slug=_slug(n)) for n, k in topics], merged_into=merged_into,
    )


IRAN_TALKS = make("t-talks", "US and Iran hold nuclear talks in Geneva",
                  {"iran": 2.0, "nuclear": 3.0, "talk": 3.0, "geneva": 2.5, "negotiat": 2.0, "envoy": 1.5},
                  [("Iran", "place"), ("United States", "place"), ("Geneva", "place")])
HORMUZ = make("t-hormuz", "Strait of Hormuz closed for naval drills",
              {"iran": 1.5, "hormuz": 3.0, "strait": 3.0, "drill": 2.0, "naval": 2.0, "closur": 1.5},
              [("Iran", "place"), ("Strait of Hormuz", "place")])
UKRAINE = make("t-ukraine", "Russia and Ukraine open peace talks in Geneva",
               {"ukrain": 3.0, "russia": 3.0, "peace": 2.0, "talk": 1.5, "geneva": 1.5, "zelensky": 2.0},
               [("Ukraine", "place"), ("Russia", "place"), ("Geneva", "place")])
OLYMPICS = make("t-olympics", "Team USA wins hockey gold at the Winter Olympics",
                {"hockey": 3.0, "olymp": 3.0, "gold": 2.0},
                [("Olympics", "organization"), ("United States", "place")])


def test_shared_topics_and_vocabulary_make_a_relation() -> None:
    related = related_trends([IRAN_TALKS, HORMUZ, UKRAINE, OLYMPICS])
    ids = [r.trend_id for r in related["t-talks"]]
    assert ids == ["t-ukraine", "t-hormuz"]  # Geneva talks first (shared vocabulary), then Iran
    assert all(r.score > 0 for r in related["t-talks"])
    scores = [r.score for r in related["t-talks"]]
    assert scores == sorted(scores, reverse=True)
    assert related["t-hormuz"][0].headline == IRAN_TALKS.headline
    assert "t-talks" not in [r.trend_id for r in related["t-talks"]]


def test_the_same_story_is_never_related() -> None:
    # A split of the talks story: almost the same centroid, another id
    split = make("t-split", "Negotiators meet for a second day",
                 {"iran": 2.0, "nuclear": 2.8, "talk": 3.0, "geneva": 2.0, "negotiat": 2.0},
                 [("Iran", "place"), ("Geneva", "place")])
    # A trend merged into the talks story
    merged = make("t-merged", "Nuclear talks resume", {"nuclear": 2.0, "talk": 2.0}, [("Iran", "place")],
                  merged_into="t-talks")
    # A different centroid but a near-identical headline
    copy = make("t-copy", "US and Iran hold nuclear talks in Geneva today", {"diplomacy": 2.0, "iran": 0.3},
                [("Iran", "place"), ("Geneva", "place")])
    assert same_story(IRAN_TALKS, split)
    assert same_story(IRAN_TALKS, merged)
    assert same_story(IRAN_TALKS, copy)
    assert not same_story(IRAN_TALKS, HORMUZ)
    related = related_trends([IRAN_TALKS, split, merged, copy, HORMUZ])
    ids = [r.trend_id for r in related["t-talks"]]
    assert not {"t-split", "t-merged", "t-copy"} & set(ids)
    assert "t-merged" not in related  # a merged trend gets no list of its own


def test_one_list_never_holds_one_story_twice() -> None:
    # Two trends that are one story (a split) are both related to the talks: only one is listed
    hormuz_split = make("t-hormuz-2", "Navy drills shut the waterway",
                        {"iran": 1.5, "hormuz": 3.0, "strait": 2.5, "drill": 2.0, "naval": 2.0, "shut": 1.0},
                        [("Iran", "place"), ("Strait of Hormuz", "place")])
    related = related_trends([IRAN_TALKS, HORMUZ, hormuz_split])
    ids = [r.trend_id for r in related["t-talks"]]
    assert len({"t-hormuz", "t-hormuz-2"} & set(ids)) == 1


def test_unrelated_trends_get_nothing_and_lists_are_bounded() -> None:
    assert related_trends([IRAN_TALKS, OLYMPICS])["t-olympics"] == []
    many = [make(f"t{i}", f"Story number {i} about Iran and item{i}",
                 {"iran": 1.0, f"item{i}": 3.0, f"other{i}": 2.0}, [("Iran", "place")]) for i in range(12)]
    lists = related_trends([IRAN_TALKS, *many])
    assert len(lists["t-talks"]) <= MAX_RELATED
    assert related_trends([]) == {}


# --- with sentence embeddings (mean-embedding cosine) -------------------------------------------

def _with_embedding(trend: TrendState, vector: list[float], weight: float = 2.0) -> TrendState:
    return trend.model_copy(update={"embedding_sum": [v * weight for v in vector],
                                    "embedding_weight": weight})


def _unit(*values: float) -> list[float]:
    norm = sum(v * v for v in values) ** 0.5
    return [v / norm for v in values]


def test_semantic_neighbourhood_with_a_shared_name_is_related_and_explained() -> None:
    # Given the Geneva talks and the Hormuz closure: close in meaning (cosine 0.6) and both about Iran
    talks = _with_embedding(IRAN_TALKS, _unit(1.0, 0.0, 0.0))
    hormuz = _with_embedding(HORMUZ, _unit(0.6, 0.8, 0.0))
    unrelated = _with_embedding(make("t-toy", "Crying horse toy sells out", {"toy": 3.0, "horse": 2.0}),
                                _unit(0.0, 0.0, 1.0))
    related = related_trends([talks, hormuz, unrelated])
    # Then Hormuz is related to the talks with a score and a reason naming the shared place
    assert [r.trend_id for r in related["t-talks"]] == ["t-hormuz"]
    assert related["t-talks"][0].reason == "shares: Iran"
    assert related["t-talks"][0].score >= 0.6
    assert related["t-toy"] == []


def test_keyword_coincidence_without_semantic_closeness_is_not_related() -> None:
    # Given two trends that share a word-level cue but are far apart in meaning (cosine 0.1)
    west_bank = _with_embedding(make("t-wb", "Israel advances West Bank land registration",
                                     {"israel": 3.0, "land": 2.0, "bank": 2.0, "james": 0.5},
                                     [("Israel", "place"), ("West Bank", "place")]), _unit(1.0, 0.0))
    lebron = _with_embedding(make("t-nba", "LeBron James scores 40 in win",
                                  {"lebron": 3.0, "james": 3.0, "bank": 0.5}, [("LeBron James", "person")]),
                             _unit(0.1, 0.995))
    assert related_trends([west_bank, lebron]) == {"t-wb": [], "t-nba": []}


def test_semantic_only_relation_needs_a_close_neighbourhood_and_says_close_in_subject() -> None:
    a = _with_embedding(make("t-a", "Ceasefire holds in the north", {"ceasefir": 3.0}), _unit(1.0, 0.0))
    b = _with_embedding(make("t-b", "Truce talks stall after shelling", {"truce": 3.0}), _unit(0.6, 0.8))
    c = _with_embedding(make("t-c", "Shelling resumes at the front", {"shell": 3.0}), _unit(0.35, 0.937))
    related = related_trends([a, b, c])
    assert [r.trend_id for r in related["t-a"]] == ["t-b"]  # 0.6 >= 0.55; 0.35 without a shared name is not
    assert related["t-a"][0].reason == "close in subject"


def test_a_broad_theme_alone_is_not_a_relation() -> None:
    # Given two prime ministers' election stories of different countries, alike at cosine 0.52 (one
    # theme, two affairs) and naming nothing in common
    japan = _with_embedding(make("t-jp", "How Japan's prime minister will use her majority", {"japan": 3.0},
                                 [("Japan", "place")]), _unit(1.0, 0.0))
    thailand = _with_embedding(make("t-th", "What the Thai prime minister's election means", {"thai": 3.0},
                                    [("Thailand", "place")]), _unit(0.52, 0.854))
    # Then neither lists the other (a meaning-only relation needs cosine 0.55)
    assert related_trends([japan, thailand]) == {"t-jp": [], "t-th": []}


def test_a_shared_name_needs_more_than_a_loose_likeness() -> None:
    # Given two stories of the same Games about different athletes and sports (cosine 0.38), and two
    # stories of one affair (cosine 0.45), each pair sharing one organization
    helmet = _with_embedding(make("t-helmet", "Skeleton racer's helmet appeal dismissed", {"helmet": 3.0},
                                  [("Olympics", "organization")]), _unit(1.0, 0.0, 0.0, 0.0))
    halfpipe = _with_embedding(make("t-pipe", "Snowboarder battles injury to win silver", {"pipe": 3.0},
                                    [("Olympics", "organization")]), _unit(0.38, 0.925, 0.0, 0.0))
    quits = _with_embedding(make("t-quits", "Hyatt chair quits over Epstein files", {"hyatt": 3.0},
                                 [("Jeffrey Epstein", "person")]), _unit(0.0, 0.0, 1.0, 0.0))
    inquiry = _with_embedding(make("t-inq", "France opens Epstein inquiry", {"inquiri": 3.0},
                                   [("Jeffrey Epstein", "person")]), _unit(0.0, 0.0, 0.45, 0.893))
    related = related_trends([helmet, halfpipe, quits, inquiry])
    # Then only the one affair is related (a shared name needs cosine 0.4)
    assert related["t-helmet"] == []
    assert related["t-pipe"] == []
    assert [r.trend_id for r in related["t-quits"]] == ["t-inq"]


def test_embeddings_almost_equal_are_the_same_story_never_related() -> None:
    a = _with_embedding(IRAN_TALKS, _unit(1.0, 0.0))
    b = _with_embedding(make("t-talks2", "Iran talks wrap up", {"wrap": 3.0}, [("Iran", "place")]),
                        _unit(0.85, 0.527))
    assert related_trends([a, b]) == {"t-talks": [], "t-talks2": []}


def test_a_name_in_many_trends_links_nothing() -> None:
    # Given 40 trends that all name NATO and are loosely alike (cosine 0.45, above the 0.4 floor)
    trends = [_with_embedding(make(f"t-{n}", f"Story {n}", {f"w{n}": 3.0}, [("NATO", "organization")]),
                              _unit(0.6708, *[0.7416 if i == n else 0.0 for i in range(40)]))
              for n in range(40)]
    assert all(not value for value in related_trends(trends).values())


def test_a_shared_country_alone_needs_a_closer_neighbourhood_than_a_shared_person() -> None:
    # Given two Kenya stories (airport strike, golf open) at cosine 0.45, and two Epstein stories at 0.45
    strike = _with_embedding(make("t-strike", "Kenya airport strike ends", {"strike": 3.0},
                                  [("Kenya", "place")]),
                             _unit(1.0, 0.0, 0.0, 0.0))
    golf = _with_embedding(make("t-golf", "Kenya Open returns", {"golf": 3.0}, [("Kenya", "place")]),
                           _unit(0.45, 0.893, 0.0, 0.0))
    files = _with_embedding(make("t-files", "Hyatt chair quits over Epstein files", {"hyatt": 3.0},
                                 [("Jeffrey Epstein", "person")]), _unit(0.0, 0.0, 1.0, 0.0))
    survivor = _with_embedding(make("t-surv", "Epstein survivor speaks", {"survivor": 3.0},
                                    [("Jeffrey Epstein", "person")]), _unit(0.0, 0.0, 0.45, 0.893))
    related = related_trends([strike, golf, files, survivor])
    assert related["t-strike"] == []
    assert [r.reason for r in related["t-files"]] == ["shares: Jeffrey Epstein"]


def test_a_common_name_is_never_given_as_the_reason() -> None:
    # Given two trends close in meaning that share only the United States
    a = _with_embedding(make("t-a", "Navy sinks a drug boat", {"sink": 3.0}, [("United States", "place")]),
                        _unit(1.0, 0.0))
    b = _with_embedding(make("t-b", "Map of Caribbean operations", {"map": 3.0},
                             [("United States", "place")]),
                        _unit(0.6, 0.8))
    assert [r.reason for r in related_trends([a, b])["t-a"]] == ["close in subject"]


def test_a_frequent_name_explains_a_relation_found_by_meaning_but_never_makes_one() -> None:
    # Given Iran in 40 loosely alike trends (too common to link them), and two of them close in meaning
    filler = [_with_embedding(make(f"t-{n}", f"Iran story {n}", {f"w{n}": 3.0}, [("Iran", "place")]),
                              _unit(0.0, 0.0, *[1.0 if i == n else 0.0 for i in range(40)]))
              for n in range(40)]
    watchdog = _with_embedding(make("t-iaea", "Iran meets UN nuclear watchdog", {"watchdog": 3.0},
                                    [("Iran", "place")]), _unit(1.0, 0.0, *[0.0] * 40))
    warships = _with_embedding(make("t-ships", "US warships gather near Iran", {"warship": 3.0},
                                    [("Iran", "place")]), _unit(0.6, 0.8, *[0.0] * 40))
    related = related_trends([*filler, watchdog, warships])
    assert all(not related[t.trend_id] for t in filler)
    assert [(r.trend_id, r.reason) for r in related["t-iaea"]] == [("t-ships", "also about Iran")]


def test_a_newsroom_s_own_name_links_nothing() -> None:
    # Given a CBS bulletin and an Epstein survivor's CBS interview, loosely alike (cosine 0.45), both
    # naming CBS News, which covers both
    bulletin = make("t-bulletin", "CBS Evening News, Feb 17", {"bulletin": 3.0},
                    [("CBS News", "organization")]).model_copy(update={"source_families": ["cbs-news"]})
    interview = make("t-interview", "Epstein survivor tells CBS News her story", {"survivor": 3.0},
                     [("CBS News", "organization"), ("Jeffrey Epstein", "person")]
                     ).model_copy(update={"source_families": ["cbs-news", "bbc-news"]})
    related = related_trends([_with_embedding(bulletin, _unit(1.0, 0.0)),
                              _with_embedding(interview, _unit(0.45, 0.893))])
    # Then the outlet's name is no shared subject
    assert related == {"t-bulletin": [], "t-interview": []}
    # While a newsroom that does not cover them is a name like any other
    outside = [t.model_copy(update={"source_families": ["reuters"]}) for t in (bulletin, interview)]
    assert related_trends([_with_embedding(outside[0], _unit(1.0, 0.0)),
                           _with_embedding(outside[1], _unit(0.45, 0.893))])["t-bulletin"]


def test_a_relation_by_meaning_names_the_words_both_headlines_use() -> None:
    # Given two stories close in meaning that share no topic, whose headlines both say "ice ages"
    a = _with_embedding(make("t-a", "Volcanoes kept plants alive through the ice ages", {"volcano": 3.0}),
                        _unit(1.0, 0.0))
    b = _with_embedding(make("t-b", "Mammoths roamed the steppe during ice ages", {"mammoth": 3.0}),
                        _unit(0.6, 0.8))
    # Then the reason quotes them rather than "close in subject"
    assert [r.reason for r in related_trends([a, b])["t-a"]] == ["also about ice ages"]


def test_shared_headline_words_are_a_phrase_or_a_name_never_a_lone_common_word() -> None:
    shared = shared_headline_words
    # the longest run of content words both use, as the first headline writes it
    assert shared(["'Global growth to remain sluggish'"],
                  ["MARKET ANALYSIS: Global Growth Worries May Pressure Stocks"]) == "global growth"
    # words as written: "survived" is not "survive"
    assert shared(["Volcanoes helped species survive ice ages"],
                  ["They survived ice ages while other life did not"]) == "ice ages"
    # a name: capitalized mid-sentence; accents and case aside, with its letters as first written
    assert shared(["Where's our Titanfall review?"], ["Newegg - Titanfall Sweepstakes"]) \
        == "Titanfall"
    assert shared(["Peru’s Congress votes to remove interim president José Jerí from office"],
                  ["Lawmakers vote to oust interim president Jose Jeri over graft claims"]) \
        == "José Jerí"  # the whole name, with its letters as this story writes them
    # a whole name: "Urban Outfitters" is not "American Eagle Outfitters", a bank not the Bank of England
    assert shared(["Urban Outfitters shares rise on earnings"],
                  ["Profit falls at American Eagle Outfitters"]) is None
    assert shared(["Wall Street edges lower after record close"],
                  ["Investors on Wall Street wait for data"]) == "Wall Street"
    # of two key phrases used as often, the later one (a phrase ends on its noun)
    assert shared(["Volcanoes helped plants survive ice ages"],
                  ["How life survived the ice ages"]) == "ice ages"
    # a Title Case function word before a name is not part of it
    assert shared(["Fox Executive Raises Questions On Comcast"], ["Regulators look at Comcast again"]) \
        == "Comcast"
    # a capitalized word before a name is part of it
    assert shared(["Bon-Ton CEO to resign in 2015"], ["Bon-Ton sales down 7 percent"]) == "Bon Ton"
    # not: a common word, a word capitalized only by Title Case or at a headline's start, a short
    # acronym ("US"), a number, a headline in capitals
    assert shared(["Stocks Mixed Today After Fed"], ["Stocks Rally On Jobs Data"]) is None
    assert shared(["Top Entertainment Stories"], ["Hollywood Playbook: Monday's Top 5 Items"]) is None
    assert shared(["US civil rights leader dies"], ["Markets in the US slip"]) is None
    assert shared(["Dow gains 2026 points"], ["Markets end 2026 higher"]) is None
    assert shared(["BOEING SHARES DROP AGAIN"], ["Airbus orders beat BOEING"]) is None
    # a name elsewhere, a common word here: "bank" is not the Bank of England
    assert shared(["ECB sets a stress test for every euro zone bank"],
                  ["Traders say the Bank of England erred"]) is None
    assert shared(["Ceasefire holds in the north"], ["Truce talks stall after shelling"]) is None
    # other scripts keep their letters: two different Cyrillic phrases are not one
    assert shared(["Протесты продолжаются в Москве"], ["Выборы отложены в Киеве"]) is None
    assert shared(["Протесты продолжаются в Москве"], ["Снова митинг в Москве"]) == "Москве"


def test_a_related_candidate_carries_its_newsrooms_and_a_trend_none() -> None:
    lone = HORMUZ.model_copy(update={"source_families": ["irna"]})
    public = UKRAINE.model_copy(update={"source_families": ["bbc", "reuters"]})
    talks = IRAN_TALKS.model_copy(update={"source_families": ["bbc", "reuters"]})
    related = {r.trend_id: r for r in related_trends([talks, lone, public])["t-talks"]}

    assert related["t-hormuz"].candidate_newsrooms == 1
    assert related["t-ukraine"].candidate_newsrooms is None


def test_near_identical_headlines_are_one_story_in_any_script() -> None:
    # Compared with accents folded but letters kept: an ASCII fold made every Cyrillic or Greek
    # headline an empty word set, so two tellings of one such story were never one story.
    first = make("t-ru1", "Путин встретился с Лукашенко в Минске", {"путин": 1.0})
    second = make("t-ru2", "Путин встретился с Лукашенко в Минске сегодня", {"минск": 1.0})
    other = make("t-ru3", "Наводнение в Якутии: эвакуированы тысячи жителей", {"якут": 1.0})
    assert same_story(first, second)
    assert not same_story(first, other)
    accented = make("t-hu1", "Orbán meets Zelensky in Budapest", {"budapest": 1.0})
    plain = make("t-hu2", "Orban meets Zelensky in Budapest today", {"zelensky": 1.0})
    assert same_story(accented, plain)
