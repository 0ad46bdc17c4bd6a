"""ReviewPanel: keyboard scoring, anchored comments, submit as one step, and the locked result."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog

from app.store.reviews import Mark, ReviewBook
from app.ui.review_panel import ReviewPanel
from tests.fixtures.qt import until
from tests.ui.history_samples import history  # noqa: F401 - fixture
from tests.ui.shown import shown


def make_panel(qtbot, db) -> ReviewPanel:
    return shown(qtbot, ReviewPanel(db, reviewer="ria"), 700, 600)


def stored(db, call_id: str = "call-00001"):
    return db.submit_read(lambda conn: ReviewBook(conn).get("acc-vapi", call_id, "ria")).result()


def press(qtbot, panel: ReviewPanel, run_async, key: str, *, expect_row: int | None = None) -> None:
    qtbot.keyClicks(panel.table, key)
    if expect_row is not None:
        run_async(until(lambda: panel.table.currentRow() == expect_row, what=f"row {expect_row}"))


def confirm_submit(panel: ReviewPanel, label: str) -> None:
    box = panel.confirmation
    assert box is not None and box.isVisible() and panel.call_label in box.text()
    next(b for b in box.buttons() if b.text().replace("&", "") == label).click()


def score_cells(panel: ReviewPanel) -> list[str]:
    return [panel.table.item(row, 2).text() for row in range(panel.table.rowCount())]


def test_opening_a_call_writes_nothing_until_the_reviewer_acts(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    assert not panel.table.isEnabled() and panel.title.text() == "Select a call to review it."
    run_async(panel.show_call("acc-vapi", "call-00001"))
    assert panel.title.text() == "Review of call-00001 · by ria · not started" and stored(history) is None
    assert all(c == "—" or c.startswith("suggested ") for c in score_cells(panel))  # suggestions are no marks
    assert not panel.submit_button.isEnabled()


def test_opening_a_call_does_not_wait_behind_a_busy_writer(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    release = threading.Event()
    busy = history.submit_write(lambda conn: release.wait(10))  # e.g. a long history sync
    try:
        run_async(asyncio.wait_for(panel.show_call("acc-vapi", "call-00001"), 5))
        assert panel.title.text() == "Review of call-00001 · by ria · not started" and not busy.done()
    finally:
        release.set()
        busy.result()


def test_keyboard_scoring_then_submit(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    run_async(panel.show_call("acc-vapi", "call-00001"))
    panel.table.setFocus()
    panel.table.setCurrentCell(0, 0)
    press(qtbot, panel, run_async, "5", expect_row=1)
    run_async(until(lambda: stored(history) is not None and "greeting" in stored(history).marks, what="the mark"))
    assert stored(history).marks["greeting"].score == 5 and panel.title.text() == "Review of call-00001 · by ria · draft"
    press(qtbot, panel, run_async, "n")  # "Understood the request" always applies: refused, stays put
    run_async(until(lambda: "always applies" in panel.message.text(), what="the N/A refusal"))
    assert panel.table.currentRow() == 1
    for key, row in (("4", 2), ("n", 3), ("5", 4), ("n", 5)):
        press(qtbot, panel, run_async, key, expect_row=row)
    run_async(until(lambda: "1 to score" in panel.overall.text(), what="the marks written"))
    assert not panel.submit_button.isEnabled()
    press(qtbot, panel, run_async, "3")
    run_async(until(lambda: "complete" in panel.overall.text(), what="a complete scorecard"))
    press(qtbot, panel, run_async, "4")  # the last criterion: it stays there and takes the new score
    # (1*5/5 + 2*4/5 + 3*5/5 + 1*4/5) / (1 + 2 + 3 + 1) = 6.4 / 7
    run_async(until(lambda: panel.overall.text() == "Overall 91.4 % · complete", what="the overall score"))
    qtbot.keyClick(panel.table, Qt.Key.Key_Up)
    assert panel.table.currentRow() == 4
    assert score_cells(panel) == ["5 / 5", "4 / 5", "N/A", "5 / 5", "N/A", "4 / 5"]
    assert panel.submit_button.isEnabled()
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    confirm_submit(panel, "Submit review")
    run_async(until(lambda: stored(history).submitted, what="the submit"))
    run_async(until(lambda: panel.title.text() == "Review of call-00001 · by ria · submitted",
                    what="the submitted state"))
    assert not panel.submit_button.isEnabled() and not panel.comment_text.isEnabled()
    press(qtbot, panel, run_async, "0")
    run_async(until(lambda: "can no longer change" in panel.message.text(), what="the lock message"))
    assert stored(history).marks["no-hallucination"].score == 5


def test_a_critical_zero_is_shown_as_a_fail(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    run_async(panel.show_call("acc-vapi", "call-00002"))
    assert run_async(panel.set_mark("greeting", Mark(5)))
    assert run_async(panel.set_mark("no-hallucination", Mark(0)))
    assert panel.overall.text() == "Critical fail: No hallucination — overall 0 %"
    assert score_cells(panel)[3] == "0 / 5"


def test_comments_are_anchored_to_the_playback_moment_and_clickable(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    run_async(panel.show_call("acc-vapi", "call-00001"))
    panel.set_position(9.5, 2)
    assert panel.comment_button.text() == "Add at 0:09 · turn 3"
    with qtbot.waitSignal(panel.comments_changed) as changed:
        qtbot.keyClicks(panel.comment_text, "Good apology before the refund")
        qtbot.keyClick(panel.comment_text, Qt.Key.Key_Return)
        run_async(until(lambda: panel.comments.count() == 1, what="the comment"))
    assert [c.text for c in changed.args[0]] == ["Good apology before the refund"]
    assert panel.comments.item(0).text() == "[0:09 · turn 3]  Good apology before the refund"
    assert panel.comment_text.text() == ""
    with qtbot.waitSignal(panel.anchor_clicked) as clicked:
        rect = panel.comments.visualItemRect(panel.comments.item(0))
        qtbot.mouseClick(panel.comments.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicked.args == [9.5, 2]
    # Switching calls shows the other call's (empty) review; coming back shows the comment again.
    run_async(panel.show_call("acc-vapi", "call-00003"))
    assert panel.comments.count() == 0
    run_async(panel.show_call("acc-vapi", "call-00001"))
    assert panel.comments.count() == 1


def test_a_comment_is_anchored_where_playback_is_when_written(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    run_async(panel.show_call("acc-vapi", "call-00001"))
    panel.position_source = lambda: (42.0, 7)
    panel.comment_text.setFocus()
    run_async(until(lambda: panel.comment_button.text() == "Add at 0:42 · turn 8", what="the anchor label"))
    run_async(panel.add_comment("Long silence here"))
    comment = stored(history).comments[0]
    assert (comment.at_seconds, comment.turn_index, comment.text) == (42.0, 7, "Long silence here")


def test_submitted_reviews_export_to_csv_from_the_save_dialog(qtbot, history, run_async, tmp_path):  # noqa: F811
    panel = make_panel(qtbot, history)
    run_async(panel.show_call("acc-vapi", "call-00001"))
    for criterion in ("greeting", "understood", "no-hallucination", "close"):
        run_async(panel.set_mark(criterion, Mark(4)))
    for criterion in ("tools", "escalation"):
        run_async(panel.set_mark(criterion, Mark(not_applicable=True)))
    run_async(panel.submit())
    run_async(panel.show_call("acc-vapi", "call-00002"))
    run_async(panel.set_mark("greeting", Mark(1)))  # a draft: not exported

    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    dialog = panel.findChild(QFileDialog, "saveDialog")
    assert dialog is not None and dialog.isVisible()
    path = tmp_path / "reviews.csv"
    dialog.fileSelected.emit(str(path))
    run_async(until(lambda: path.exists() and "Exported 1 submitted review" in panel.message.text(),
                    what="the export"))
    dialog.reject()
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [(r["call"], r["reviewer"], r["overall %"]) for r in rows] == [("call-00001", "ria", "80")]


def test_scoring_keys_win_over_the_players_window_shortcuts(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    fired: list[str] = []
    for key in ("N", "3", "Space"):
        shortcut = QShortcut(QKeySequence(key), panel, context=Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda key=key: fired.append(key))
    run_async(panel.show_call("acc-vapi", "call-00001"))
    panel.table.setFocus()
    panel.table.setCurrentCell(2, 0)  # Correct tool use: N/A allowed
    press(qtbot, panel, run_async, "n", expect_row=3)
    press(qtbot, panel, run_async, "3", expect_row=4)
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)
    run_async(until(lambda: stored(history) and "no-hallucination" in stored(history).marks, what="the marks"))
    assert stored(history).marks["tools"].not_applicable and stored(history).marks["no-hallucination"].score == 3
    assert fired == ["Space"]  # keys the scorecard does not use still reach the player


def test_a_full_disk_when_the_first_mark_starts_the_review_is_said_plainly(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    run_async(panel.show_call("acc-vapi", "call-00001"))

    def fill_the_disk(conn) -> None:
        """No room left in the file, nor in the reviews table's pages (a full disk, as SQLite sees one)."""
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        n = 0
        for size in (4000, 400, 40):
            try:
                while True:
                    n += 1
                    conn.execute("INSERT INTO reviews (account_id, call_id, reviewer, template_id, template_name,"
                                 " criteria_json, status, created_at, updated_at) VALUES ('other', ?, 'x', 't', ?,"
                                 " '[]', 'draft', 0, 0)", (f"filler-{n}", "x" * size))
            except sqlite3.OperationalError:
                pass

    history.submit_write(fill_the_disk).result()
    try:
        # Starting the review writes its first row: the disk refuses it; the panel says so, no dialog.
        saved = run_async(panel.set_mark("greeting", Mark(4)))
        assert saved is False
        assert panel.message.text().startswith("The local history could not save this change")
        assert stored(history) is None
    finally:
        history.submit_write(lambda conn: conn.execute("PRAGMA max_page_count = 1073741823")).result()


def test_scores_given_for_one_call_never_land_on_the_next_while_the_writer_is_busy(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    criterion = panel.template.criteria[0].id
    run_async(panel.show_call("acc-vapi", "call-00001"))
    release = threading.Event()
    busy = history.submit_write(lambda conn: release.wait(10))  # e.g. a long history sync

    async def scenario() -> None:
        scoring_a = asyncio.ensure_future(panel.set_mark(criterion, Mark(4)))  # its draft waits for the writer
        await asyncio.sleep(0.05)
        await panel.show_call("acc-vapi", "call-00002")  # the reviewer moves on
        release.set()
        await asyncio.wait_for(scoring_a, 5)
        assert panel.call_id == "call-00002" and panel.review is None  # B shows B: not started
        await panel.set_mark(criterion, Mark(1))

    try:
        run_async(scenario())
    finally:
        release.set()
        busy.result()
    assert stored(history, "call-00001").marks[criterion].score == 4
    assert stored(history, "call-00002").marks[criterion].score == 1
    assert panel.review is not None and panel.review.call_id == "call-00002"


def test_down_right_after_a_score_does_not_skip_and_submit_asks_naming_the_call(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    run_async(panel.show_call("acc-vapi", "call-00001", "Dana Fox, 2026-11-21 12:00"))
    assert panel.title.text().startswith("Review of Dana Fox, 2026-11-21 12:00")
    assert "move on" in panel.keys_hint.text()
    panel.table.setFocus()
    panel.table.setCurrentCell(0, 0)
    qtbot.keyClicks(panel.table, "4")
    assert panel.table.currentRow() == 1  # at once, before the write lands
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert panel.table.currentRow() == 1, "the score already moved on: ↓ must not skip criterion 2"
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert panel.table.currentRow() == 2
    for criterion in ("understood", "no-hallucination", "close"):
        run_async(panel.set_mark(criterion, Mark(4)))
    for criterion in ("tools", "escalation"):
        run_async(panel.set_mark(criterion, Mark(not_applicable=True)))
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert "Dana Fox" in panel.confirmation.text()
    confirm_submit(panel, "Cancel")
    run_async(asyncio.sleep(0.05))
    assert not stored(history).submitted
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    confirm_submit(panel, "Submit review")
    run_async(until(lambda: stored(history).submitted, what="the submit"))


def test_the_submit_question_names_the_call_as_words(qtbot, history, run_async):  # noqa: F811
    """A customer named with markup is named literally when Submit asks (Qt would render it as rich text)."""
    panel = make_panel(qtbot, history)
    run_async(panel.show_call("acc-vapi", "call-00001", "<b>Dana</b> <i>Fox</i>"))
    for criterion in panel.template.criteria:
        run_async(panel.set_mark(criterion.id, Mark(4)))
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert panel.confirmation.textFormat() == Qt.TextFormat.PlainText
    assert "<b>Dana</b> <i>Fox</i>" in panel.confirmation.text()
    confirm_submit(panel, "Cancel")


def test_a_long_call_name_in_the_title_never_sets_the_windows_width(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    run_async(panel.show_call("acc-vapi", "call-00001", "Maria " * 60))
    assert panel.title.text().startswith("Review of Maria") and panel.title.minimumSizeHint().width() < 200
