"""`switchboard sandbox`: serve the three simulated platforms until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from app.domain import Provider
from app.sandbox.server import SandboxServer, build_state
from app.sandbox.state import Access
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
    parser.add_argument("--webhook-url", action="append", metavar="URL",
                        help="post signed Vapi and HMS webhooks to URL/vapi and URL/hms (e.g. a hub's "
                             "http://host:port/webhooks); repeat to spread them over several hubs")
    parser.add_argument("--webhook-secret", help="the secret the webhooks are signed with")
    _add_platform_arguments(parser)


def _add_platform_arguments(parser: argparse.ArgumentParser) -> None:
    """How the sandbox imitates real accounts: keys, origins, links, ids."""
    parser.add_argument("--public-key", default=Access.public_key,
                        help="the Vapi public key monitor URLs take with --monitor-auth (default sandbox-public-key)")
    parser.add_argument("--monitor-auth", action="store_true",
                        help="Vapi monitor URLs (listen, control) require Authorization: Bearer <public key>")
    parser.add_argument("--monitor-port", type=int, default=0, help="port of the Vapi monitor URLs (default: any free; a second host, as calls' "
                             "monitor hosts differ, always takes a free port)")
    parser.add_argument("--storage-port", type=int, default=0, help="port of the signed recording files (default: any free)")
    parser.add_argument("--recording-ttl", type=float, default=Access.recording_ttl,
                        help="seconds a signed recording URL works (default 3600)")
    parser.add_argument("--realtime-share", type=float, default=TrafficSettings.realtime_share,
                        help="share of Vapi calls of the realtime kind (end-call, append-context, transfer only; no listen)")
    parser.add_argument("--id-salt", type=int, help="repeat the call ids of an earlier run (default: new ids every run)")
    parser.add_argument("--listen-format", choices=("mono", "stereo"), default=TrafficSettings.listen_format,
                        help="Vapi listen sockets send mono or stereo (customer left) 16 kHz audio")
    parser.add_argument("--start-frame", dest="listen_start_frame", action="store_true",
                        help="Vapi listen sockets begin with a JSON start frame (format, rate, channels); the brief "
                             "documents none, so by default clients must measure the format")
    parser.add_argument("--trouble-rate", type=float, default=None, metavar="R",
                        help="share of new live calls (0 to 1) that play a troubled scenario: every alert rule "
                             "has one (default: the usual mix)")


async def _serve(server: SandboxServer) -> None:
    await server.start()
    for provider in Provider:
        print(f"{provider.display_name:16} {base_url(server.host, server.port, provider)}", flush=True)
    for number, origin in enumerate(server.origins("monitor"), 1):
        print(f"{f'Vapi monitor {number}':16} {origin}", flush=True)
    print(f"{'Recordings':16} {server.origins('storage')[0]}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def run(args: argparse.Namespace) -> int:
    key = args.api_key or os.environ.get(KEY_VARIABLE) or "sandbox-key"
    try:
        traffic = TrafficSettings(seed=args.seed, live=args.live, history=args.history, speed=args.speed,
                                  id_salt=args.id_salt, realtime_share=args.realtime_share,
                                  listen_format=args.listen_format, listen_start_frame=args.listen_start_frame,
                                  trouble_rate=args.trouble_rate)
        access = Access(args.public_key, args.monitor_auth, args.recording_ttl)
        state = build_state(api_key=key, traffic=traffic, faults_spec=args.faults, access=access)
        if args.webhook_url:
            if not args.webhook_secret:
                raise ValueError("--webhook-url needs --webhook-secret")
            from app.sandbox.webhooks import WebhookSender

            state.webhooks = WebhookSender(state.world, args.webhook_url, args.webhook_secret)
    except ValueError as error:
        print(f"switchboard sandbox: {error}", file=sys.stderr)
        return 2
    print(f"Sandbox: {args.history} ended calls and {args.live} live calls per platform, seed {args.seed}.", flush=True)
    try:
        asyncio.run(_serve(SandboxServer(state, args.host, args.port, args.monitor_port, args.storage_port)))
    except KeyboardInterrupt:
        return 0
    except OSError as error:
        print(f"switchboard sandbox: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    return 0
