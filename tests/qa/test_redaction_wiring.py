"""Redaction where it leaves the building: `switchboard export` (on unless --no-redact), the reviews
CSV (on unless asked otherwise), whole calls, and the recording with the redacted moments toned out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.__main__ import main
from app.domain import Call, Provider, Turn, TurnRole
from app.qa.redacted_audio import TONE_HZ, export_redacted_audio, redacted_moments
from app.qa.redacted_call import redacted_call
from app.store.database import connect
from app.store.reviews import NOT_APPLICABLE, Mark, ReviewBook
from tests.fixtures.sandbox import SANDBOX_KEY

SPELLED = "four four seven one, nine nine two"  # the billing scenario's account number, read out


def test_the_cli_export_redacts_unless_told_not_to(sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_API_KEY", SANDBOX_KEY)
    url = sandbox.base_url(Provider.VAPI)
    redacted, clear = tmp_path / "redacted.jsonl", tmp_path / "clear.jsonl"
    assert main(["export", "--provider", "vapi", "--base-url", url, "-o", str(redacted)]) == 0
    assert main(["export", "--provider", "vapi", "--base-url", url, "--no-redact", "-o", str(clear)]) == 0
    assert SPELLED in clear.read_text()
    assert SPELLED not in redacted.read_text() and "[number]" in redacted.read_text()
    numbers = {json.loads(line)["customerNumber"] for line in redacted.read_text().splitlines()}
    assert numbers <= {"[phone number]", None}


def test_the_reviews_csv_redacts_comments_unless_asked(tmp_path: Path) -> None:
    conn = connect(tmp_path / "h.db")
    book = ReviewBook(conn)
    review = book.start("acct", "c1", "ann")
    book.add_comment(review.id, "Read back the card 4111 1111 1111 1111 in full!", at_seconds=3)
    book.submit(review.id, {"greeting": Mark(5), "understood": Mark(4), "tools": NOT_APPLICABLE,
                            "no-hallucination": Mark(5), "escalation": NOT_APPLICABLE, "close": Mark(5)})

    def comments(**options: bool) -> str:
        out = io.StringIO()
        book.export_csv(out, **options)
        return next(csv.DictReader(io.StringIO(out.getvalue())))["comments"]

    assert comments() == "[0:03] Read back the card [card number] in full!"
    assert "4111 1111 1111 1111" in comments(redacted=False)
    conn.close()


def test_a_redacted_call_hides_every_text_the_customer_could_be_in() -> None:
    call = Call(id="c", provider=Provider.VAPI, customer_number="+14155550123", summary="Mail ann@example.com",
                structured_data={"phone": "+44 20 7946 0958", "n": 3},
                turns=(Turn(role=TurnRole.CUSTOMER, text=f"It's {SPELLED}."),
                       Turn(role=TurnRole.TOOL, tool_name="lookup", tool_arguments='{"card": "4111111111111111"}')),
                raw={"customer": {"number": "+14155550123"}})
    hidden = redacted_call(call)
    dumped = hidden.model_dump_json()
    for secret in ("4155550123", "ann@example.com", "7946 0958", "four four seven", "4111111111111111"):
        assert secret not in dumped
    assert hidden.structured_data == {"phone": "[phone number]", "n": 3} and hidden.raw == {}


def test_the_audio_export_tones_out_the_redacted_moments(tmp_path: Path) -> None:
    rate = 16000
    t = np.arange(rate * 6) / rate
    voice = (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    text = "My number is 415 555 0123 thanks"  # the number sits in the middle of a 2..5 s turn
    turns = (Turn(role=TurnRole.ASSISTANT, text="Hello there", start=0.2, end=1.5),
             Turn(role=TurnRole.CUSTOMER, text=text, start=2.0, end=5.0))
    [(start, end)] = redacted_moments(turns)
    assert 2.0 < start < 3.4 and 4.0 < end < 5.0
    assert export_redacted_audio(voice, rate, turns, tmp_path / "out.wav") == 1
    out, out_rate = soundfile.read(tmp_path / "out.wav", dtype="float32")
    assert out_rate == rate and len(out) == len(voice)

    def loudest_hz(part: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(part))
        return float(np.fft.rfftfreq(len(part), 1 / rate)[int(np.argmax(spectrum))])

    middle = out[int((start + 0.05) * rate):int((end - 0.05) * rate)]
    assert abs(loudest_hz(middle) - TONE_HZ) < 5  # the customer's number is a tone
    assert abs(loudest_hz(out[: int(1.5 * rate)]) - 220) < 5  # the rest is the call as recorded
    assert np.allclose(out[: int(start * rate) - 1], voice[: int(start * rate) - 1], atol=1e-3)
