"""ui_live_500 found it: PySide6 6.12.0's Signal.emit() dropped a reference to True on every call, so on
Python 3.11 a console emitting a few thousand signals aborted ("bool_dealloc: deallocating True").
pyproject excludes that release; this fails if an installed PySide6 does it again."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Ticker(QObject):
    ticked = Signal(int)


def test_emitting_a_signal_keeps_true_alive() -> None:
    ticker = Ticker()
    received: list[int] = []
    ticker.ticked.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(200):
        ticker.ticked.emit(n)
    assert received == list(range(200))
    assert sys.getrefcount(True) >= before - 5  # a little slack for unrelated code; the bug lost 200
