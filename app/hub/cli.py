"""`switchboard hub`: run the team hub; `switchboard hub add-user NAME --role ROLE` prints a new token once."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from app.hub.server import HubServer, open_hub
from app.hub.sources import SECRET_VARIABLE, load_sources
from app.hub.team import Role, new_token, token_hash


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8790, help="port to listen on (0 = any free port)")
    parser.add_argument("--data", type=Path, help="the hub's SQLite file (default: hub.sqlite3 in the data folder)")
    parser.add_argument("--redis", metavar="URL", help="share one event stream with other hubs (redis://…)")
    parser.add_argument("--database", metavar="URL", help="keep the team record in PostgreSQL (postgresql://…)")
    parser.add_argument("--webhooks", type=Path, metavar="FILE",
                        help=f"JSON file of webhook endpoints and their secrets (or set ${SECRET_VARIABLE})")
    commands = parser.add_subparsers(dest="hub_command", metavar="HUB_COMMAND")
    add_user = commands.add_parser("add-user", help="add a user (or give one a new token) and print the token once")
    add_user.add_argument("name")
    add_user.add_argument("--role", required=True, choices=[role.value for role in Role])


def _data(args: argparse.Namespace) -> Path:
    if args.data is not None:
        return Path(args.data)
    from app.paths import data_dir

    return data_dir() / "hub.sqlite3"


async def _serve(args: argparse.Namespace) -> None:
    stopping = asyncio.Event()
    # systemd and containers stop with SIGTERM: close the consoles' sockets so they reconnect at once.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    hub = await open_hub(load_sources(args.webhooks), _data(args), redis=args.redis, database=args.database)
    server = HubServer(hub, args.host, args.port)
    try:
        await server.start()
        endpoints = ", ".join(f"/webhooks/{name}" for name in hub.sources) or f"none (set ${SECRET_VARIABLE} or --webhooks)"
        print(f"Hub listening on {server.url}", flush=True)
        print(f"Webhook endpoints: {endpoints}", flush=True)
        await stopping.wait()
    finally:
        await server.stop()


async def _add_user(args: argparse.Namespace) -> None:
    hub = await open_hub({}, _data(args), redis=None, database=args.database)
    token = new_token()
    try:
        await hub.team.add_user(args.name, Role(args.role), token_hash(token))
    finally:
        await hub.close()
    print(f"{args.name} ({args.role}): {token}")
    print("Keep this token: the hub stores only its hash and cannot show it again.", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    try:
        asyncio.run(_add_user(args) if args.hub_command == "add-user" else _serve(args))
    except KeyboardInterrupt:
        return 0
    except ValueError as error:
        print(f"switchboard hub: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"switchboard hub: {error}", file=sys.stderr)
        return 1
    return 0
