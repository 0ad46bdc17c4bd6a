from __future__ import annotations

import logging

import pytest

from app.live.events import Event


def test_callbacks_hear_each_value_in_connection_order_once():
    event: Event[int] = Event("count")
    heard: list[tuple[str, int]] = []
    first = lambda value: heard.append(("first", value))  # noqa: E731
    event.connect(first)
    event.connect(first)  # connecting twice does not double the calls
    event.connect(lambda value: heard.append(("second", value)))
    event.emit(1)
    assert heard == [("first", 1), ("second", 1)]
    assert len(event) == 2


def test_a_failing_callback_is_logged_and_the_others_still_hear(caplog: pytest.LogCaptureFixture):
    event: Event[str] = Event("listener changed")
    heard: list[str] = []

    def broken(_value: str) -> None:
        raise ValueError("boom")

    event.connect(broken)
    event.connect(heard.append)
    with caplog.at_level(logging.ERROR):
        event.emit("x")
    assert heard == ["x"]
    assert "listener changed" in caplog.text


def test_disconnect_stops_calls_even_while_emitting():
    event: Event[int] = Event("n")
    heard: list[int] = []
    disconnect_second = None

    def first(value: int) -> None:
        heard.append(value)
        assert disconnect_second is not None
        disconnect_second()

    event.connect(first)
    disconnect_second = event.connect(lambda value: heard.append(-value))
    event.emit(1)  # the copy taken at emit still tells the second this time
    event.emit(2)
    assert heard == [1, -1, 2]
    event.disconnect(first)
    event.disconnect(first)  # harmless
    event.emit(3)
    assert heard == [1, -1, 2]
