"""Screenshots of the transcript, analysis and control widgets in light and dark palettes.

Run under a real X server so fonts and styles render as on a desktop:
    Xvfb :97 -screen 0 1600x1000x24 &
    DISPLAY=:97 QT_QPA_PLATFORM=xcb .venv/bin/python -m tests.ui.widget_screenshots
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QVBoxLayout, QWidget

from app.domain import CAPABILITIES, CommandResult, Mute, Outcome, Provider, Side
from app.ui.analysis import AnalysisPanel
from app.ui.command_dialogs import TextCommandDialog, TransferDialog, say_dialog
from app.ui.controls import ControlBar
from app.ui.theme import _dark_palette, _light_palette, apply_theme
from app.ui.transcript import TranscriptView
from tests.ui.sample_calls import ended_call, live_call, long_call, pending_call, reported_call

OUT = Path(__file__).resolve().parents[2] / "screenshots" / "widgets"


def settle(widget: QWidget, ms: int = 150) -> None:
    widget.show()
    QTest.qWait(ms)


def save(widget: QWidget, name: str, scheme: str) -> None:
    settle(widget)
    widget.grab().save(str(OUT / f"{name}-{scheme}.png"))
    print("wrote", OUT / f"{name}-{scheme}.png")


def transcripts(scheme: str) -> list[QWidget]:
    live = TranscriptView()
    live.resize(760, 640)
    live.show_call(live_call(turns=9))
    live.model.set_expanded(5, True)
    save(live, "transcript-live", scheme)

    scrolled = TranscriptView()
    scrolled.resize(760, 640)
    scrolled.show_call(long_call(40))
    settle(scrolled)
    bar = scrolled.list.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scrolled.update_call(long_call(44))
    save(scrolled, "transcript-scrolled-up", scheme)

    playing = TranscriptView()
    playing.resize(760, 640)
    playing.show_call(ended_call())
    playing.highlight_turn(6)
    playing.list.setCurrentIndex(playing.model.index(2))
    save(playing, "transcript-playing", scheme)

    empty = TranscriptView()
    empty.resize(760, 300)
    save(empty, "transcript-empty", scheme)
    return [live, scrolled, playing, empty]


def analyses(scheme: str) -> list[QWidget]:
    made = []
    for name, call, height in (("full", ended_call(), 760), ("pending", pending_call(), 760),
                               ("live", live_call(), 760), ("newer-fields", reported_call(), 1480)):
        panel = AnalysisPanel()
        panel.resize(420, height)
        panel.show_call(call)
        save(panel, f"analysis-{name}", scheme)
        made.append(panel)
    return made


def say_through_form(bar: ControlBar) -> None:
    bar.buttons["say"].click()
    form = bar.open_dialog
    assert isinstance(form, TextCommandDialog)
    form.text.setPlainText("One moment, I'm checking that for you.")
    form.ok_button.click()


def transfer_through_form(bar: ControlBar, destination: str) -> None:
    bar.buttons["transfer"].click()
    form = bar.open_dialog
    assert isinstance(form, TransferDialog)
    form.destination.setText(destination)
    form.ok_button.click()
    box = bar.open_dialog
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Transfer").click()


def end_through_form(bar: ControlBar) -> None:
    bar.buttons["end"].click()
    box = bar.open_dialog
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "End call").click()


def control_bars(scheme: str) -> list[QWidget]:
    sheet = QWidget()
    column = QVBoxLayout(sheet)
    column.setSpacing(2)

    def bar(caption: str, setup: Callable[[ControlBar], None]) -> None:
        label = QLabel(caption)
        label.setStyleSheet("color: palette(placeholder-text); padding-top: 8px;")
        column.addWidget(label)
        control = ControlBar()
        setup(control)
        column.addWidget(control)

    vapi, hms, voicebot = (CAPABILITIES[p] for p in Provider)
    bar("Vapi, live call, mute accepted", lambda c: (
        c.set_call(live_call(call_id="a"), vapi), c.buttons["mute-customer"].click(),
        c.show_outcome("a", CommandResult(outcome=Outcome.ACCEPTED), Mute(side=Side.CUSTOMER))))
    bar("Vapi, a Say in flight", lambda c: (c.set_call(live_call(call_id="b"), vapi), say_through_form(c)))
    bar("HMS Sovereign, transfer refused", lambda c: (
        c.set_call(live_call(Provider.HMS, call_id="c"), hms), transfer_through_form(c, "+493012345678"),
        c.show_outcome("c", CommandResult(outcome=Outcome.REFUSED, message="Call is not in progress", status_code=400))))
    bar("Vapi, outcome unknown", lambda c: (
        c.set_call(live_call(call_id="d"), vapi), end_through_form(c),
        c.show_outcome("d", CommandResult(outcome=Outcome.UNKNOWN, message="timed out"))))
    bar("VoiceBot Studio (no control)", lambda c: c.set_call(live_call(Provider.VOICEBOT), voicebot))
    bar("Nothing selected", lambda c: c.set_call(None, vapi))
    sheet.resize(1180, sheet.sizeHint().height())
    save(sheet, "controls", scheme)

    transfer = TransferDialog("Maria Keller")
    transfer.destination.setText("0151 2345")
    transfer.message.setText("Connecting you to our front desk now.")
    save(transfer, "dialog-transfer-invalid", scheme)
    say = say_dialog(None, "Maria Keller")
    say.text.setPlainText("One moment please, I'm checking the calendar for you.")
    save(say, "dialog-say", scheme)
    asking = ControlBar()
    asking.set_call(live_call(call_id="e"), vapi)
    asking.buttons["end"].click()
    assert asking.open_dialog is not None
    save(asking.open_dialog, "dialog-end-confirm", scheme)
    return [sheet, transfer, say, asking]


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    apply_theme(app)
    OUT.mkdir(parents=True, exist_ok=True)
    # Plain X has no colour-scheme setting to flip, so set the console's own palettes directly.
    for name, palette in (("light", _light_palette(app)), ("dark", _dark_palette())):
        app.setPalette(palette)
        keep = transcripts(name) + analyses(name) + control_bars(name)
        for widget in keep:
            widget.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
