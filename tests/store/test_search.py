"""Transcript search: folded diacritics, phrases, prefixes, filters and highlighted snippets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain import Provider, Turn, TurnRole
from app.store.calls import CallCache, TurnIds
from app.store.database import connect
from app.store.search import MARK_END, MARK_START, SearchFilters, TranscriptSearch, fts_query
from tests.store.fake_platform import T0, make_call


@pytest.fixture
def search(tmp_path) -> TranscriptSearch:
    cache = CallCache(connect(tmp_path / "h.sqlite3"))

    def turns(customer: str, assistant: str) -> tuple[Turn, ...]:
        return (Turn(role=TurnRole.ASSISTANT, text=assistant, start=0.5),
                Turn(role=TurnRole.CUSTOMER, text=customer, start=3.25))

    cache.upsert("vapi", [
        make_call(1, turns=turns("Can I book a table at the café tomorrow?", "Welcome to Café Nova.")),
        make_call(2, turns=turns("My card was declined twice", "I can offer a refund instead."), status="failed"),
        make_call(3, turns=turns("I want my money back, a full refund please", "Refunds take five days."),
                  assistant_name="Billing"),
        make_call(4, turns=turns("The card declined was mine", "Was your card declined?")),
    ])
    cache.upsert("hms", [make_call(5, provider=Provider.HMS,
                                   turns=turns("Refunding is not what I asked", "Goedemiddag"))])
    return TranscriptSearch(cache.conn)


def ids(result) -> list[tuple[str, str, int]]:
    return sorted((h.account_id, h.call_id, h.turn_index) for h in result.hits)


def test_diacritics_are_folded_both_ways(search: TranscriptSearch) -> None:
    assert ids(search.search("cafe")) == [("vapi", "call-00001", 0), ("vapi", "call-00001", 1)]
    assert len(search.search("CAFÉ").hits) == 2


def test_phrase_matches_words_in_order_only(search: TranscriptSearch) -> None:
    assert ids(search.search('"card was declined"')) == [("vapi", "call-00002", 1)]
    assert len(search.search("card declined").hits) == 3


def test_prefix_and_or(search: TranscriptSearch) -> None:
    assert ids(search.search("refund*")) == [
        ("hms", "call-00005", 1), ("vapi", "call-00002", 0), ("vapi", "call-00003", 0), ("vapi", "call-00003", 1)]
    assert ids(search.search("refund")) == [("vapi", "call-00002", 0), ("vapi", "call-00003", 1)]
    assert len(search.search("tomorrow OR twice").hits) == 2


def test_role_account_status_assistant_and_date_filters(search: TranscriptSearch) -> None:
    customer = search.search("refund*", SearchFilters(role="customer"))
    assert ids(customer) == [("hms", "call-00005", 1), ("vapi", "call-00003", 1)]
    assert ids(search.search("refund*", SearchFilters(account_id="hms"))) == [("hms", "call-00005", 1)]
    assert ids(search.search("refund", SearchFilters(statuses=("failed",)))) == [("vapi", "call-00002", 0)]
    assert ids(search.search("refund*", SearchFilters(assistant="Billing"))) == [
        ("vapi", "call-00003", 0), ("vapi", "call-00003", 1)]
    late = SearchFilters(since=T0 + timedelta(minutes=3), until=T0 + timedelta(minutes=5))
    assert {h.call_id for h in search.search("refund* OR card", late).hits} == {"call-00003", "call-00004"}


def test_snippets_mark_the_matched_words_and_hits_carry_the_moment(search: TranscriptSearch) -> None:
    hit = search.search('"card was declined"').hits[0]
    assert hit.snippet == f"My {MARK_START}card was declined{MARK_END} twice"
    assert hit.start_seconds == 3.25 and hit.role == "customer" and hit.customer == "+31612340002"
    cafe = next(h for h in search.search("cafe").hits if h.turn_index == 0)
    assert cafe.snippet_parts() == [("Welcome to ", False), ("Café", True), (" Nova.", False)]


def test_limit_reports_more(search: TranscriptSearch) -> None:
    result = search.search("refund* OR card", limit=2)
    assert len(result.hits) == 2 and result.more
    assert not search.search("refund* OR card", limit=50).more


@pytest.mark.parametrize("text", ['"', '"unclosed phrase', "-", "a:b", "NEAR(", "(((", "*", "OR", "AND NOT", "", "   "])
def test_odd_input_never_raises(search: TranscriptSearch, text: str) -> None:
    search.search(text)


def test_fts_query_quotes_everything() -> None:
    assert fts_query('refund* "card declined" OR x:y') == '"refund"* "card declined" OR "x:y"'
    assert fts_query("OR OR") is None


def test_newest_calls_come_first_whatever_order_they_were_cached_in(tmp_path) -> None:
    cache = CallCache(connect(tmp_path / "h.sqlite3"))
    # A backfill stores old calls after new ones; several calls share a creation second.
    cache.upsert("a", [make_call(n) for n in (50, 51)])
    cache.upsert("a", [make_call(n) for n in (1, 2)])
    same_second = [make_call(60, turns=(Turn(role=TurnRole.CUSTOMER, text="refund"),)).model_copy(
        update={"id": f"twin-{k}"}) for k in range(3)]
    cache.upsert("a", same_second)
    search = TranscriptSearch(cache.conn)
    newest = [h.call_id for h in search.search("refund", SearchFilters(role="customer")).hits]
    assert newest[:3] == ["twin-2", "twin-1", "twin-0"] and newest[3:] == [
        "call-00051", "call-00050", "call-00002", "call-00001"]
    best = search.search("refund", order="relevance").hits
    assert best[0].call_id.startswith("twin-")  # a one-word turn "refund" ranks highest


def test_a_crowded_second_spills_into_the_next_and_undated_calls_are_still_found(tmp_path) -> None:
    cache = CallCache(connect(tmp_path / "h.sqlite3"))
    crowd = [make_call(7, turns=(Turn(role=TurnRole.CUSTOMER, text=f"parcel {k}"),)).model_copy(
        update={"id": f"crowd-{k:05d}"}) for k in range(TurnIds.SLOTS + 3)]
    cache.upsert("a", crowd)
    undated = make_call(8, turns=(Turn(role=TurnRole.CUSTOMER, text="parcel undated"),)).model_copy(
        update={"id": "undated", "created_at": None})
    cache.upsert("a", [undated])
    ids = [row[0] for row in cache.conn.execute("SELECT id FROM turns ORDER BY id")]
    assert len(ids) == len(set(ids)) == len(crowd) + 1
    second = TurnIds.first_of(crowd[0].created_at)
    assert sum(1 for i in ids if i >= second + (1 << TurnIds.SECOND_SHIFT)) == 4  # 3 spilled + the undated one
    hits = TranscriptSearch(cache.conn).search("parcel", limit=5).hits
    assert hits[0].call_id == "undated"  # cached now: the newest
    assert len(TranscriptSearch(cache.conn).search("parcel", limit=10_000).hits) == len(crowd) + 1
