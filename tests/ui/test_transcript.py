"""TranscriptView: live growth without resets, scroll keeping, tool turns, activation, copy and review badges."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView

from app.domain import Provider, Turn, TurnRole
from app.ui.formats import duration as format_offset
from app.ui.tones import Tone, accent
from app.ui.transcript import NO_CALL, TranscriptView
from app.ui.transcript_delegate import Fonts, Ink, comment_badge, layout_turn
from app.ui.transcript_model import COMMENTS_ROLE, pretty_json, turn_as_text
from tests.ui.literal import rendered
from tests.ui.sample_calls import CONVERSATION, ended_call, live_call, long_call
from tests.ui.shown import shown


def make_view(qtbot) -> TranscriptView:
    return shown(qtbot, TranscriptView(), 640, 420)


def bar(view: TranscriptView):
    return view.list.verticalScrollBar()


def test_empty_state_before_any_call(qtbot):
    view = make_view(qtbot)
    assert view.empty_label.isVisible()
    assert view.empty_label.text() == NO_CALL
    assert not view.list.isVisible()


def test_update_appends_only_new_turns(qtbot):
    view = make_view(qtbot)
    view.show_call(live_call(turns=4))
    inserted: list[tuple[int, int]] = []
    resets: list[bool] = []
    view.model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    view.model.modelReset.connect(lambda: resets.append(True))

    view.update_call(live_call(turns=7))
    view.update_call(live_call(turns=7))  # nothing new: nothing inserted
    view.update_call(live_call(turns=9))

    assert inserted == [(4, 6), (7, 8)]
    assert resets == []
    assert view.model.rowCount() == 9


def test_revised_last_line_changes_that_row_only(qtbot):
    view = make_view(qtbot)
    call = live_call(turns=3)
    view.show_call(call)
    changed: list[tuple[int, int]] = []
    view.model.dataChanged.connect(lambda a, b, _roles=(): changed.append((a.row(), b.row())))
    revised = call.model_copy(update={"turns": call.turns[:2] + (call.turns[2].model_copy(update={"text": "Hi, yes."}),)})

    view.update_call(revised)

    assert changed == [(2, 2)]
    assert view.model.turns[2].text == "Hi, yes."


def test_follows_the_live_call_when_at_the_bottom(qtbot):
    view = make_view(qtbot)
    view.show_call(long_call(60))
    qtbot.waitUntil(lambda: bar(view).maximum() > 0)
    assert bar(view).value() == bar(view).maximum()

    view.update_call(long_call(80))

    qtbot.waitUntil(lambda: bar(view).value() == bar(view).maximum())
    assert view.following
    assert not view.jump_button.isVisible()


def test_keeps_the_place_when_scrolled_up_and_offers_jump_to_latest(qtbot):
    view = make_view(qtbot)
    view.show_call(long_call(60))
    qtbot.waitUntil(lambda: bar(view).maximum() > 0)
    bar(view).setValue(bar(view).maximum() // 3)  # the reader scrolls up
    place = bar(view).value()
    first_visible = view.list.indexAt(QPoint(20, 5)).row()
    assert not view.following

    view.update_call(long_call(75))
    qtbot.wait(50)

    assert bar(view).value() == place
    assert view.list.indexAt(QPoint(20, 5)).row() == first_visible
    assert view.jump_button.isVisible()
    assert "15 new" in view.jump_button.text()

    qtbot.mouseClick(view.jump_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar(view).value() == bar(view).maximum())
    assert view.following
    assert not view.jump_button.isVisible()


def test_ended_call_opens_at_the_top_without_jump_button(qtbot):
    view = make_view(qtbot)
    view.show_call(long_call(60, live=False))
    qtbot.waitUntil(lambda: bar(view).maximum() > 0)
    assert bar(view).value() == 0
    bar(view).setValue(200)
    assert not view.jump_button.isVisible()


def test_tool_turn_is_collapsed_by_default_and_expands_on_click(qtbot):
    view = make_view(qtbot)
    view.show_call(ended_call())
    tool_row = next(i for i, t in enumerate(CONVERSATION) if t.role == TurnRole.TOOL)
    index = view.model.index(tool_row)
    view.list.scrollTo(index)
    collapsed_height = view.list.visualRect(index).height()
    assert not view.model.is_expanded(tool_row)

    qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=view.list.visualRect(index).center())

    assert view.model.is_expanded(tool_row)
    qtbot.waitUntil(lambda: view.list.visualRect(index).height() > collapsed_height + 40)
    qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=view.list.visualRect(index).center())
    assert not view.model.is_expanded(tool_row)


def test_tool_arguments_are_pretty_printed_when_they_parse():
    assert pretty_json('{"a": 1, "b": [2]}') == '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}'
    assert pretty_json("not json {") == "not json {"
    assert pretty_json(None) == ""


def test_click_on_a_turn_emits_its_start_seconds(qtbot):
    view = make_view(qtbot)
    view.show_call(ended_call())
    index = view.model.index(2)
    with qtbot.waitSignal(view.turn_activated) as signal:
        qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=view.list.visualRect(index).center())
    assert signal.args == [2, CONVERSATION[2].start]


def test_enter_on_a_turn_without_time_emits_minus_one(qtbot):
    view = make_view(qtbot)
    call = live_call(provider=Provider.HMS, turns=2)
    untimed = call.model_copy(update={"turns": tuple(t.model_copy(update={"start": None}) for t in call.turns)})
    view.show_call(untimed)
    view.list.setFocus()
    view.list.setCurrentIndex(view.model.index(1))
    with qtbot.waitSignal(view.turn_activated) as signal:
        qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert signal.args == [1, -1.0]


def test_copy_selected_turns_and_whole_transcript(qtbot):
    view = make_view(qtbot)
    view.show_call(ended_call())
    clipboard = QGuiApplication.clipboard()

    view.copy_action.trigger()
    assert clipboard.text().splitlines() == [turn_as_text(t) for t in CONVERSATION]
    assert clipboard.text().splitlines()[2] == f"[0:05] Customer: {CONVERSATION[2].text}"

    view.list.selectionModel().select(view.model.index(4), view.list.selectionModel().SelectionFlag.Select)
    view.list.selectionModel().select(view.model.index(1), view.list.selectionModel().SelectionFlag.Select)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "\n".join([turn_as_text(CONVERSATION[1]), turn_as_text(CONVERSATION[4])])


def test_highlight_follows_playback_until_the_reader_scrolls_away(qtbot):
    view = make_view(qtbot)
    view.show_call(long_call(120, live=False))
    qtbot.waitUntil(lambda: bar(view).maximum() > 0)

    view.highlight_turn(90)
    assert view.list.visualRect(view.model.index(90)).intersects(view.list.viewport().rect())
    assert view.model.playing == 90

    bar(view).setValue(0)  # the reader goes back to the start
    assert not view.following
    assert view.jump_button.isVisible()
    view.highlight_turn(91)
    assert bar(view).value() == 0

    view.jump_to_latest()
    assert view.list.visualRect(view.model.index(91)).intersects(view.list.viewport().rect())
    view.highlight_turn(None)
    assert view.model.playing is None


def test_scroll_to_turn_brings_it_into_view(qtbot):
    view = make_view(qtbot)
    view.show_call(long_call(200, live=False))
    view.scroll_to_turn(150)
    assert view.list.visualRect(view.model.index(150)).intersects(view.list.viewport().rect())
    assert view.list.currentIndex().row() == 150


def test_show_none_clears_and_calls_without_turns_say_so(qtbot):
    view = make_view(qtbot)
    view.show_call(ended_call())
    view.show_call(None)
    assert view.model.rowCount() == 0 and view.empty_label.text() == NO_CALL
    view.show_call(live_call(turns=0))
    assert "No words yet" in view.empty_label.text()
    view.update_call(live_call(turns=1))
    assert view.list.isVisible()


def test_a_thousand_turns_load_once_and_grow_by_appending(qtbot):
    view = make_view(qtbot)
    resets: list[bool] = []
    view.model.modelReset.connect(lambda: resets.append(True))
    view.show_call(long_call(1500))
    view.update_call(long_call(1501))
    assert resets == [True]
    assert view.model.rowCount() == 1501
    assert view.list.selectionMode() == QAbstractItemView.SelectionMode.ExtendedSelection


def test_offsets_read_as_minutes_and_seconds():
    assert format_offset(5.9) == "0:05"
    assert format_offset(754) == "12:34"
    assert format_offset(3725) == "1:02:05"
    assert format_offset(None) == ""
    assert turn_as_text(Turn(role=TurnRole.TOOL, tool_name="f", tool_arguments='{"x": 1}', tool_result="ok")) \
        == 'Tool: f({"x": 1}) → ok'


def test_long_words_wrap_inside_the_bubble(qtbot):
    from app.ui.transcript_delegate import Fonts, breakable, layout_turn

    url = "https://lindenhof-dental.example/bookings/BK-20931/confirm?token=" + "a1b2c3d4" * 12
    turn = Turn(role=TurnRole.ASSISTANT, text=f"Here is your link: {url} — see you Friday.")
    view = make_view(qtbot)
    bubble = layout_turn(turn, False, 400, Fonts.from_font(view.font()))
    body = bubble.pieces[-1]
    drawn = body.face.metrics.boundingRect(body.rect, body.flags, body.text)
    assert drawn.width() <= body.rect.width() < bubble.width  # the link wraps instead of running off
    assert breakable(url).replace("\u200b", "") == url


def test_showing_the_same_call_again_keeps_the_place(qtbot):
    view = make_view(qtbot)
    view.show_call(long_call(60, live=False))
    qtbot.waitUntil(lambda: bar(view).maximum() > 0)
    bar(view).setValue(300)
    view.show_call(long_call(60, live=False))
    assert bar(view).value() == 300
    view.show_call(ended_call())
    assert bar(view).value() == 0


def test_enter_on_a_tool_turn_opens_it_too(qtbot):
    view = make_view(qtbot)
    view.show_call(ended_call())
    tool_row = next(i for i, t in enumerate(CONVERSATION) if t.role == TurnRole.TOOL)
    view.list.setFocus()
    view.list.setCurrentIndex(view.model.index(tool_row))
    with qtbot.waitSignal(view.turn_activated) as signal:
        qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert signal.args == [tool_row, CONVERSATION[tool_row].start]
    assert view.model.is_expanded(tool_row)


def test_a_growing_last_line_stays_in_view_while_following(qtbot):
    view = make_view(qtbot)
    call = long_call(40)
    view.show_call(call)
    qtbot.waitUntil(lambda: bar(view).maximum() > 0)
    before = bar(view).maximum()
    last = call.turns[-1]
    longer = last.model_copy(update={"text": (last.text + " ") * 12})
    view.update_call(call.model_copy(update={"turns": call.turns[:-1] + (longer,)}))
    qtbot.waitUntil(lambda: bar(view).maximum() > before)
    qtbot.waitUntil(lambda: bar(view).value() == bar(view).maximum())
    assert view.following


def badge_pixels(view: TranscriptView, row: int) -> int:
    """How many pixels of the row are painted in the reviewers' colour (the comment badge)."""
    image = view.list.viewport().grab().toImage()
    rect = view.list.visualRect(view.model.index(row))
    review = accent(Tone.REVIEW, view.palette())
    ratio = image.devicePixelRatio()
    return sum(QColor(image.pixel(round(x * ratio), round(y * ratio))) == review
               for y in range(max(0, rect.top()), min(rect.bottom(), view.list.viewport().height() - 1))
               for x in range(rect.left(), rect.right(), 2))


def test_comment_badges_repaint_only_the_rows_whose_comments_changed(qtbot):
    view = make_view(qtbot)
    view.show_call(ended_call())
    changed: list[tuple[int, int, list[int]]] = []
    resets: list[bool] = []
    relayouts: list[int] = []
    view.model.dataChanged.connect(lambda a, b, roles=(): changed.append((a.row(), b.row(), list(roles))))
    view.model.modelReset.connect(lambda: resets.append(True))
    view._delegate.sizeHintChanged.connect(lambda index: relayouts.append(index.row()))
    scrolled = bar(view).value()

    view.set_comment_marks({2: ["Explained the problem clearly"], 4: ["Long pause", "Should confirm the date"]})
    assert [(a, b) for a, b, _ in changed] == [(2, 2), (4, 4)]
    assert all(COMMENTS_ROLE in roles for _, _, roles in changed)
    assert view.model.index(4).data(COMMENTS_ROLE) == ("Long pause", "Should confirm the date")
    assert rendered(view.model.index(4).data(Qt.ItemDataRole.ToolTipRole)) == "✎ Long pause\n✎ Should confirm the date"
    assert view.model.index(3).data(COMMENTS_ROLE) == () and view.model.index(3).data(Qt.ItemDataRole.ToolTipRole) is None
    qtbot.waitUntil(lambda: badge_pixels(view, 4) > 20, timeout=2000)
    assert badge_pixels(view, 3) == 0

    changed.clear()
    view.set_comment_marks({2: ["Explained the problem clearly"], 4: ["Long pause"]})  # one comment deleted
    assert [(a, b) for a, b, _ in changed] == [(4, 4)]
    changed.clear()
    view.set_comment_marks({2: ["Explained the problem clearly"], 4: ["Long pause"]})  # the same again
    assert changed == []
    view.set_comment_marks({})
    assert [(a, b) for a, b, _ in changed] == [(2, 2), (4, 4)]
    assert resets == [] and relayouts == [] and bar(view).value() == scrolled  # no rebuild, no re-measuring

    view.set_comment_marks({1: ["Greeting was fine"], 99: ["beyond the transcript"]})
    view.show_call(live_call(turns=3))  # another call: the old call's badges do not carry over
    assert all(view.model.index(r).data(COMMENTS_ROLE) == () for r in range(view.model.rowCount()))


def test_the_badge_sits_on_the_title_line_so_the_bubble_keeps_its_height(qtbot):
    view = make_view(qtbot)
    fonts = Fonts.from_font(view.font())
    turn = Turn(role=TurnRole.CUSTOMER, text="Yes.", start=30.8, end=31.2)  # the title line sets the width
    plain = layout_turn(turn, False, 600, fonts)
    badged = layout_turn(turn, False, 600, fonts, comment_badge(2))
    [badge] = [piece for piece in badged.pieces if piece.ink == Ink.BADGE]
    assert badge.text == " ✎ 2 " and badged.height == plain.height and badged.width > plain.width
    title = badged.pieces[0].rect
    assert badge.rect.top() == title.top() and badge.rect.right() < badged.width
    assert comment_badge(0) == ""


def test_a_line_still_being_said_reads_as_in_progress(qtbot):
    view = make_view(qtbot)
    fonts = Fonts.from_font(view.font())
    partial = layout_turn(Turn(role=TurnRole.CUSTOMER, text="I would like", partial=True), False, 600, fonts)
    final = layout_turn(Turn(role=TurnRole.CUSTOMER, text="I would like a table."), False, 600, fonts)
    assert partial.pieces[0].text.endswith("speaking…") and partial.pieces[-1].ink == Ink.MUTED
    assert "speaking" not in final.pieces[0].text and final.pieces[-1].ink == Ink.TEXT
