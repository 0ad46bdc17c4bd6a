"""The Redact switch in the real window against the real sandbox: the transcript, the analysis and
the call list's customer numbers hide what redaction finds, and show it again when switched off."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction

from app.domain import Account, Provider
from app.ui.call_list_model import Column
from app.ui.main_window import MainWindow
from app.ui.screen_redaction import SCREEN
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.fixtures.window import open_window

SPELLED = "four four seven one, nine nine two"


@pytest.fixture
def window(qtbot, qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[MainWindow]:
    yield open_window(qtbot, qloop, tmp_path, height=860)
    SCREEN.set_on(False)


def test_the_redact_switch_hides_numbers_on_screen(window, sandbox, run_async):
    async def scenario() -> None:
        vapi = Account(id="redact", name="Vapi", provider=Provider.VAPI, base_url=sandbox.base_url(Provider.VAPI))
        await window.open_session(vapi, SANDBOX_KEY)
        await until(lambda: window.status.state.loaded, what="the call list")
        await until(lambda: any(SPELLED in t.text for c in window.session.registry.calls() for t in c.turns),
                    timeout=20, what="a billing call's transcript")
        call = next(c for c in window.session.registry.calls() if any(SPELLED in t.text for t in c.turns))
        assert window.call_list.select_call(call.id) or window.open_call(call.id)
        await until(lambda: any(SPELLED in t.text for t in window.transcript.model.turns), what="the transcript")
        model = window.call_list.model
        numbered = next(r for r in range(model.rowCount())
                        if (c := model.call_at(r)) is not None and c.customer_number and not c.customer_name)
        shown_number = model.index(numbered, Column.CUSTOMER).data()
        assert shown_number and "[" not in shown_number

        switch = window.findChild(QAction, "redactSwitch")
        switch.trigger()
        assert SCREEN.on
        texts = [t.text for t in window.transcript.model.turns]
        assert not any(SPELLED in t for t in texts) and any("[number]" in t for t in texts)
        assert model.index(numbered, Column.CUSTOMER).data() == "[phone number]"
        assert window.selected_call() is not None and any(SPELLED in t.text for t in window.selected_call().turns)

        switch.trigger()
        assert any(SPELLED in t.text for t in window.transcript.model.turns)
        assert model.index(numbered, Column.CUSTOMER).data() == shown_number

    run_async(scenario())
