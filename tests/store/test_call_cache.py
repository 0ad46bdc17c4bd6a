"""The cache stores whole calls per account and reads them back in windows, offline."""

from __future__ import annotations

from datetime import timedelta

from app.domain import Call, CostBreakdown, Provider, Recordings, Turn, TurnRole
from app.store.calls import CallCache, CallFilters
from app.store.database import Database, connect
from app.store.search import TranscriptSearch
from tests.store.fake_platform import T0, make_call


def test_a_call_comes_back_whole(tmp_path) -> None:
    cache = CallCache(connect(tmp_path / "h.sqlite3"))
    call = make_call(
        1, summary="Wanted a refund", success_evaluation="Pass", sentiment=0.4, structured_data={"order": 17},
        cost=0.31, cost_breakdown=CostBreakdown(llm=0.1, total=0.31),
        recordings=Recordings(stereo="https://rec.example/1.wav"),
        turns=(Turn(role=TurnRole.TOOL, tool_name="lookup_order", tool_arguments='{"id": 17}',
                    tool_result='{"status": "shipped"}', start=4.0),),
    )
    cache.upsert("acc", [call])
    assert cache.get("acc", call.id) == call
    assert cache.get("other-account", call.id) is None
    # Tool turns are searchable by tool name and arguments.
    assert TranscriptSearch(cache.conn).search("lookup_order").hits[0].call_id == call.id


def test_pages_are_newest_first_and_counted_per_account(tmp_path) -> None:
    cache = CallCache(connect(tmp_path / "h.sqlite3"))
    cache.upsert("a", [make_call(n) for n in range(250)])
    cache.upsert("b", [make_call(n, provider=Provider.HMS) for n in range(5)])
    assert cache.count("a") == 250 and cache.count("b") == 5 and cache.count(None) == 255
    first = cache.page("a", offset=0, limit=100)
    assert [r.id for r in first[:2]] == ["call-00249", "call-00248"]
    assert [r.id for r in cache.page("a", offset=240, limit=100)][-1] == "call-00000"
    assert len(cache.page("a", offset=240, limit=100)) == 10
    assert first[0].turn_count == 2 and first[0].created_at == T0 + timedelta(minutes=249)


def test_filters_narrow_the_list(tmp_path) -> None:
    cache = CallCache(connect(tmp_path / "h.sqlite3"))
    cache.upsert("a", [make_call(n, status="ended" if n % 2 else "failed",
                                 assistant_name="Sales" if n < 10 else "Support") for n in range(40)])
    assert cache.count("a", CallFilters(statuses=("failed",))) == 20
    assert cache.count("a", CallFilters(assistant="Sales")) == 10
    window = CallFilters(since=T0 + timedelta(minutes=5), until=T0 + timedelta(minutes=15))
    assert cache.count("a", window) == 10
    assert [r.id for r in cache.page("a", CallFilters(text="+31612340003"))] == ["call-00003"]
    assert cache.count("a", CallFilters(text="call-0003")) == 10
    # LIKE wildcards typed by the user are taken literally.
    assert cache.count("a", CallFilters(text="%")) == 0


def test_a_changed_call_replaces_its_turns_and_an_older_copy_is_ignored(tmp_path) -> None:
    cache = CallCache(connect(tmp_path / "h.sqlite3"))
    first = make_call(1, status="in-progress", turns=(Turn(role=TurnRole.CUSTOMER, text="my parcel is lost"),))
    cache.upsert("a", [first])
    later = make_call(1, updated=first.updated_at + timedelta(minutes=5),
                      turns=(Turn(role=TurnRole.CUSTOMER, text="my parcel arrived broken"),))
    report = cache.upsert("a", [later])
    assert (report.added, report.changed) == (0, 1)
    search = TranscriptSearch(cache.conn)
    assert search.search("lost").hits == [] and len(search.search("broken").hits) == 1
    stale = cache.upsert("a", [first])
    assert stale.stale == [first.id] and cache.get("a", first.id) == later


def test_live_since_and_watermark(tmp_path) -> None:
    cache = CallCache(connect(tmp_path / "h.sqlite3"))
    cache.upsert("a", [make_call(1), make_call(2, status="in-progress"), make_call(3, status="ringing")])
    assert cache.live_since("a") == T0 + timedelta(minutes=2)
    assert cache.watermark("a") is None
    assert cache.set_watermark("a", T0) is True
    assert cache.set_watermark("a", T0) is False
    assert cache.watermark("a") == T0


async def test_database_threads_read_while_writing(tmp_path) -> None:
    db = Database(tmp_path / "h.sqlite3")
    try:
        await db.write(lambda conn: CallCache(conn).upsert("a", [make_call(n) for n in range(30)]))
        rows = await db.read(lambda conn: CallCache(conn).page("a", limit=5))
        call = await db.read(lambda conn: CallCache(conn).get("a", "call-00029"))
        assert len(rows) == 5 and isinstance(call, Call)
        # Readers cannot write: only the writer thread changes the file.
        failed = None
        try:
            await db.read(lambda conn: conn.execute("DELETE FROM calls"))
        except Exception as err:  # noqa: BLE001 - any sqlite refusal will do
            failed = err
        assert failed is not None
    finally:
        db.close()


def test_a_freshly_signed_recording_url_alone_is_not_a_change(tmp_path) -> None:
    """Platforms sign recording URLs anew on every read (and the sandbox every second): a sync that
    brings the same call with a new signature rewrites nothing."""
    conn = connect(tmp_path / "h.sqlite3")
    cache = CallCache(conn)

    def signed(signature: str, summary: str = "Refund"):
        url = f"https://storage.example/rec/1.wav?X-Amz-Signature={signature}&X-Amz-Expires=3600"
        call = make_call(1, summary=summary, recordings=Recordings(mono=url))
        return call.model_copy(update={"raw": {"id": call.id, "artifact": {"recordingUrl": url}}})

    assert cache.upsert("a", [signed("aaa")]).added == 1
    assert cache.upsert("a", [signed("bbb")]).changed == 0
    assert cache.upsert("a", [signed("ccc", summary="Refund granted")]).changed == 1
    assert cache.get("a", "call-00001").recordings.mono.endswith("ccc&X-Amz-Expires=3600")


def test_a_line_still_being_said_is_not_kept(tmp_path) -> None:
    """A live call cached while a listen socket's partial line is showing keeps only its final lines."""
    cache = CallCache(connect(tmp_path / "h.sqlite3"))
    said = Turn(role=TurnRole.CUSTOMER, text="I want to cancel", start=1.0)
    saying = Turn(role=TurnRole.ASSISTANT, text="I can hel", start=3.0, partial=True)
    cache.upsert("acc", [make_call(1, turns=(said, saying))])
    assert cache.get("acc", make_call(1).id).turns == (said,)
    assert TranscriptSearch(cache.conn).search("hel*").hits == []
