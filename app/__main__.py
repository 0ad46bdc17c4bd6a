"""`switchboard`: the console window, or a headless subcommand (export, control, sandbox)."""

from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand name -> module with `add_arguments(parser)` and `run(args) -> int`; imported on use so
# the headless commands never load Qt.
SUBCOMMANDS = {
    "export": ("app.cli.export", "Write calls as JSONL or CSV"),
    "control": ("app.cli.control", "Send a control command to a live call"),
    "sandbox": ("app.sandbox.cli", "Run the embedded sandbox platform as a server"),
}
WINDOW = "app.ui.launch"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="switchboard",
        description="Supervise and review voice-AI phone calls on Vapi, HMS Sovereign and VoiceBot Studio.",
    )
    importlib.import_module(WINDOW).add_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in SUBCOMMANDS.items():
        importlib.import_module(module).add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module = SUBCOMMANDS[args.command][0] if args.command else WINDOW
    return importlib.import_module(module).run(args)


if __name__ == "__main__":
    sys.exit(main())
