"""Screenshot of the console window on a team hub: a live call streaming from the hub (the status bar
says "Streaming from hub"), and the team's audit rows in the History dock's Audit tab.

The real sandbox posts signed webhooks to a real hub (embedded engines); run under a real X server:
    Xvfb :94 -screen 0 1600x1000x24 &
    DISPLAY=:94 QT_QPA_PLATFORM=xcb .venv/bin/python -m tests.hub.hub_screenshot OUT.png
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt

from app.domain import Account, CallStatus, Provider, Say
from app.hub.team import Role, new_token, token_hash
from app.live.hub_link import STREAMING_TEXT
from app.sandbox.wire import base_url
from app.ui.app import create_application
from app.ui.console import console_window
from app.ui.history_area import ConsoleHistory
from tests.e2e.screenshot_app import save
from tests.fixtures.qt import until
from tests.hub.conftest import start_hub
from tests.hub.sandbox_hooks import webhook_sandbox

EMBEDDED = {"redis": None, "database": None}


async def shoot(out: Path, folder: Path) -> None:
    hub = await start_hub(folder, EMBEDDED)
    token = new_token()
    await hub.hub.team.add_user("ann", Role.SUPERVISOR, token_hash(token))
    try:
        async with webhook_sandbox([f"{hub.url}/webhooks"], live=3, speed=1.5) as sandbox, \
                console_window() as window:
            window.resize(1440, 900)
            window.show()
            window.move(0, 0)
            account = Account(id="team-line", name="Clinic line (team hub)", provider=Provider.VAPI,
                              base_url=base_url(sandbox.host, sandbox.port, Provider.VAPI), hub_url=hub.url)
            await window.open_session(account, sandbox.state.api_key, hub_token=token)
            session = window.session
            assert session is not None
            await until(lambda: window.status.hub.text() == STREAMING_TEXT, what="streaming")

            def answered() -> list[str]:
                return [i for i in session.registry.live_ids()
                        if (call := session.registry.get(i)) is not None and call.status == CallStatus.IN_PROGRESS]

            await until(answered, 60, what="a call in progress")
            call_id = answered()[0]
            window.call_list.select_call(call_id)
            for text in ("Please confirm the appointment for Tuesday", "Offer the 9:30 slot as well"):
                await session.send(call_id, Say(text=text))
            history = window.findChild(ConsoleHistory)
            history.area.setCurrentWidget(history.area.audit)
            window.resizeDocks([history.dock], [420], Qt.Orientation.Vertical)
            await history.area.audit.reload()
            await until(lambda: history.area.audit.findChild(object, "teamAuditTable").model().rowCount() >= 2,
                        what="the team's audit rows")
            await until(lambda: len(session.registry.get(call_id).turns) >= 4, 30, what="a few turns")
            await asyncio.sleep(1.5)
            save(window, out)
            print("wrote", out)
    finally:
        await hub.stop()


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("screens/window-streaming-from-hub.png")
    folder = Path(tempfile.mkdtemp(prefix="hub-shot-"))
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):  # never the developer's own history or settings
        os.environ[variable] = tempfile.mkdtemp(prefix="hub-shot-")
    out.parent.mkdir(parents=True, exist_ok=True)
    _app, loop = create_application(sys.argv[:1])
    with loop:
        loop.run_until_complete(shoot(out, folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
