"""`switchboard watch`: a JSON line on stdout for each change the console would show.

Every line has `type`, `at`, `provider` and `call_id`; the types so far are `call-appeared`
(status, name, customer, assistant), `status-changed` (status), `turn` (role, text, final, start),
`call-ended` (status, ended_reason) and `alert` (rule, severity, message, the triggering text: the
console's alert rules, from alerts.toml). New types add lines, never change these. The account's
poller (and with --listen the call's listen socket) feeds the same call registry as the window;
with --hub URL the team hub's stream feeds it instead (no platform key needed; --provider narrows).
Stops on Ctrl+C (exit 130), or with --call when that call ends (exit 0).
"""

from __future__ import annotations

import argparse
import asyncio

from app.cli.hub_watch import HubWatch
from app.cli.live_account import open_session, read_call
from app.cli.platform_option import (
    CliError,
    add_platform_arguments,
    run_safely,
    say_error,
    say_json,
)
from app.live.alerts import settings as alert_settings
from app.live.alerts.engine import AlertChange, AlertEngine
from app.live.alerts.json_line import alert_as_json
from app.live.call_changes import CallChange, CallChangeFeed
from app.live.listen import Headset, ListenUnavailable
from app.live.session import AccountSession


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_platform_arguments(parser, required=False)
    parser.add_argument("--hub", metavar="URL",
                        help="read the calls from this team hub's stream instead of polling the platform "
                             "(token from SWITCHBOARD_HUB_TOKEN or the saved account)")
    parser.add_argument("--call", metavar="ID", help="only this call; stop when it ends")
    parser.add_argument("--listen", action="store_true",
                        help="with --call: also follow its listen socket (no sound) for the live transcript")


def run(args: argparse.Namespace) -> int:
    return run_safely(lambda: watch(args))


async def watch(args: argparse.Namespace) -> int:
    if args.listen and not args.call:
        raise CliError("--listen needs --call.")
    if args.listen and args.hub:
        raise CliError("--listen reads the call's own socket on the platform: not with --hub.")
    if not args.hub and not (args.provider and args.base_url):
        raise CliError("Name the platform with --provider and --base-url, or a team hub with --hub.")
    ended = asyncio.Event()
    refused: list[str] = []

    def hub_refused() -> None:
        refused.append("The hub refused the token.")
        ended.set()

    hub: HubWatch | None = None
    session: AccountSession | None = None
    if args.hub:
        hub = HubWatch(args, hub_refused)
        registry = hub.registry
    else:
        session = open_session(args)
        registry = session.registry

    def tell(change: CallChange) -> None:
        say_json(change.as_json())
        if args.call and change.type == "call-ended":
            ended.set()

    def alerted(change: AlertChange) -> None:
        for alert in change.raised:
            if not args.call or alert.call_id == args.call:
                say_json(alert_as_json(alert))

    feed = CallChangeFeed(registry, tell, call_id=args.call)
    rules, problems = alert_settings.load()
    for problem in problems:
        say_error(problem)
    alerts = AlertEngine(rules)
    alerts.changed.connect(alerted)
    stop_watching = alerts.watch(session.account.id if session else "hub", registry)
    alerts.start()
    headset = Headset(play_audio=False)
    try:
        if hub is not None:
            hub.stream.start()
        if session is not None:
            if args.call:
                call = await read_call(session, args.call)
                session.poller.watch(call.id)
                if args.listen and call.is_live:
                    try:
                        await headset.listen(call, session.client, session.registry)
                    except ListenUnavailable as exc:
                        raise CliError(str(exc)) from None
            session.start()
        await ended.wait()
        if refused:
            raise CliError(refused[0], 1)
        return 0
    finally:
        feed.close()
        stop_watching()
        await alerts.stop()
        await headset.stop_all()
        if session is not None:
            await session.aclose()
        if hub is not None:
            await hub.stream.stop()
