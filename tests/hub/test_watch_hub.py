"""`switchboard watch --hub URL` as a real process: the JSON lines of a sandbox call that reached the hub
as signed webhooks, with the token from the environment (never an argument)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from app.hub.team import Role, new_token, token_hash
from tests.hub.conftest import start_hub
from tests.hub.sandbox_hooks import webhook_sandbox

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED = {"redis": None, "database": None}


async def watch_hub(hub_url: str, token: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "watch", "--hub", hub_url, cwd=ROOT,
        env={**os.environ, "SWITCHBOARD_HUB_TOKEN": token},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def test_watch_hub_prints_a_sandbox_calls_lines(tmp_path):
    hub = await start_hub(tmp_path, EMBEDDED)
    token = new_token()
    await hub.hub.team.add_user("ann", Role.REVIEWER, token_hash(token))  # watching needs no command rights
    process = await watch_hub(hub.url, token)
    assert process.stdout is not None
    lines: list[dict] = []
    try:
        async with webhook_sandbox([f"{hub.url}/webhooks"], live=1, speed=25.0):
            async def until_a_whole_call() -> str:
                while True:
                    line = json.loads(await process.stdout.readline())
                    lines.append(line)
                    seen = {(x["type"], x["call_id"]) for x in lines}
                    for kind, call_id in seen:
                        if kind == "call-ended" and {("call-appeared", call_id), ("turn", call_id)} <= seen:
                            return call_id

            call_id = await asyncio.wait_for(until_a_whole_call(), 60)
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)
        await hub.stop()
    of_call = [line for line in lines if line["call_id"] == call_id]
    assert of_call[0]["type"] == "call-appeared" and of_call[-1]["type"] == "call-ended"
    assert all(line["provider"] in ("vapi", "hms") for line in lines)
    assert any(line["type"] == "turn" and line["text"] for line in of_call)


async def test_watch_hub_with_a_refused_token_says_so(tmp_path):
    hub = await start_hub(tmp_path, EMBEDDED)
    try:
        process = await watch_hub(hub.url, "not-a-token")
        out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        await hub.stop()
    assert process.returncode == 1 and b"refused the token" in err and out == b""
