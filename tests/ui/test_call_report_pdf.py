"""The call report PDF: written with QPdfWriter for a reviewed sandbox-shaped call, rendered with
pdftoppm (when installed) to check it has pages with ink; redacted by default."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from app.audio.peaks import PeakPyramid
from app.domain import Call, Provider, Turn, TurnRole
from app.store.database import connect
from app.store.reviews import NOT_APPLICABLE, Mark, ReviewBook
from app.ui.call_report_pdf import write_call_report

SPELLED = "four four seven one, nine nine two"


def reviewed_call(tmp_path: Path, turns: int = 8) -> tuple[Call, object]:
    lines = [Turn(role=TurnRole.ASSISTANT, text="Hello, you've reached Northwind Energy billing. I'm Sam.", start=0.5,
                  end=4.0),
             Turn(role=TurnRole.CUSTOMER, text=f"My account number is {SPELLED}.", start=4.5, end=8.0)]
    for i in range(turns):  # past the 40 s recording too: drawn up to its end
        role = TurnRole.ASSISTANT if i % 2 else TurnRole.CUSTOMER
        lines.append(Turn(role=role, text=f"Line {i}: " + "a fairly long sentence about the bill " * 3,
                          start=9.0 + 3 * i, end=11.0 + 3 * i))
    call = Call(id="call-report-1", provider=Provider.VAPI, status="ended", customer_number="+14155550123",
                assistant_name="Sam - Billing", ended_reason="assistant-forwarded-call", duration_seconds=40.0,
                started_at=datetime(2026, 11, 30, 9, 30, tzinfo=UTC), turns=tuple(lines))
    conn = connect(tmp_path / "h.db")
    book = ReviewBook(conn)
    review = book.start("acct", call.id, "ria")
    book.set_mark(review.id, "greeting", Mark(5), suggested=True)
    book.add_comment(review.id, "Read the account number back: 4111 1111 1111 1111", at_seconds=6.0, turn_index=1)
    book.add_comment(review.id, "Transfer came quickly, good.", at_seconds=30.0)
    review = book.submit(review.id, {"understood": Mark(4), "tools": Mark(3), "no-hallucination": Mark(5),
                                     "escalation": NOT_APPLICABLE, "close": Mark(2)})
    conn.close()
    return call, review


def test_the_report_has_its_pages_and_redacts_by_default(qapp, tmp_path: Path) -> None:
    call, review = reviewed_call(tmp_path, turns=40)
    rate = 8000
    t = np.arange(int(40 * rate)) / rate
    samples = (np.stack([np.sin(2 * np.pi * 200 * t) * (t % 4 < 2), np.sin(2 * np.pi * 300 * t) * (t % 4 >= 2)],
                        axis=1) * 12000).astype(np.int16)
    path = tmp_path / "report.pdf"
    pages = write_call_report(path, call, review, peaks=PeakPyramid.from_samples(samples, rate))  # type: ignore[arg-type]
    assert pages >= 2 and path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                                            text=True, check=True).stdout)  # "ﬁ" → "fi"
        assert "Reviewed by ria" in text and "Greeting" in text and "confirmed suggestion" in text
        assert SPELLED not in text and "4111 1111" not in text and "4155550123" not in text
        assert "[number]" in text and "[card number]" in text
        clear = tmp_path / "clear.pdf"
        write_call_report(clear, call, review, redacted=False)  # type: ignore[arg-type]
        assert SPELLED in subprocess.run(["pdftotext", str(clear), "-"], capture_output=True, text=True).stdout
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
        first = QImage(str(tmp_path / "page-1.png"))
        assert not first.isNull() and first.width() > 300
        inked = sum(first.pixelColor(x, y).lightness() < 200 for x in range(0, first.width(), 7)
                    for y in range(0, first.height(), 7))
        assert inked > 200  # text and the waveform, not a blank page
