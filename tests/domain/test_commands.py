import pytest
from pydantic import ValidationError

from app.domain import (
    CAPABILITIES,
    COMMAND_ADAPTER,
    Call,
    CommandKind,
    Inject,
    Provider,
    Say,
    Transfer,
    describe,
)


@pytest.mark.parametrize("dest", ["+15551234567", "+31612345678", "sip:agent@example.com", "sips:desk@pbx.example.org"])
def test_transfer_accepts_e164_and_sip(dest):
    assert Transfer(destination=dest).destination == dest


@pytest.mark.parametrize("dest", ["", "5551234567", "+0123456", "tel:+15551234567", "sip:", "+1 555 123 4567"])
def test_transfer_rejects_anything_else_with_a_readable_reason(dest):
    with pytest.raises(ValidationError, match="E.164|SIP"):
        Transfer(destination=dest)


def test_blank_say_is_refused_before_sending():
    with pytest.raises(ValidationError, match="empty"):
        Say(text="   ")


def test_commands_round_trip_through_the_discriminated_union():
    cmd = COMMAND_ADAPTER.validate_python({"kind": "inject", "text": "VIP customer", "trigger_response": False})
    assert cmd == Inject(text="VIP customer", trigger_response=False)
    assert describe(cmd) == "Inject context “VIP customer”"


def test_capabilities_give_reasons_for_what_a_platform_cannot_do():
    assert CAPABILITIES[Provider.VAPI].why_not(CommandKind.MUTE) is None
    assert "HMS Sovereign" in CAPABILITIES[Provider.HMS].why_not(CommandKind.MUTE)
    assert "no live call control" in CAPABILITIES[Provider.VOICEBOT].why_not(CommandKind.SAY)
    assert CAPABILITIES[Provider.HMS].why_no_rename


def test_unknown_status_is_kept_and_is_not_live():
    call = Call(id="c1", provider=Provider.VAPI, status="teleporting")
    assert call.status == "teleporting" and not call.is_live


def test_an_extension_is_at_most_ten_characters_as_the_spec_says():
    from pydantic import ValidationError

    from app.domain import Transfer

    assert Transfer(destination="+15551234567", extension="1234567890").extension == "1234567890"
    with pytest.raises(ValidationError):
        Transfer(destination="+15551234567", extension="12345678901")
