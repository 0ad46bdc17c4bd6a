"""WaveformView: lanes, turns, reviewers' comments, zoom and pan, click to seek, and its empty/loading states."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from app.audio.peaks import PeakPyramid
from app.domain import Turn, TurnRole
from app.domain.clock import clock
from app.ui.recording_labels import CommentMark
from app.ui.tones import Tone, accent
from app.ui.waveform import WaveformView
from tests.fixtures.audio import speech_like
from tests.ui.literal import rendered
from tests.ui.shown import shown

TURNS = (
    Turn(role=TurnRole.SYSTEM, text="You are a helpful agent", start=0.0),
    Turn(role=TurnRole.ASSISTANT, text="Hello", start=0.5, end=3.0),
    Turn(role=TurnRole.CUSTOMER, text="Hi, my order", start=3.5, end=7.0),
    Turn(role=TurnRole.TOOL, tool_name="lookup_order", start=7.2),
    Turn(role=TurnRole.ASSISTANT, text="Found it", start=8.0, end=12.0),
    Turn(role=TurnRole.CUSTOMER, text="untimed"),
)


def settle(qtbot, view: WaveformView) -> None:
    qtbot.waitUntil(lambda: not view._redraw_timer.isActive(), timeout=2000)


@pytest.fixture
def view(qtbot) -> WaveformView:
    view = shown(qtbot, WaveformView(), 900, 240)
    view.set_recording(PeakPyramid.from_samples(speech_like(20.0), 16000), TURNS)
    settle(qtbot, view)
    return view


def test_stereo_shows_customer_and_assistant_lanes_with_turns_by_speaker(view):
    assert len(view.plots) == 2
    lanes = {index: next(i for i, p in enumerate(view.plots) if region in p.items) for index, region in view.turn_regions}
    assert lanes == {1: 1, 2: 0, 4: 1}  # assistant turns right lane, customer left; system and untimed skipped
    assert [m.value() for m in view.tool_markers] == [7.2]
    assert "lookup_order" in view.tool_markers[0].label.toPlainText()
    assert view.visible_range() == pytest.approx((0.0, 20.0), abs=0.01)


def test_mono_is_one_lane(qtbot):
    view = shown(qtbot, WaveformView(), 600, 200)
    view.set_recording(PeakPyramid.from_samples(speech_like(5.0, channels=1), 16000), TURNS)
    settle(qtbot, view)
    assert len(view.plots) == 1 and len(view.turn_regions) == 3


def test_redraw_cost_depends_on_pixels_not_duration(qtbot):
    hour = PeakPyramid.from_samples(np.zeros((16000 * 3600, 2), np.int16), 16000)
    view = shown(qtbot, WaveformView(), 800, 200)
    view.set_recording(hour)
    settle(qtbot, view)
    pixels = int(view.plots[0].vb.width())
    assert 0 < view.drawn_points <= 2 * 2 * 4 * pixels  # 2 lanes x 2 points x <= 4 buckets a pixel
    view.set_visible_range(1800.0, 1800.2)
    settle(qtbot, view)
    assert view.drawn_points == 2 * 2 * 3200  # zoomed in: every sample of the 0.2 s


def test_keys_zoom_and_pan(qtbot, view):
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    start, end = view.visible_range()
    assert end - start == pytest.approx(20.0 / 1.6, rel=0.01)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    moved = view.visible_range()
    assert moved[0] == pytest.approx(start + (end - start) / 4, rel=0.01)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert view.visible_range() == pytest.approx((0.0, 20.0), abs=0.01)
    for _ in range(30):
        qtbot.keyClick(view, Qt.Key.Key_Plus)
    start, end = view.visible_range()
    assert end - start == pytest.approx(0.05, rel=0.01)  # the closest zoom stops at 50 ms


def test_click_asks_to_seek_to_that_time(qtbot, view):
    point = view.scene_point(12.5, lane=1)
    with qtbot.waitSignal(view.seek_requested) as blocker:
        qtbot.mouseClick(view.graphics.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args[0] == pytest.approx(12.5, abs=0.1)


def test_playhead_moves_and_the_view_pages_along(qtbot, view):
    view.set_visible_range(0.0, 5.0)
    view.set_playhead(6.0)
    start, end = view.visible_range()
    assert start <= 6.0 <= end and all(head.value() == 6.0 for head in view.playheads)
    view.follow_playhead = False
    view.set_playhead(15.0)
    assert view.visible_range() == (start, end)


def test_empty_loading_and_error_states_say_what_is_happening(qtbot):
    view = shown(qtbot, WaveformView(), 600, 200)
    assert view.state_text == "Select a call to see its recording."
    view.show_loading("Downloading recording… 1.0 MB", 0.25)
    assert view.progress.isVisible() and view.progress.value() == 250 and view.cancel_button.isVisible()
    with qtbot.waitSignal(view.cancel_requested):
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    view.show_message("The platform has no recording for this call (it may have expired).")
    assert not view.progress.isVisible() and "expired" in view.state_text


def test_clock_formats_minutes_hours_and_fractions():
    assert clock(0) == "0:00" and clock(65.4) == "1:05" and clock(3725) == "1:02:05"
    assert clock(5.03, 2) == "0:05.03"


def test_double_click_shows_the_whole_call(qtbot, view):
    view.set_visible_range(4.0, 6.0)
    settle(qtbot, view)
    viewport, point = view.graphics.viewport(), view.scene_point(5.0)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point)  # what a real double click sends
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point)
    assert view.visible_range() == pytest.approx((0.0, 20.0), abs=0.01)


COMMENTS = [CommentMark(9.5, "Good apology, and the refund was started without asking twice", "ria"),
            CommentMark(4.0, "Interrupted the caller", "sam")]


def comment_x(view: WaveformView, mark: CommentMark, lane: int) -> float:
    """Where the comment's line is drawn, in the graphics viewport's pixels."""
    line = next(line for m, line in view.comment_lines if m == mark and line in view.plots[lane].items)
    return view.graphics.mapFromScene(line.mapToScene(QPointF(0.0, 0.0))).x()


def test_comments_are_flagged_lines_across_the_lanes_at_their_moments(qtbot, view):
    view.set_comment_marks(COMMENTS)
    settle(qtbot, view)
    assert view.comment_marks == (COMMENTS[1], COMMENTS[0])  # in time order
    for mark in COMMENTS:
        for lane in range(len(view.plots)):
            assert comment_x(view, mark, lane) == pytest.approx(view.scene_point(mark.seconds, lane).x(), abs=1)
    flags = [(flag.toPlainText(), rendered(flag.toolTip())) for _, flag in view.comment_flags]
    assert flags == [("✎ Interrupted the caller", "0:04 · sam\nInterrupted the caller"),
                     ("✎ Good apology, and the…",
                      "0:09 · ria\nGood apology, and the refund was started without asking twice")]
    review = accent(Tone.REVIEW, view.palette()).name()
    assert {line.pen.color().name() for _, line in view.comment_lines} == {review}
    others = {accent(t, view.palette()).name() for t in Tone if t != Tone.REVIEW}
    others |= {line.pen.color().name() for line in view.tool_markers + view.playheads}
    assert review not in others  # told apart from speakers, tool calls and the playhead

    drawn = [line for _, line in view.comment_lines]
    view.set_comment_marks(list(reversed(COMMENTS)))  # the same comments again: nothing redrawn
    assert all(a is b for a, b in zip([line for _, line in view.comment_lines], drawn, strict=True))
    view.set_recording(view.pyramid, TURNS)  # the same call reloaded: the comments stay
    assert len(view.comment_lines) == 2 * len(COMMENTS)
    view.set_comment_marks([])
    assert view.comment_lines == [] and view.comment_flags == []
    assert not any(getattr(item, "pen", None) is not None and item.pen.color().name() == review
                   for plot in view.plots for item in plot.items)


def test_comments_set_before_the_recording_arrives_are_drawn_with_it(qtbot):
    view = shown(qtbot, WaveformView(), 600, 200)
    view.set_comment_marks(COMMENTS[:1])
    view.set_recording(PeakPyramid.from_samples(speech_like(12.0, channels=1), 16000), TURNS)
    assert [(m, line.value()) for m, line in view.comment_lines] == [(COMMENTS[0], 9.5)]


def test_clicking_a_comment_seeks_exactly_to_it(qtbot, view):
    view.set_comment_marks(COMMENTS)
    settle(qtbot, view)
    near = view.scene_point(9.5, lane=0)
    near.setX(round(comment_x(view, COMMENTS[0], 0)) + 4)  # a few pixels off the line still hits it
    with qtbot.waitSignal(view.seek_requested) as blocker:
        qtbot.mouseClick(view.graphics.viewport(), Qt.MouseButton.LeftButton, pos=near)
    assert blocker.args == [9.5]
    flag = next(flag for m, flag in view.comment_flags if m == COMMENTS[1])
    on_flag = view.graphics.mapFromScene(flag.sceneBoundingRect().center())
    assert on_flag.x() > comment_x(view, COMMENTS[1], 1) + 20  # the words, well right of the line
    with qtbot.waitSignal(view.seek_requested) as blocker:
        qtbot.mouseClick(view.graphics.viewport(), Qt.MouseButton.LeftButton, pos=on_flag)
    assert blocker.args == [4.0]
    with qtbot.waitSignal(view.seek_requested) as blocker:  # away from any comment: where it was clicked
        qtbot.mouseClick(view.graphics.viewport(), Qt.MouseButton.LeftButton, pos=view.scene_point(15.0, lane=0))
    assert blocker.args[0] == pytest.approx(15.0, abs=0.1)


def test_a_flag_ends_before_the_next_comment_and_shows_all_its_words_zoomed_in(qtbot, view):
    close = [CommentMark(6.0, "Caller gave the order number straight away", "ria"),
             CommentMark(7.5, "Tool failed: the assistant should say so", "ria")]
    view.set_comment_marks(close)
    settle(qtbot, view)
    first, second = (flag for _, flag in view.comment_flags)
    assert first.toPlainText().endswith("…") and len(first.toPlainText()) < len(close[0].label)
    next_line = next(line for m, line in view.comment_lines if m == close[1])
    assert first.sceneBoundingRect().right() < next_line.mapToScene(QPointF(0.0, 0.0)).x()  # no overlap
    assert second.toPlainText() == close[1].label
    view.set_visible_range(5.0, 10.0)
    settle(qtbot, view)
    assert first.toPlainText() == close[0].label and rendered(first.toolTip()).endswith(close[0].text)
