"""`switchboard hub` loads only what it serves with: no Qt, and an engine's client only when it is named."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.servers import free_port
from tests.hub.conftest import SECRET

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, sys
from app.__main__ import build_parser
argv = sys.argv[1:]
args = build_parser(argv).parse_args(argv)
print(json.dumps([name for name in ("PySide6", "app.ui.main_window", "redis", "psycopg", "app.sandbox", "app.hub.cli")
                  if name in sys.modules]))
"""


def _loaded(*argv: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", CHILD, *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_hub_subcommand_loads_neither_qt_nor_the_engines_it_was_not_given():
    assert _loaded("hub", "--port", "0") == ["app.hub.cli"]
    assert _loaded("hub", "add-user", "ann", "--role", "reviewer") == ["app.hub.cli"]


def test_the_hub_is_not_loaded_for_other_commands():
    assert "app.hub.cli" not in _loaded("sandbox", "--port", "0")


def test_a_hub_without_webhook_sources_says_how_to_add_them(tmp_path):
    done = subprocess.run([sys.executable, "-m", "app", "hub", "--webhooks", str(tmp_path / "missing.json")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "cannot read" in done.stderr


def test_sandbox_webhook_url_needs_a_secret():
    done = subprocess.run([sys.executable, "-m", "app", "sandbox", "--webhook-url", "http://127.0.0.1:9/webhooks"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "--webhook-secret" in done.stderr


async def test_switchboard_sandbox_with_webhook_flags_feeds_a_hub(hub):
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "sandbox", "--port", "0", "--live", "1", "--history", "0", "--speed", "20",
        "--webhook-url", f"{hub.url}/webhooks", "--webhook-secret", SECRET, cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        for _ in range(300):
            sources = {event["source"] for event in await hub.stored()}
            if sources == {"vapi", "hms"}:
                break
            await asyncio.sleep(0.2)
    finally:
        process.kill()
        await process.wait()
    assert sources == {"vapi", "hms"}


async def test_a_hub_stopped_with_sigterm_exits_cleanly(tmp_path):
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "hub", "--port", "0", "--data", str(tmp_path / "hub.sqlite3"), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    assert (await asyncio.wait_for(process.stdout.readline(), 60)).startswith(b"Hub listening")
    process.terminate()
    assert await asyncio.wait_for(process.wait(), 30) == 0


async def test_an_engine_without_its_client_library_says_which_extra_to_install(tmp_path, monkeypatch):
    from app.hub.server import open_hub

    monkeypatch.setitem(sys.modules, "app.hub.redis_log", None)  # as in the desktop bundle
    with pytest.raises(ValueError, match=r"pip install 'switchboard\[hub\]'"):
        await open_hub({}, tmp_path / "hub.sqlite3", redis="redis://127.0.0.1:9/0")


def test_an_unreachable_engine_is_one_line_without_the_url(tmp_path):
    port = free_port()  # nothing listens there
    done = subprocess.run([sys.executable, "-m", "app", "hub", "--data", str(tmp_path / "hub.sqlite3"),
                           "--redis", f"redis://:secret-password@127.0.0.1:{port}/0"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and "cannot reach Redis" in done.stderr
    assert "secret-password" not in done.stderr and "Traceback" not in done.stderr
