"""`switchboard export`: every call in a time range as JSONL or CSV, one normalized call per line/row."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sqlite3
import sys
from collections.abc import Set as AbstractSet
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from app.cli.platform_option import (
    CliError,
    add_platform_arguments,
    json_line,
    open_client,
    run_safely,
    say_error,
)
from app.domain import Call, Provider, Turn, TurnRole
from app.live.names import NameBook
from app.providers.errors import ProviderError
from app.providers.wire import iso, utc
from app.qa.redacted_call import redacted_call
from app.store.csv_export import SpreadsheetCsv, formula_safe
from app.store.database import default_path
from app.store.supervision import said_by_call, supervisor_rows

FIELDS = [
    "provider", "id", "name", "status", "endedReason", "direction", "customerNumber", "assistantName",
    "createdAt", "startedAt", "endedAt", "durationSeconds", "cost", "summary", "successEvaluation",
    "sentiment", "endedMessage", "structuredOutputs", "scorecards", "structuredDataMulti", "transfers",
    "performance", "costs", "turns", "recordings",
]
CSV_FIELDS = [*FIELDS[:-1], "recordings.mono", "recordings.stereo"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_platform_arguments(parser)
    parser.add_argument("--since", help="calls created at or after this ISO 8601 time (UTC unless a zone is given)")
    parser.add_argument("--until", help="calls created before this ISO 8601 time")
    parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl", help="output format (default jsonl)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    parser.add_argument("--no-redact", dest="redact", action="store_false",
                        help="keep phone numbers, e-mail addresses, card numbers and spelled-out numbers in clear "
                             "(redacted by default)")


def run(args: argparse.Namespace) -> int:
    return run_safely(lambda: export(args))


def parse_time(option: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{option} '{value}' is not an ISO 8601 time, e.g. 2026-01-31T09:00:00Z.") from None
    return utc(moment)


def export_time(moment: datetime | None) -> str | None:
    return iso(moment, "milliseconds") if moment else None


def turn_text(turn: Turn) -> str:
    """Tool turns have no spoken text: show what was called and what came back."""
    if turn.role != TurnRole.TOOL or turn.text:
        return turn.text
    text = f"{turn.tool_name or 'tool'}({turn.tool_arguments or ''})"
    return f"{text} -> {turn.tool_result}" if turn.tool_result is not None else text


def export_record(call: Call, by_supervisor: AbstractSet[int] = frozenset()) -> dict[str, Any]:
    """The documented export schema (README, "Export schema"); `by_supervisor`: the turns that spoke a
    supervisor's line (from the local audit log), marked as such."""
    return {
        "provider": call.provider.value,
        "id": call.id,
        "name": call.name,
        "status": call.status,
        "endedReason": call.ended_reason,
        "direction": call.direction,
        "customerNumber": call.customer_number,
        "assistantName": call.assistant_name or call.squad_name or call.workflow_name,  # names, not ids
        "createdAt": export_time(call.created_at),
        "startedAt": export_time(call.started_at),
        "endedAt": export_time(call.ended_at),
        "durationSeconds": call.duration_seconds,
        "cost": call.cost,
        "summary": call.summary,
        "successEvaluation": call.success_evaluation,
        "sentiment": call.sentiment,
        "endedMessage": call.ended_message,
        "structuredOutputs": call.structured_outputs,
        "scorecards": call.scorecards,
        "structuredDataMulti": list(call.structured_data_multi),
        "transfers": [camel(t) for t in call.transfers],
        "performance": camel(call.performance) if call.performance else None,
        "costs": [camel(c) for c in call.costs],
        "turns": [{"role": t.role.value, "text": turn_text(t), "start": t.start, "end": t.end,
                   "supervisor": i in by_supervisor} for i, t in enumerate(call.turns)],
        "recordings": {"mono": call.recordings.mono, "stereo": call.recordings.stereo},
    }


def supervisor_lines() -> dict[str, tuple[str, ...]]:
    """The supervisors' lines per call from this computer's audit log, when there is one (else none)."""
    path = default_path()
    if not path.exists():
        return {}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return said_by_call(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:  # an older or damaged history: export the calls unmarked
        say_error(f"supervisor lines are not marked: the local history cannot be read ({exc}).")
        return {}


def camel(part: BaseModel) -> dict[str, Any]:
    """A domain part in the export's camelCase."""
    return {to_camel(key): value for key, value in part.model_dump(mode="json").items()}


class CallWriter:
    """Writes records as JSONL lines or CSV rows (turns as a JSON string column)."""

    def __init__(self, out: IO[str], fmt: str) -> None:
        self.out = out
        self.csv = csv.DictWriter(out, fieldnames=CSV_FIELDS, dialect=SpreadsheetCsv) if fmt == "csv" else None
        if self.csv:
            self.csv.writeheader()

    def write(self, record: dict[str, Any]) -> None:
        if self.csv is None:
            self.out.write(json_line(record) + "\n")
            return
        # Lists and objects (turns, costs, …) as one JSON text cell each.
        row = {key: _cell(record[key]) for key in FIELDS[:-1]}
        row["recordings.mono"] = record["recordings"]["mono"]
        row["recordings.stereo"] = record["recordings"]["stereo"]
        self.csv.writerow({key: formula_safe(value) if isinstance(value, str) else value for key, value in row.items()})


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


async def export(args: argparse.Namespace) -> int:
    provider = Provider(args.provider)
    since, until = parse_time("--since", args.since), parse_time("--until", args.until)
    if since and until and since >= until:
        raise CliError("--since must be before --until.")
    client = open_client(args)
    try:
        out = open(args.output, "w", newline="", encoding="utf-8") if args.output else sys.stdout
    except OSError as exc:
        await client.aclose()
        raise CliError(f"cannot write {args.output}: {exc.strerror}.") from None
    names = NameBook(client, f"cli-{provider.value}")  # saved assistants' names, read once per id
    said = await asyncio.to_thread(supervisor_lines)
    count = 0
    try:
        writer = CallWriter(out, args.format)
        async for page in client.list_calls(since=since, until=until):
            for call in await names.named(page):
                lines = supervisor_rows(call.turns, said.get(call.id, ()))  # on the words as spoken
                writer.write(export_record(redacted_call(call) if args.redact else call, lines))
            count += len(page)
            out.flush()
            print(f"{provider.display_name}: {count} calls…", file=sys.stderr)
    except ProviderError as exc:
        say_error(f"{exc} ({count} calls were written before this.)")
        return 1
    finally:
        await client.aclose()
        if out is not sys.stdout:
            out.close()
    where = Path(args.output).name if args.output else "standard output"
    print(f"Exported {count} calls from {provider.display_name} to {where}.", file=sys.stderr)
    return 0
