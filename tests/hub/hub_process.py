"""`switchboard hub` as a real process on a chosen port, for tests with several hubs."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.hub.conftest import SECRET

ROOT = Path(__file__).resolve().parents[2]


class HubProcess:
    def __init__(self, port: int, *options: str) -> None:
        self.port = port
        self.options = options
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> HubProcess:
        env = {**os.environ, "SWITCHBOARD_HUB_WEBHOOK_SECRET": SECRET}
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app", "hub", "--port", str(self.port), *self.options, cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 60)
        if not line.startswith(b"Hub listening"):
            assert self.process.stderr is not None
            raise AssertionError(f"hub did not start: {line!r} {await self.process.stderr.read()!r}")
        return self

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()  # abrupt, like a crash: nothing may depend on a clean shutdown
            await self.process.wait()
        self.process = None


async def add_user(name: str, role: str, *options: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "hub", *options, "add-user", name, "--role", role, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err
    return out.decode().strip().split(": ")[1]
