"""The newer command options in the forms: Say can interrupt the assistant, Transfer has a mode, an
extension and a caller id, Append context appears where the platform takes it, and a command the
call refused is offered no more for that call, with the platform's words."""

from __future__ import annotations

import pytest

from app.domain import (
    CAPABILITIES,
    AppendContext,
    CommandResult,
    Outcome,
    Provider,
    Say,
    Transfer,
    TransferMode,
)
from app.ui.command_dialogs import TRANSFER_MODES, TransferDialog, command_from_form
from tests.ui.sample_calls import live_call
from tests.ui.test_controls import confirmation, make_bar, open_form, press

VAPI, HMS = CAPABILITIES[Provider.VAPI], CAPABILITIES[Provider.HMS]


@pytest.mark.parametrize(("action", "fields", "command"), [
    ("say", {"text": " Hi ", "interrupt": True}, Say(text="Hi", interrupt_assistant=True)),
    ("say", {"text": "   "}, None),
    ("append-context", {"text": "Offer the loyalty discount."}, AppendContext(text="Offer the loyalty discount.")),
    ("transfer", {"destination": "+15551234567", "mode": TransferMode.WARM_SUMMARY.value, "extension": " 204 ",
                  "caller_id": "+15550000000", "message": ""},
     Transfer(destination="+15551234567", mode=TransferMode.WARM_SUMMARY, extension="204", caller_id="+15550000000")),
    ("transfer", {"destination": "not a number"}, None),
])
def test_one_function_maps_every_form_to_its_command(action, fields, command):
    assert command_from_form(action, fields) == command


def test_say_can_interrupt_the_assistant(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(), VAPI)
    form = open_form(qtbot, bar, "say")
    form.text.setPlainText("Sorry to cut in.")
    form.options["interrupt"].setChecked(True)
    form.ok_button.click()
    assert sent == [Say(text="Sorry to cut in.", interrupt_assistant=True)]


@pytest.mark.parametrize("mode", list(TransferMode))
def test_transfer_form_carries_mode_extension_and_caller_id(qtbot, mode):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(), VAPI)
    form = open_form(qtbot, bar, "transfer")
    assert isinstance(form, TransferDialog) and form.mode.count() == len(TRANSFER_MODES)
    form.destination.setText("sip:desk@example.com")
    form.mode.setCurrentIndex(form.mode.findData(mode.value))
    form.extension.setText("12")
    form.caller_id.setText("+15550001111")
    form.ok_button.click()
    press(confirmation(bar), "Transfer")
    assert sent == [Transfer(destination="sip:desk@example.com", mode=mode, extension="12", caller_id="+15550001111")]


def test_append_context_is_offered_only_where_the_platform_takes_it(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(provider=Provider.HMS), HMS)
    assert not bar.buttons["append-context"].isVisibleTo(bar)
    bar.set_call(live_call(), VAPI)
    assert bar.buttons["append-context"].isVisibleTo(bar)
    form = open_form(qtbot, bar, "append-context")
    form.text.setPlainText("Be brief.")
    form.ok_button.click()
    assert sent == [AppendContext(text="Be brief.")]


def test_a_refused_command_is_disabled_for_that_call_with_the_platforms_reason(qtbot):
    bar, sent = make_bar(qtbot)
    bar.set_call(live_call(call_id="a"), VAPI)
    form = open_form(qtbot, bar, "append-context")
    form.text.setPlainText("Be brief.")
    form.ok_button.click()
    bar.show_outcome("a", CommandResult(outcome=Outcome.REFUSED, message="append-context is not supported on this call",
                                        status_code=400), sent[-1])
    button = bar.buttons["append-context"]
    assert not button.isEnabled() and "append-context is not supported on this call" in button.toolTip()
    assert bar.buttons["say"].isEnabled()
    bar.set_call(live_call(call_id="b"), VAPI)
    assert bar.buttons["append-context"].isEnabled()  # another call may take it
    bar.set_call(live_call(call_id="a"), VAPI)
    bar.show_outcome("a", CommandResult(outcome=Outcome.REFUSED, message="Server busy", status_code=503))
    assert bar.buttons["say"].isEnabled()  # not a refusal of the command itself
