"""TransportBar and its SeekSlider: signals, shortcuts, and the disabled-with-a-reason state."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from app.ui.transport import SeekSlider, TransportBar
from tests.ui.shown import shown


@pytest.fixture
def bar(qtbot) -> TransportBar:
    bar = shown(qtbot, TransportBar(), 900, 40)
    bar.set_channels(["Customer", "Assistant"])
    bar.set_duration(120.0)
    return bar


def test_slider_ignores_playback_updates_while_dragged_and_seeks_on_release(qtbot):
    slider = shown(qtbot, SeekSlider(), 300, 30)
    slider.set_duration(60.0)
    slider.set_position(10.0)
    assert slider.value() == 100
    slider.setSliderDown(True)
    slider.setSliderPosition(400)
    slider.set_position(11.0)  # the engine keeps reporting; the handle must stay under the mouse
    assert slider.value() == 400
    with qtbot.waitSignal(slider.seek_requested) as blocker:
        slider.setSliderDown(False)
    assert blocker.args == [40.0]


def test_slider_page_step_seeks(qtbot):
    slider = shown(qtbot, SeekSlider(), 300, 30)
    slider.set_duration(60.0)
    with qtbot.waitSignal(slider.seek_requested) as blocker:
        slider.triggerAction(SeekSlider.SliderAction.SliderPageStepAdd)
    assert blocker.args == [10.0]


def test_position_shows_on_slider_and_clock(bar):
    bar.set_position(65.0)
    assert bar.slider.value() == 650 and bar.time_label.text() == "1:05 / 2:00"


@pytest.mark.parametrize(
    ("key", "signal", "args"),
    [
        (Qt.Key.Key_Space, "play_toggled", []),
        (Qt.Key.Key_K, "play_toggled", []),
        (Qt.Key.Key_Right, "skip_requested", [5.0]),
        (Qt.Key.Key_Left, "skip_requested", [-5.0]),
        (Qt.Key.Key_L, "skip_requested", [10.0]),
        (Qt.Key.Key_J, "skip_requested", [-10.0]),
        (Qt.Key.Key_BracketLeft, "speed_changed", [0.75]),
        (Qt.Key.Key_BracketRight, "speed_changed", [1.25]),
        (Qt.Key.Key_N, "turn_step_requested", [1]),
        (Qt.Key.Key_P, "turn_step_requested", [-1]),
    ],
)
def test_shortcuts(qtbot, bar, key, signal, args):
    with qtbot.waitSignal(getattr(bar, signal), timeout=1000) as blocker:
        qtbot.keyClick(bar, key)
    assert blocker.args == args


def test_text_fields_keep_their_keys(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    field = QLineEdit()
    bar = TransportBar()
    layout.addWidget(field)
    layout.addWidget(bar)
    shown(qtbot, window, 600, 100)
    field.setFocus()
    fired = []
    bar.play_toggled.connect(lambda: fired.append(1))
    qtbot.keyClicks(field, "a k")
    assert field.text() == "a k" and fired == []


def test_speed_is_clamped_at_the_ends(qtbot, bar):
    for _ in range(10):
        bar.step_speed(1)
    assert bar.speed.currentData() == 2.0
    for _ in range(10):
        bar.step_speed(-1)
    assert bar.speed.currentData() == 0.5


def test_mute_and_solo_per_channel(qtbot, bar):
    assert len(bar.mute_buttons) == len(bar.solo_buttons) == 2
    with qtbot.waitSignal(bar.mute_changed) as blocker:
        bar.mute_buttons[0].click()
    assert blocker.args == [0, True]
    with qtbot.waitSignal(bar.solo_changed) as blocker:
        bar.solo_buttons[1].click()
    assert blocker.args == [1, True]
    assert bar.solo_buttons[1].toolTip() == "Solo the assistant"
    bar.set_channels(["Call"])
    assert len(bar.mute_buttons) == 1


def test_unavailable_disables_everything_and_says_why(qtbot, bar):
    reason = "Playback is off: no sound output device was found."
    bar.set_unavailable(reason)
    assert not bar.play_button.isEnabled() and not bar.slider.isEnabled() and not bar.mute_buttons[0].isEnabled()
    assert bar.reason_label.isVisible() and bar.reason_label.text() == reason
    assert reason in bar.play_button.toolTip()
    fired = []
    bar.play_toggled.connect(lambda: fired.append(1))
    qtbot.keyClick(bar, Qt.Key.Key_Space)
    assert fired == []
    bar.set_available()
    assert bar.play_button.isEnabled() and not bar.reason_label.isVisible()
    assert bar.play_button.toolTip() == "Play (Space)"


def test_speed_and_volume_are_remembered(qtbot, bar):
    bar.step_speed(1)
    bar.volume.setValue(40)
    again = shown(qtbot, TransportBar(), 900, 40)
    assert again.speed.currentData() == 1.25 and again.volume.value() == 40


def test_a_long_reason_stays_on_one_line_in_a_narrow_bar(qtbot):
    from app.ui.transport import TransportBar
    from tests.ui.shown import shown

    bar = shown(qtbot, TransportBar(), 520, 40)
    reason = "Playback is off: no sound output device was found. Connect headphones or speakers, then reopen."
    bar.set_unavailable(reason)
    qtbot.wait(10)
    assert bar.reason_label.toolTip() == reason
    line = bar.reason_label.fontMetrics().height()
    assert not bar.reason_label.wordWrap() and bar.reason_label.sizeHint().height() < 2 * line
    assert bar.sizeHint().height() < 3 * line  # the bar does not grow a tall column of words
