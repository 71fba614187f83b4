"""Public lists on DynamoDB (moto): by key, full pages, candidates only when asked (issue 8, §4).

Moved from tests/unit/test_public_trends.py (issue 11 §8: the unit tier runs without moto).
"""

from __future__ import annotations

import boto3
import pytest
from tests.unit.test_public_trends import COUNT, _all_ranked, _pages, _public_ranked, _trend

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.domain.search import legacy_search_tokens, search_tokens
from headlinez.ports import InvalidStartKeyError, TrendQuery


@pytest.fixture
def dynamo(dynamodb_table: str) -> DynamoStore:
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    trends = [_trend(n) for n in range(COUNT)]
    store.save_trends(trends, {}, {t.trend_id: float(n) for n, t in enumerate(trends)})
    return store



# --- DynamoDB: public lists by key, full pages ------------------------------------------------


@pytest.mark.parametrize("limit", [1, 3, 5, 100])
def test_public_list_pages_are_full_and_hold_no_candidate(dynamo: DynamoStore, limit: int) -> None:
    # When the default list is paged
    pages = _pages(dynamo, TrendQuery(), limit)
    # Then it is exactly the public trends in rank order, and no page is short before the end
    assert [tid for page in pages for tid in page] == _public_ranked()
    assert all(len(page) == limit for page in pages[:-1])
    assert len(pages[-1]) <= limit


@pytest.mark.parametrize("limit", [2, 7])
def test_category_lists_are_public_by_key_too(dynamo: DynamoStore, limit: int) -> None:
    pages = _pages(dynamo, TrendQuery(category="world"), limit)
    assert [tid for page in pages for tid in page] == _public_ranked(lambda n: n % 2 == 0)
    assert all(len(page) == limit for page in pages[:-1])


@pytest.mark.parametrize("limit", [1, 4, 100])
def test_include_candidates_lists_every_open_trend_by_rank(dynamo: DynamoStore, limit: int) -> None:
    pages = _pages(dynamo, TrendQuery(include_candidates=True), limit)
    assert [tid for page in pages for tid in page] == _all_ranked()
    assert all(len(page) == limit for page in pages[:-1])
    with_category = _pages(dynamo, TrendQuery(include_candidates=True, category="science"), limit)
    assert [tid for page in with_category for tid in page] == _all_ranked(lambda n: n % 2 == 1)


def test_search_and_topics_leave_candidates_out_unless_asked(dynamo: DynamoStore) -> None:
    for query in (TrendQuery(terms=("geneva",)), TrendQuery(topic="geneva")):
        assert [t for p in _pages(dynamo, query, 100) for t in p] == _public_ranked()
        wide = TrendQuery(terms=query.terms, topic=query.topic, include_candidates=True)
        assert [t for p in _pages(dynamo, wide, 100) for t in p] == _all_ranked()


def test_a_candidate_joins_the_public_list_when_a_second_newsroom_covers_it(dynamo: DynamoStore) -> None:
    candidate = _trend(0)
    assert candidate.trend_id not in _public_ranked()
    dynamo.save_trends([_trend(0, families=2)], {}, {candidate.trend_id: 1000.0})
    states, _ = dynamo.query_trends(TrendQuery(), 1, None)
    assert [s.trend_id for s in states] == [candidate.trend_id]
    # And leaves it again if it were written back with one newsroom (a whole-item put)
    dynamo.save_trends([_trend(0, families=1)], {}, {candidate.trend_id: 1000.0})
    states, _ = dynamo.query_trends(TrendQuery(), 1, None)
    assert [s.trend_id for s in states] != [candidate.trend_id]


def test_a_start_key_of_the_candidates_list_is_refused_by_the_public_list(dynamo: DynamoStore) -> None:
    _, key = dynamo.query_trends(TrendQuery(include_candidates=True), 2, None)
    assert key is not None
    with pytest.raises(InvalidStartKeyError):
        dynamo.query_trends(TrendQuery(), 2, key)


def test_a_search_text_the_previous_version_wrote_is_still_found(dynamo: DynamoStore,
                                                                 dynamodb_table: str) -> None:
    # Given a public trend about Łukasz Nowak whose search text the code before 2026-12-07 wrote
    # ("łukasz": "ł" was not folded), and a query folded by today's code ("lukasz")
    trend = _trend(3, families=3).model_copy(update={"headline": "Łukasz Nowak wins in Łódź"})
    dynamo.save_trends([trend], {}, {trend.trend_id: 5000.0})
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(dynamodb_table)
    table.update_item(Key={"pk": f"TREND#{trend.trend_id}", "sk": "META"},
                      UpdateExpression="SET search_text = :old",
                      ExpressionAttributeValues={":old": " łukasz nowak wins in łodz geneva "})
    terms = search_tokens("Łukasz Nowak")
    assert terms == ("lukasz", "nowak")

    # Then today's terms miss it, and the previous version's spelling of the same words finds it
    assert dynamo.query_trends(TrendQuery(terms=terms), 10, None)[0] == []
    query = TrendQuery(terms=terms, legacy_terms=legacy_search_tokens("Łukasz Nowak"))
    assert [s.trend_id for s in dynamo.query_trends(query, 10, None)[0]] == [trend.trend_id]
    # (a query both versions spell alike carries no second spelling)
    assert legacy_search_tokens("Geneva talks") == ()
