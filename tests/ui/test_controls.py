"""ControlBar: enabling per platform and call state, forms, confirmation, outcomes per call."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.domain import (
    CAPABILITIES,
    CommandResult,
    End,
    Inject,
    Mute,
    Outcome,
    Provider,
    Say,
    Side,
    Transfer,
    Unmute,
)
from app.ui.command_dialogs import TRANSFER_HINT, CommandDialog, TextCommandDialog, TransferDialog
from app.ui.controls import ACTIONS, NO_CALL, ControlBar
from tests.ui.literal import rendered
from tests.ui.sample_calls import ended_call, live_call
from tests.ui.shown import shown

VAPI, HMS, VOICEBOT = (CAPABILITIES[p] for p in (Provider.VAPI, Provider.HMS, Provider.VOICEBOT))


def make_bar(qtbot) -> tuple[ControlBar, list[object]]:
    bar = shown(qtbot, ControlBar(), 1100, 40)
    sent: list[object] = []
    bar.command_requested.connect(sent.append)
    return bar, sent


def enabled(bar: ControlBar) -> dict[str, bool]:
    return {key: button.isEnabled() for key, button in bar.buttons.items()}


def click(qtbot, bar: ControlBar, key: str) -> None:
    qtbot.mouseClick(bar.buttons[key], Qt.MouseButton.LeftButton)


def open_form(qtbot, bar: ControlBar, key: str) -> CommandDialog:
    click(qtbot, bar, key)
    form = bar.open_dialog
    assert isinstance(form, CommandDialog) and form.isVisible()
    return form


def confirmation(bar: ControlBar) -> QMessageBox:
    box = bar.open_dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    return box


def press(box: QMessageBox, label: str) -> None:
    next(b for b in box.buttons() if b.text().replace("&", "") == label).click()


def test_nothing_selected_disables_everything_with_a_reason(qtbot):
    bar, _ = make_bar(qtbot)
    bar.set_call(None, VAPI)
    assert not any(enabled(bar).values())
    assert all(rendered(b.toolTip()) == NO_CALL for b in bar.buttons.values())


def test_vapi_live_call_enables_everything_with_shortcuts_in_tooltips(qtbot):
    bar, _ = make_bar(qtbot)
    bar.set_call(live_call(), VAPI)
    assert all(enabled(bar).values())
    for action in ACTIONS:
        assert action.shortcut in bar.buttons[action.key].toolTip()


def test_hms_cannot_mute_and_says_why(qtbot):
    bar, _ = make_bar(qtbot)
    bar.set_call(live_call(Provider.HMS), HMS)
    assert enabled(bar) == {"say": True, "inject": True, "append-context": False, "transfer": True,
                            "mute-assistant": False, "mute-customer": False, "end": True}
    assert rendered(bar.buttons["mute-assistant"].toolTip()) == "HMS Sovereign cannot mute from a console."


def test_voicebot_has_no_control_at_all(qtbot):
    bar, _ = make_bar(qtbot)
    bar.set_call(live_call(Provider.VOICEBOT), VOICEBOT)
    assert not any(enabled(bar).values())
    assert all(rendered(b.toolTip()) == "VoiceBot Studio has no live call control." for b in bar.buttons.values())


def test_ended_call_cannot_be_controlled(qtbot):
    bar, _ = make_bar(qtbot)
    bar.set_call(ended_call(), VAPI)
    assert not any(enabled(bar).values())
    assert "not live (ended)" in bar.buttons["say"].toolTip()


def test_say_form_builds_the_command(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(), VAPI)
    form = open_form(qtbot, bar, "say")
    assert isinstance(form, TextCommandDialog)
    assert not form.ok_button.isEnabled()  # blank text cannot be said
    form.text.setPlainText("  One moment please, I'm checking.  ")
    form.options["end_after"].setChecked(True)
    form.ok_button.click()
    assert sent == [Say(text="One moment please, I'm checking.", end_after=True)]


def test_inject_form_lets_the_assistant_respond_by_default(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(), VAPI)
    with qtbot.waitActive(bar):
        bar.activateWindow()
    qtbot.keyClick(bar, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    form = bar.open_dialog
    assert isinstance(form, TextCommandDialog)
    form.text.setPlainText("The caller is a VIP patient.")
    form.ok_button.click()
    assert sent == [Inject(text="The caller is a VIP patient.", trigger_response=True)]


def test_transfer_destination_is_validated_as_typed(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(), VAPI)
    form = open_form(qtbot, bar, "transfer")
    assert isinstance(form, TransferDialog)
    qtbot.keyClicks(form.destination, "0151 2345")
    assert form.error.text() == TRANSFER_HINT and form.error.isVisible()
    assert not form.ok_button.isEnabled()
    form.destination.setText("sip:frontdesk@lindenhof-dental.example")
    assert not form.error.isVisible()
    assert form.ok_button.isEnabled()
    form.destination.setText("+4930123456")
    form.message.setText("Connecting you to our front desk.")
    form.ok_button.click()
    assert sent == []  # a transfer always asks once more
    press(confirmation(bar), "Transfer")
    assert sent == [Transfer(destination="+4930123456", message="Connecting you to our front desk.")]


def test_transfer_rejected_at_confirmation_sends_nothing(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(), VAPI)
    form = open_form(qtbot, bar, "transfer")
    assert isinstance(form, TransferDialog)
    form.destination.setText("+4930123456")
    form.ok_button.click()
    press(confirmation(bar), "Cancel")
    assert sent == []
    assert bar.buttons["transfer"].isEnabled()


def test_end_needs_confirmation(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(), VAPI)
    click(qtbot, bar, "end")
    press(confirmation(bar), "Cancel")
    assert sent == []
    click(qtbot, bar, "end")
    press(confirmation(bar), "End call")
    assert sent == [End()]


def test_switching_call_closes_an_open_form(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(call_id="a"), VAPI)
    click(qtbot, bar, "end")
    box = confirmation(bar)
    bar.set_call(live_call(call_id="b"), VAPI)
    assert bar.open_dialog is None
    assert not box.isVisible()
    assert sent == []


def test_in_flight_command_is_busy_then_shows_outcome(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(call_id="a"), VAPI)
    click(qtbot, bar, "end")
    press(confirmation(bar), "End call")
    assert not bar.buttons["end"].isEnabled()  # no second End while the first is unanswered
    assert "Waiting for the platform" in bar.buttons["end"].toolTip()
    assert not bar.buttons["say"].isEnabled()  # nothing else for this call either
    assert bar.outcome.text().startswith("Sending: End the call")

    bar.show_outcome("a", CommandResult(outcome=Outcome.REFUSED, message="Call is not in progress", status_code=400))
    assert not bar.buttons["end"].isEnabled()  # refused by this call: not offered again, with its words
    assert "Call is not in progress" in bar.buttons["end"].toolTip()
    assert bar.outcome.text() == "✕ End the call — refused: Call is not in progress"


def test_outcome_belongs_to_its_call(qtbot):
    bar, _ = make_bar(qtbot)
    bar.set_call(live_call(call_id="a"), VAPI)
    click(qtbot, bar, "mute-assistant")
    bar.set_call(live_call(call_id="b"), VAPI)
    assert bar.outcome.text() == ""

    bar.show_outcome("a", CommandResult(outcome=Outcome.UNKNOWN, message="timed out"))
    assert bar.outcome.text() == ""  # another call is selected

    bar.set_call(live_call(call_id="a"), VAPI)
    assert "outcome unknown" in bar.outcome.text()
    assert "Check the transcript before retrying" in bar.outcome.text()
    assert not bar.is_muted("a", Side.ASSISTANT)  # not confirmed, so not assumed


def test_mute_toggles_only_after_the_platform_accepts(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(call_id="a"), VAPI)
    button = bar.buttons["mute-customer"]
    click(qtbot, bar, "mute-customer")
    assert sent == [Mute(side=Side.CUSTOMER)]
    assert not button.isChecked() and button.text() == "Mute customer"

    bar.show_outcome("a", CommandResult(outcome=Outcome.ACCEPTED))
    assert button.isChecked() and button.text() == "Unmute customer"
    assert bar.outcome.text() == "✓ Mute the customer — accepted"

    bar.set_call(live_call(call_id="b"), VAPI)
    assert not bar.buttons["mute-customer"].isChecked()  # remembered per call
    bar.set_call(live_call(call_id="a"), VAPI)
    click(qtbot, bar, "mute-customer")
    assert sent[-1] == Unmute(side=Side.CUSTOMER)


def test_a_command_for_a_call_waits_for_the_previous_one(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(call_id="a"), VAPI)
    click(qtbot, bar, "mute-assistant")
    click(qtbot, bar, "mute-customer")
    for _ in range(36):  # holding the shortcut: the platform has not answered the first one yet
        qtbot.keyClick(bar, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert sent == [Mute(side=Side.ASSISTANT)]
    assert all(not button.isEnabled() for button in bar.buttons.values())
    bar.set_call(live_call(call_id="b"), VAPI)
    click(qtbot, bar, "mute-customer")  # another call is not held up
    assert sent == [Mute(side=Side.ASSISTANT), Mute(side=Side.CUSTOMER)]
    bar.set_call(live_call(call_id="a"), VAPI)
    bar.show_outcome("a", CommandResult(outcome=Outcome.ACCEPTED), command=Mute(side=Side.ASSISTANT))
    assert bar.is_muted("a", Side.ASSISTANT) and bar.buttons["mute-customer"].isEnabled()


def test_control_shortcuts_ignore_auto_repeat(qtbot):
    bar, _ = make_bar(qtbot)
    assert len(bar.shortcuts) == len(ACTIONS)
    assert not any(shortcut.autoRepeat() for shortcut in bar.shortcuts)


def test_call_ending_while_a_form_is_open_closes_it(qtbot):
    bar, sent = make_bar(qtbot)
    call = live_call(call_id="a")
    bar.set_call(call, VAPI)
    form = open_form(qtbot, bar, "say")
    bar.set_call(call.model_copy(update={"status": "ended"}), VAPI)
    assert bar.open_dialog is None and not form.isVisible()
    assert sent == []
