"""Start-up pays only for what the first screen shows (benchmarks/startup): the plotting library
(pyqtgraph) loads with the first recording or live call, the audio stack (numpy, soundfile,
sounddevice, websockets) with the first recording or listen, the sandbox (aiohttp) with the demo,
the headless subcommands (app.cli, app.sandbox) never with the window, the keyring once a key is asked
for, and the phone numbering plans once a line is redacted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFERRED = ["pyqtgraph", "numpy", "soundfile", "sounddevice", "websockets", "aiohttp", "app.cli", "app.sandbox",
            "app.hub", "app.live.hub_client", "redis", "psycopg", "keyring", "phonenumbers"]

# The console's own start-up path from `switchboard` with no arguments (the entry point's parser),
# up to the window shown with its History dock; no account opened.
CHILD = """
import asyncio, json, sys
deferred = json.loads(sys.argv[1])
loaded = lambda: [name for name in deferred if name in sys.modules]
from app.__main__ import build_parser
args = build_parser([]).parse_args([])
assert args.command is None and not args.demo
import app.ui.main_window
imported = loaded()
from app.ui.console import console_window, create_application

async def shown():
    async with console_window() as window:
        window.show()
        await asyncio.sleep(0.3)
        return window.isVisible()

app, loop = create_application()
with loop:
    visible = loop.run_until_complete(shown())
print(json.dumps({"imported": imported, "visible": visible, "shown": loaded()}))
"""


def test_the_window_opens_without_the_plotting_library_or_the_audio_stack():
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(DEFERRED)], cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"imported": [], "visible": True, "shown": []}
