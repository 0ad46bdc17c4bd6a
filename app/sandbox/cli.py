"""`switchboard sandbox`: serve the three simulated platforms until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from app.domain import Provider
from app.sandbox.server import SandboxServer, build_state
from app.sandbox.wire import base_url
from app.sandbox.world import TrafficSettings

KEY_VARIABLE = "SWITCHBOARD_API_KEY"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (0 = any free port)")
    parser.add_argument("--api-key", help=f"key clients must send (default: ${KEY_VARIABLE}, else sandbox-key)")
    parser.add_argument("--seed", type=int, default=TrafficSettings.seed, help="same seed, same calls (ids, scenarios, timings)")
    parser.add_argument("--live", type=int, default=TrafficSettings.live, help="calls kept in progress on each platform")
    parser.add_argument("--history", type=int, default=TrafficSettings.history,
                        help="ended calls created at start on each platform")
    parser.add_argument("--faults", help="e.g. latency=200ms,error_rate=0.05,429_every=20,drop_ws_after=30s,malformed_rate=0.01")
    parser.add_argument("--speed", type=float, default=TrafficSettings.speed,
                        help="run calls this many times faster than real time")
    parser.add_argument("--trouble-rate", type=float, default=None, metavar="R",
                        help="share of new live calls (0 to 1) that play a troubled scenario: every alert rule "
                             "has one (default: the usual mix)")


async def _serve(server: SandboxServer) -> None:
    await server.start()
    for provider in Provider:
        print(f"{provider.display_name:16} {base_url(server.host, server.port, provider)}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def run(args: argparse.Namespace) -> int:
    key = args.api_key or os.environ.get(KEY_VARIABLE) or "sandbox-key"
    try:
        traffic = TrafficSettings(seed=args.seed, live=args.live, history=args.history, speed=args.speed,
                                  trouble_rate=args.trouble_rate)
        state = build_state(api_key=key, traffic=traffic, faults_spec=args.faults)
    except ValueError as error:
        print(f"switchboard sandbox: {error}", file=sys.stderr)
        return 2
    print(f"Sandbox: {args.history} ended calls and {args.live} live calls per platform, seed {args.seed}.", flush=True)
    try:
        asyncio.run(_serve(SandboxServer(state, args.host, args.port)))
    except KeyboardInterrupt:
        return 0
    except OSError as error:
        print(f"switchboard sandbox: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    return 0
