"""`switchboard control`: send one command to a live call.

Exit codes: 0 accepted; 1 the platform refused or failed; 2 invalid input or not supported
(nothing sent); 3 outcome unknown (sent, no reliable answer, not retried).
"""

from __future__ import annotations

import argparse
import getpass

from pydantic import ValidationError

from app.cli.platform_option import (
    INVALID,
    CliError,
    add_platform_arguments,
    open_client,
    run_safely,
    say,
    say_error,
)
from app.domain import (
    CAPABILITIES,
    COMMAND_ADAPTER,
    Account,
    Call,
    Command,
    CommandKind,
    Outcome,
    Provider,
    Side,
    TransferMode,
    capabilities_for,
    describe,
)
from app.providers.errors import ProviderError, UnsupportedError
from app.store.audit import send_audited
from app.store.database import Database, StoreError, default_path

EXIT_CODES = {Outcome.ACCEPTED: 0, Outcome.REFUSED: 1, Outcome.UNKNOWN: 3}
VERDICTS = {Outcome.REFUSED: "not carried out", Outcome.UNKNOWN: "outcome unknown"}
SIDES = [side.value for side in Side]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_platform_arguments(parser)
    parser.add_argument("--call", required=True, metavar="ID", help="the call's id")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    say = actions.add_parser("say", help="make the assistant say TEXT")
    say.add_argument("text")
    say.add_argument("--end-after", action="store_true", help="end the call once it is said")
    say.add_argument("--interrupt", action="store_true", help="say it now, cutting the assistant off (Vapi)")
    inject = actions.add_parser("inject", help="add TEXT to the assistant's context")
    inject.add_argument("text")
    inject.add_argument("--no-response", action="store_true", help="do not make the assistant answer it")
    append = actions.add_parser(CommandKind.APPEND_CONTEXT.value,
                                help="add instructions to the assistant's context, no reply (Vapi)")
    append.add_argument("text")
    transfer = actions.add_parser("transfer", help="transfer to an E.164 number or sip: URI")
    transfer.add_argument("destination", metavar="DEST")
    transfer.add_argument("--message", help="what to say to the caller before transferring")
    transfer.add_argument("--mode", choices=[mode.value for mode in TransferMode], default=TransferMode.BLIND.value,
                          help="blind (default), warm-message (tell the person taking it --handoff-message) or "
                               "warm-summary (tell them a summary of the call) (Vapi)")
    transfer.add_argument("--handoff-message", help="warm-message: what the person taking the call is told")
    transfer.add_argument("--extension", help="digits dialled after the number answers (Vapi)")
    transfer.add_argument("--caller-id", help="the E.164 number the person taking the call sees (Vapi)")
    end = actions.add_parser("end", help="end the call")
    end.add_argument("--message", help="a goodbye to say first")
    for name in ("mute", "unmute"):
        actions.add_parser(name, help=f"{name} a side of the call").add_argument("side", choices=SIDES)


def command_from(args: argparse.Namespace) -> Command:
    """The domain command the arguments describe; invalid input is a CliError (exit 2)."""
    fields = {
        "say": lambda: {"text": args.text, "end_after": args.end_after, "interrupt_assistant": args.interrupt},
        "inject": lambda: {"text": args.text, "trigger_response": not args.no_response},
        CommandKind.APPEND_CONTEXT.value: lambda: {"text": args.text},
        "transfer": lambda: {"destination": args.destination, "message": args.message, "mode": args.mode,
                             "handoff_message": args.handoff_message, "extension": args.extension,
                             "caller_id": args.caller_id},
        "end": lambda: {"message": args.message},
        "mute": lambda: {"side": args.side},
        "unmute": lambda: {"side": args.side},
    }[args.action]()
    try:
        return COMMAND_ADAPTER.validate_python({"kind": args.action, **fields})
    except ValidationError as exc:
        reason = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        raise CliError(f"{args.action}: {reason}. Nothing was sent.") from None


def open_audit_log() -> Database:
    """The local history's audit log; without it nothing is sent."""
    try:
        return Database()
    except (StoreError, OSError) as exc:
        raise CliError(f"The audit log ({default_path()}) cannot be opened: {exc}. Nothing was sent.") from None


def run(args: argparse.Namespace) -> int:
    return run_safely(lambda: control(args))


async def control(args: argparse.Namespace) -> int:
    provider = Provider(args.provider)
    command = command_from(args)
    client = open_client(args)
    try:
        history = open_audit_log()
    except CliError:
        await client.aclose()
        raise
    account = Account(id=f"cli-{provider.value}", name=provider.display_name, provider=provider, base_url=args.base_url)
    try:
        # Vapi's control URL lives on the call itself: read it fresh, never build it.
        call = await client.get_call(args.call) if provider is Provider.VAPI else Call(id=args.call, provider=provider)
        # The platform's rules, then the call's (e.g. a realtime call): nothing is sent when either says no.
        reason = capabilities_for(call, CAPABILITIES[provider]).why_not(command.kind)
        if reason:
            raise UnsupportedError(reason)
        # Written to the audit log before it is sent, completed with the outcome after.
        result = await send_audited(history, client, account, call, command, getpass.getuser())
    except UnsupportedError as exc:
        raise CliError(f"{exc} Nothing was sent.", INVALID) from None
    except ProviderError as exc:
        say_error(f"{exc} Nothing was sent.")
        return 1
    finally:
        await client.aclose()
        history.close()
    if result.outcome is Outcome.ACCEPTED:
        say(f"{describe(command)}: accepted by {provider.display_name}. {result.message}".rstrip())
    else:
        say_error(f"{describe(command)}: {VERDICTS[result.outcome]}. {result.message}")
    return EXIT_CODES[result.outcome]
