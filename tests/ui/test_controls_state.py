"""Controls follow the call's state: ringing and forwarding allow only End, an ended call nothing, and
an open form says the call ended while keeping its text. Mute is visible beyond the button label."""

from __future__ import annotations

from app.domain import CAPABILITIES, CommandResult, Mute, Outcome, Provider, Side
from app.ui.controls import ControlBar
from tests.ui.sample_calls import live_call
from tests.ui.test_controls import click, enabled, make_bar, open_form

VAPI = CAPABILITIES[Provider.VAPI]
ONLY_END = {"say": False, "inject": False, "append-context": False, "transfer": False, "mute-assistant": False, "mute-customer": False,
            "end": True}


def test_ringing_and_forwarding_calls_offer_only_end_with_a_reason(qtbot):
    bar, _ = make_bar(qtbot)
    for status, words in (("ringing", "still ringing"), ("queued", "still queued"),
                          ("forwarding", "being transferred")):
        bar.set_call(live_call(call_id="a").model_copy(update={"status": status}), VAPI)
        assert enabled(bar) == ONLY_END, status
        assert words in bar.buttons["say"].toolTip()


def test_a_form_open_when_the_call_ends_says_so_and_keeps_its_text(qtbot):
    bar, sent = make_bar(qtbot)
    call = live_call(call_id="a")
    bar.set_call(call, VAPI)
    form = open_form(qtbot, bar, "say")
    form.text.setPlainText("Please hold for a colleague.")
    bar.set_call(call.model_copy(update={"status": "ended"}), VAPI)
    assert form.isVisible() and bar.open_dialog is form
    assert "the call ended" in form.blocked.text().lower() and form.blocked.isVisible()
    assert form.text.toPlainText() == "Please hold for a colleague." and form.text.isReadOnly()
    assert not form.ok_button.isEnabled()
    form.text.setPlainText("more")  # typing cannot re-enable sending
    assert not form.ok_button.isEnabled()
    form._try_accept()
    assert sent == []
    assert not any(enabled(bar).values())


def test_forwarding_blocks_an_open_say_form(qtbot):
    bar, sent = make_bar(qtbot)
    call = live_call(call_id="a")
    bar.set_call(call, VAPI)
    form = open_form(qtbot, bar, "inject")
    bar.set_call(call.model_copy(update={"status": "forwarding"}), VAPI)
    assert "transferred" in form.blocked.text() and not form.ok_button.isEnabled()


def test_muted_state_is_reported_and_the_button_row_does_not_reflow(qtbot):
    bar, _ = make_bar(qtbot)
    bar.set_call(live_call(call_id="a"), VAPI)
    changes: list[str] = []
    bar.mute_changed.connect(changes.append)
    qtbot.wait(10)

    def row() -> dict[str, tuple[int, int]]:
        return {key: (button.x(), button.width()) for key, button in bar.buttons.items()}

    geometry = row()
    click(qtbot, bar, "mute-customer")
    bar.show_outcome("a", CommandResult(outcome=Outcome.ACCEPTED), Mute(side=Side.CUSTOMER))
    qtbot.wait(10)
    assert bar.buttons["mute-customer"].text() == "Unmute customer"
    assert row() == geometry
    assert changes == ["a"] and bar.muted_words("a") == "Customer muted"
    assert ControlBar.muted_words(bar, "b") is None
