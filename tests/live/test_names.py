"""Calls on saved assistants, squads and workflows show names, read once per id and kept."""

from __future__ import annotations

from pathlib import Path

from app.domain import Account, Provider
from app.live.names import NameBook
from app.live.poller import CallPoller
from app.live.registry import CallRegistry
from app.providers.errors import APIConnectionError
from app.store.calls import CallCache
from app.store.database import Database
from app.store.names import StoredNames
from app.store.sync import CallSync
from tests.live.calls import make_call
from tests.live.fake_platform import FakePlatform
from tests.live.test_poller import FAST


def saved(call_id: str, **fields):
    return make_call(call_id, assistant_name=None, **fields)


async def test_the_poller_fills_names_from_ids_reading_each_id_once():
    platform = FakePlatform()
    platform.names = {("assistant", "as-1"): "Front desk", ("squad", "sq-1"): "Night team"}
    platform.calls = {"a": saved("a", assistant_id="as-1"), "b": saved("b", assistant_id="as-1"),
                      "c": saved("c", squad_id="sq-1"), "d": saved("d", workflow_id="wf-gone")}
    registry = CallRegistry()
    poller = CallPoller(platform, registry, FAST, NameBook(platform, "acc"))
    await poller.refresh_list()
    await poller.refresh_list()
    await poller.refresh("a")
    assert registry.get("a").assistant_label == "Front desk" == registry.get("b").assistant_name
    assert registry.get("c").assistant_label == "Night team"
    assert registry.get("d").assistant_label == "wf-gone"  # unknown to the platform: the id stays
    assert platform.requests["assistant:as-1"] == platform.requests["squad:sq-1"] == 1
    assert platform.requests["workflow:wf-gone"] == 1  # a 404 is not asked again


async def test_a_failed_name_read_keeps_the_call_and_is_asked_again_later(monkeypatch):
    platform = FakePlatform()
    platform.names = {("assistant", "as-1"): "Front desk"}
    platform.calls = {"a": saved("a", assistant_id="as-1")}
    book = NameBook(platform, "acc")
    platform.failures.append(APIConnectionError("offline"))
    [call] = await book.named([platform.calls["a"]])
    assert call.assistant_label == "as-1"
    monkeypatch.setattr("app.live.names.RETRY_AFTER", 0.0)
    [call] = await book.named([platform.calls["a"]])
    assert call.assistant_label == "Front desk"


async def test_names_are_kept_in_the_history_and_the_cache_lists_them(tmp_path: Path):
    db = Database(tmp_path / "history.sqlite3")
    try:
        platform = FakePlatform()
        platform.names = {("assistant", "as-1"): "Front desk"}
        platform.calls = {"a": saved("a", assistant_id="as-1", status="ended")}
        account = Account(id="acc", name="A", provider=Provider.VAPI, base_url="http://x")
        await CallSync(db, account, platform, names=NameBook(platform, "acc", StoredNames(db))).catch_up()
        [row] = await db.read(lambda conn: CallCache(conn).page("acc"))
        assert row.assistant_name == "Front desk"
        # A new session reads the name from the history, not from the platform.
        again = NameBook(platform, "acc", StoredNames(db))
        [call] = await again.named([platform.calls["a"]])
        assert call.assistant_name == "Front desk"
        assert platform.requests["assistant:as-1"] == 1
    finally:
        db.close()
