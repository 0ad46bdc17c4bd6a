"""The History dock inside the real window against the real sandbox: caching, search hits opening
calls, the review following the selection, audited commands, and offline browsing."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolBar, QWidget

from app.domain import Account, Outcome, Provider, Say
from app.live.accounts import AccountBook
from app.live.session import AccountSession
from app.providers import make_client
from app.store.audit import AuditLog
from app.store.calls import CallCache
from app.store.sync import CallSync
from app.ui.history_area import ConsoleHistory, HistoryUnavailable, attach_history
from app.ui.main_window import MainWindow
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.fixtures.window import open_window
from tests.store.fake_platform import FakePlatform, make_call


@pytest.fixture
def window(qtbot, qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> MainWindow:
    return open_window(qtbot, qloop, tmp_path, height=860, history_user="ria")


def history_of(window: MainWindow) -> ConsoleHistory:
    return window.findChild(ConsoleHistory)


def account(sandbox, provider: Provider) -> Account:
    return Account(id=f"hist-{provider.value}", name=provider.display_name, provider=provider,
                   base_url=sandbox.base_url(provider))


def test_the_open_account_is_cached_searched_reviewed_and_audited(window, sandbox, run_async):
    history = history_of(window)
    db = history.db

    async def scenario() -> None:
        vapi = account(sandbox, Provider.VAPI)
        await window.open_session(vapi, SANDBOX_KEY)
        await until(lambda: window.status.state.loaded, what="the call list")
        assert history.area.calls.fetch_button.isEnabled()
        # The background catch-up fills the cache with the account's history.
        await until(lambda: db.submit_read(lambda c: CallCache(c).count(vapi.id)).result() >= 30,
                    timeout=20, what="the catch-up")
        rows = await db.read(lambda c: CallCache(c).page(vapi.id, limit=100))
        ended = next(r for r in rows if r.status == "ended" and r.turn_count >= 3)
        call = await db.read(lambda c: CallCache(c).get(vapi.id, ended.id))
        turn = max(range(len(call.turns)), key=lambda i: len(call.turns[i].text))
        word = max(re.findall(r"[A-Za-z]{5,}", call.turns[turn].text), key=len)

        result = await history.area.search.search(f'"{word}"')
        row = next(i for i, h in enumerate(result.hits) if (h.call_id, h.turn_index) == (call.id, turn))
        history.area.search.open_hit(row)
        await until(lambda: window.selected_call() is not None and window.selected_call().id == call.id,
                    what="the hit's call selected")
        await until(lambda: window.transcript.list.currentIndex().row() == turn, what="the transcript at the turn")
        await until(lambda: history.area.review.call_id == call.id, what="the review on the call")
        assert history.area.review.account_id == vapi.id

        history.area.setCurrentWidget(history.area.audit)
        live = next(c for c in window.session.registry.calls() if c.is_live)
        result = await window.session.send(live.id, Say(text="One moment please"))
        [entry] = await db.read(lambda c: AuditLog(c).entries())
        await until(lambda: history.area.audit.model.rowCount() == 1, what="the audit view to show it")
        assert (entry.user, entry.call_id, entry.outcome) == ("ria", live.id, result.outcome.value)
        assert entry.latency_ms is not None
        # The hit's seek still waits for its recording: closing the history stops it, as quitting does
        # (left running past the test, it would wake with no loop running and its error would surface).
        await history.close()

    run_async(scenario())


def test_calls_of_another_account_open_from_the_cache_with_the_platform_stopped(window, sandbox, run_async):
    history = history_of(window)
    db = history.db

    async def scenario() -> None:
        hms = account(sandbox, Provider.HMS)
        client = make_client(hms.provider, hms.base_url, SANDBOX_KEY)
        try:
            await CallSync(db, hms, client, first_days=3650).catch_up()
        finally:
            await client.aclose()
        sandbox.stop()
        rows = await db.read(lambda c: CallCache(c).page(hms.id, limit=50))
        cached = next(r for r in rows if r.turn_count >= 2)

        history.area.setCurrentWidget(history.area.calls)
        await history.area.calls.reload()
        assert history.area.calls.model.rowCount() >= 30
        shown = await history.open_call(hms.id, cached.id, turn_index=1)
        assert shown is not None and shown.id == cached.id
        assert window.transcript.model.rowCount() == cached.turn_count
        assert history.playback_position() == (None, 1)  # no recording playing: the transcript's turn
        assert window.call_title.text() != "No call selected"
        await until(lambda: history.area.review.call_id == cached.id, what="the review on the cached call")
        assert history.area.review.account_id == hms.id
        assert await history.open_call(hms.id, "no-such-call") is None

    run_async(scenario())


def test_an_unreadable_history_file_is_said_and_commands_are_refused_not_sent(qtbot, tmp_path, run_async):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    win = MainWindow(book=AccountBook(tmp_path / "accounts.json"))
    qtbot.addWidget(win)
    history = attach_history(win, path)
    assert isinstance(history, HistoryUnavailable)
    assert "could not be opened" in history.notice.text() and str(path) in history.notice.text()

    platform = FakePlatform()
    live = make_call(1, status="in-progress")
    session = AccountSession(Account(id="a", name="A", provider=Provider.VAPI, base_url="http://x"), platform,
                             win.audit)
    session.registry.merge([live])
    win.session_changed.emit(session)
    result = run_async(session.send(live.id, Say(text="hello")))
    assert result.outcome is Outcome.REFUSED and "audit log cannot be written" in result.message
    assert platform.sent == []
    assert path.read_bytes().startswith(b"this is not a database")  # left as it was


class RecordingPlayer(QWidget):
    """Stands in for the audio area: loads a recording a moment after a call is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.call = None
        self.engine = None
        self.seeks: list[float] = []

    def show_call(self, call, client) -> None:
        self.call, self.engine = call, None

    def seek(self, seconds: float) -> None:
        self.seeks.append(seconds)


def test_find_shortcut_and_a_hit_seeks_the_recording_once_it_has_loaded(qtbot, tmp_path, run_async, monkeypatch):
    win = MainWindow(book=AccountBook(tmp_path / "accounts.json"))
    player = RecordingPlayer()
    win.set_audio_area(player)
    history = attach_history(win, tmp_path / "history.sqlite3", user="ria")
    qtbot.addWidget(win, before_close_func=lambda w: run_async(history.close()))
    call = make_call(3)
    history.db.submit_write(lambda conn: CallCache(conn).upsert("acc", [call])).result()

    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    toolbar_actions = [a.text() for a in win.findChild(QToolBar, "accountToolbar").actions()]
    assert "History" in toolbar_actions and history.dock.isVisible()
    history.toggle.trigger()
    assert not history.dock.isVisible()
    history.area.setCurrentWidget(history.area.audit)
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert history.dock.isVisible() and history.area.currentWidget() is history.area.search
    extra = Account(id="acc-new", name="New account", provider=Provider.HMS, base_url="http://x")
    win.book.save(extra)
    refreshed: list[list[Account]] = []
    audit_accounts = history.area.audit.set_accounts
    monkeypatch.setattr(history.area.audit, "set_accounts", lambda accounts: (refreshed.append(accounts),
                                                                              audit_accounts(accounts)))
    win.set_accounts(win.known_accounts())
    assert history.area.search.account.findData("acc-new") >= 0
    assert refreshed == [win.known_accounts()]  # one refresh for the whole list, not one per row

    async def scenario() -> None:
        await history.open_call("acc", call.id, turn_index=1, seconds=2.8)
        assert player.call.id == call.id and player.seeks == []  # still loading: nothing to seek yet
        await asyncio.sleep(0.3)
        player.engine = object()
        await until(lambda: player.seeks == [2.8], what="the seek once loaded")

    run_async(scenario())


def test_the_reviews_comments_show_on_the_waveform_and_transcript_of_the_selected_call(window, sandbox, run_async):
    history = history_of(window)
    review, audio, transcript = history.area.review, window.audio_area, window.transcript

    def badges() -> dict[int, tuple[str, ...]]:
        rows = range(transcript.model.rowCount())
        return {r: transcript.model.comments_on(r) for r in rows if transcript.model.comments_on(r)}

    async def scenario() -> None:
        await window.open_session(account(sandbox, Provider.VAPI), SANDBOX_KEY)
        await until(lambda: window.status.state.loaded, what="the call list")
        ended = [c for c in window.session.registry.calls() if not c.is_live and c.recordings.stereo
                 and sum(t.start is not None for t in c.turns) >= 4]
        call, other = ended[0], ended[1]
        window.call_list.select_call(call.id)
        await until(lambda: audio.recording is not None and review.call_id == call.id, timeout=20,
                    what="the recording and the review of the call")
        timed = [i for i, t in enumerate(call.turns) if t.start is not None]
        first, later = timed[1], timed[-1]

        transcript.list.clicked.emit(transcript.model.index(first))  # the reviewer picks a turn: playback goes there
        review.comment_text.setFocus()
        review.comment_text.setText("Interrupted the caller")
        review.comment_text.returnPressed.emit()
        await until(lambda: audio.waveform.comment_marks, what="the comment on the waveform")
        [mark] = audio.waveform.comment_marks
        assert (mark.seconds, mark.text, mark.author) == (call.turns[first].start, "Interrupted the caller", "ria")
        assert len(audio.waveform.comment_lines) == len(audio.waveform.plots)  # across every lane
        assert badges() == {first: ("Interrupted the caller",)}

        review.position_source = None  # a comment on a turn alone sits at the turn's start
        review.set_position(None, later)
        await review.add_comment("Never gave the reference number")
        assert [m.seconds for m in audio.waveform.comment_marks] == [call.turns[first].start, call.turns[later].start]
        assert badges() == {first: ("Interrupted the caller",), later: ("Never gave the reference number",)}

        audio.seek(0.0)
        flag = next(f for m, f in audio.waveform.comment_flags if m.seconds == call.turns[later].start)
        on_flag = audio.waveform.graphics.mapFromScene(flag.sceneBoundingRect().center())
        QTest.mouseClick(audio.waveform.graphics.viewport(), Qt.MouseButton.LeftButton, pos=on_flag)
        await until(lambda: audio.position() == pytest.approx(call.turns[later].start), what="the seek to the comment")

        await review.delete_comment(review.review.comments[0].id)
        assert [m.text for m in audio.waveform.comment_marks] == ["Never gave the reference number"]
        assert badges() == {later: ("Never gave the reference number",)}

        window.call_list.select_call(other.id)  # no review yet: nothing drawn
        await until(lambda: review.call_id == other.id, what="the other call's review")
        assert audio.waveform.comment_marks == () and badges() == {}
        window.call_list.select_call(call.id)
        await until(lambda: badges() == {later: ("Never gave the reference number",)}, what="the comments back")
        assert [m.text for m in audio.waveform.comment_marks] == ["Never gave the reference number"]

    run_async(scenario())


def test_a_live_calls_new_lines_are_cached_at_a_slower_pace_its_status_at_once(window, run_async):
    """A thousand talking calls must not rewrite and re-index every transcript every 1.5 s."""
    from types import SimpleNamespace

    from app.domain import Turn, TurnRole
    from app.live.registry import CallRegistry

    history = history_of(window)
    session = SimpleNamespace(registry=CallRegistry(), account=SimpleNamespace(id="acct"))

    async def cached_turns() -> tuple[str, int]:
        await asyncio.gather(*list(history._writes))
        row = (await history.db.read(lambda c: CallCache(c).page("acct", limit=5)))[0]
        return row.status, row.turn_count

    def change(call) -> None:
        history._cache_changes(session, session.registry.merge([call]))  # type: ignore[arg-type]
        history._write_unsaved(everything=False)  # the timer's turn

    async def scenario() -> None:
        live = make_call(1, status="in-progress", turns=())
        change(live)
        assert await cached_turns() == ("in-progress", 0)  # a new live call is written at once
        said = (Turn(role=TurnRole.CUSTOMER, text="Hello?", start=1.0, end=2.0),)
        change(live.model_copy(update={"turns": said, "updated_at": live.updated_at + timedelta(seconds=1)}))
        assert await cached_turns() == ("in-progress", 0)  # its new line waits for a later turn
        change(live.model_copy(update={"turns": said, "status": "ended",
                                       "updated_at": live.updated_at + timedelta(seconds=2)}))
        assert await cached_turns() == ("ended", 1)  # a new status goes at once
        await history.close()

    run_async(scenario())
