"""`switchboard`: the console window, or a headless subcommand (export, control, sandbox, listen, watch, hub)."""

from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand name -> module with `add_arguments(parser)` and `run(args) -> int`; only the chosen
# module is imported, so the window never loads the sandbox or the CLI and the CLI never loads Qt.
SUBCOMMANDS = {
    "export": ("app.cli.export", "Write calls as JSONL or CSV"),
    "control": ("app.cli.control", "Send a control command to a live call"),
    "sandbox": ("app.sandbox.cli", "Run the embedded sandbox platform as a server"),
    "hub": ("app.hub.cli", "Run the team hub: platform webhooks in, live events and the team record out"),
    "listen": ("app.cli.listen", "Hear, record or print the events of one live call"),
    "watch": ("app.cli.watch", "Print each change the console would show as a JSON line"),
}
WINDOW = "app.ui.launch"


def chosen_command(argv: list[str]) -> str | None:
    """The subcommand named in argv (no window option takes a subcommand's name as its value)."""
    return next((arg for arg in argv if arg in SUBCOMMANDS), None)


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """The parser for argv: every subcommand listed, only the chosen one's options loaded."""
    parser = argparse.ArgumentParser(
        prog="switchboard",
        description="Supervise and review voice-AI phone calls on Vapi, HMS Sovereign and VoiceBot Studio.",
    )
    importlib.import_module(WINDOW).add_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    command = chosen_command(argv)
    for name, (module, help_text) in SUBCOMMANDS.items():
        subparser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(module).add_arguments(subparser)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    module = SUBCOMMANDS[args.command][0] if args.command else WINDOW
    return importlib.import_module(module).run(args)


if __name__ == "__main__":
    sys.exit(main())
