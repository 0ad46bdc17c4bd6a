"""Platform text is data: every view of the window shows markup literally, bounded, with hidden
controls made visible (issue 11, items 1 and 2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain import CAPABILITIES, CommandResult, End, Outcome, Provider
from app.live.poller import Connection, PollState
from app.live.registry import CallRegistry
from app.ui.main_window import MainWindow
from app.ui.plain import BLOCK_LIMIT, LineLabel, LongText, one_line, tooltip, visible
from tests.ui.literal import MARKUP, assert_literal, rendered
from tests.ui.sample_calls import ended_call, live_call
from tests.ui.shown import shown


def hostile(call_id: str, live: bool):
    now = datetime.now(UTC)
    base = live_call(call_id=call_id) if live else ended_call(call_id=call_id)
    turns = tuple(t.model_copy(update={"text": f"{t.text} {MARKUP}"}) for t in base.turns)
    return base.model_copy(update={
        "name": MARKUP, "customer_name": MARKUP, "assistant_name": MARKUP, "summary": MARKUP,
        "ended_reason": None if live else MARKUP, "success_evaluation": None if live else MARKUP,
        "structured_data": None if live else {MARKUP: MARKUP, "nested": {"x": MARKUP}},
        "turns": turns, "created_at": now - timedelta(minutes=2), "started_at": now - timedelta(minutes=2),
    })


@pytest.fixture
def window(qtbot) -> MainWindow:
    window = shown(qtbot, MainWindow(), 1280, 800)
    registry = CallRegistry()
    registry.merge([hostile("live-1", True), hostile("ended-1", False)])
    window.call_list.model.set_registry(registry)
    window.call_list.set_capabilities(CAPABILITIES[Provider.VAPI])
    return window


def test_names_tooltips_header_transcript_and_analysis_show_markup_literally(qtbot, window):
    window._show_call(window.call_list.model.call("ended-1"))
    qtbot.wait(20)
    assert_literal(window, minimum=8)  # header, call list cells and tooltips, analysis facts, summary, tree


def test_outcome_line_confirmations_and_banner_show_platform_words_literally(qtbot, window):
    call = window.call_list.model.call("live-1")
    window._show_call(call)
    window.controls.set_call(call, CAPABILITIES[Provider.VAPI])
    window.controls.show_outcome("live-1", CommandResult(outcome=Outcome.REFUSED, message=MARKUP), End())
    window.banner.show_state(PollState(Connection.FAILING, message=MARKUP))
    window.controls.buttons["end"].click()
    box = window.controls.open_dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.textFormat().name == "PlainText"
    assert_literal(window, minimum=4)  # outcome line + its tooltip, banner, header


def test_error_message_box_shows_the_error_literally(qtbot):
    from app.ui.app import ErrorReporter

    reporter = ErrorReporter()
    reporter(RuntimeError, RuntimeError(MARKUP), None)
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "errorMessage")
    qtbot.addWidget(box)
    assert "<b>Zq</b>" in (box.text() if box.textFormat().name == "PlainText" else rendered(box.text()))


def test_direction_overrides_and_controls_are_shown_not_obeyed():
    assert visible("abc\u202edcba") == "abc⟦U+202E⟧dcba"
    assert one_line("a\nb\x1b[31m") == "a⟦U+000A⟧b⟦U+001B⟧[31m"
    assert visible("two\nlines\tok", lines=True) == "two\nlines\tok"
    assert rendered(tooltip("<b>x</b>")) == "<b>x</b>"


def test_a_huge_name_is_elided_and_does_not_widen_the_window(qtbot, window):
    huge = "N" * 200_000
    call = window.call_list.model.call("ended-1").model_copy(update={"name": huge, "customer_name": huge})
    window.call_list.model.registry.merge([call])
    window._show_call(call)
    qtbot.wait(50)
    assert window.width() <= 1300
    assert isinstance(window.call_title, LineLabel) and len(window.call_title.text()) <= 300
    assert window.minimumSizeHint().width() < 1300


def test_a_huge_summary_is_capped_with_show_all(qtbot):
    text = LongText()
    shown(qtbot, text, 500, 300)
    text.set_text("word " * 400_000)
    assert len(text.label.text()) <= BLOCK_LIMIT and text.show_all.isVisible()
    dialog = text.open_all()
    qtbot.addWidget(dialog)
    assert "2,000,000 characters" in text.show_all.text()


def test_the_geometry_saved_after_a_huge_name_is_the_window_the_user_had(qtbot, window):
    huge = "W" * 200_000
    call = window.call_list.model.call("ended-1").model_copy(update={"name": huge, "summary": huge * 10})
    window.call_list.model.registry.merge([call])
    window._show_call(call)
    qtbot.wait(50)
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.width() <= 1300 and again.height() <= 820


def test_a_direction_override_in_a_name_or_id_is_shown_not_obeyed(qtbot, window):
    from app.ui.call_list_model import Column

    call = window.call_list.model.call("ended-1").model_copy(update={"name": "Maria\u202eevil", "id": "ended-1"})
    window.call_list.model.registry.merge([call])
    window._show_call(call)
    row = window.call_list.model.row_of("ended-1")
    assert window.call_title.text() == "Maria⟦U+202E⟧evil"
    assert window.call_list.model.index(row, Column.NAME).data() == "Maria⟦U+202E⟧evil"
    assert "\u202e" not in window.call_subtitle.text()
