"""`switchboard export` against a real local server speaking each platform's shapes (250 calls, paging)."""

from __future__ import annotations

import csv
import io
import json

import keyring
import pytest

from app.cli.export import CSV_FIELDS, FIELDS, CallWriter, export_record
from app.domain import (
    Account,
    Call,
    CostItem,
    Performance,
    Provider,
    TransferRecord,
    Turn,
    TurnRole,
)
from app.live.accounts import AccountBook
from app.qa.redacted_call import redacted_call
from tests.cli.conftest import switchboard
from tests.cli.platform_server import CALLS, GOOD_KEY
from tests.live.test_accounts import MemoryKeyring

PROVIDERS = ["vapi", "hms", "voicebot"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_jsonl_export_of_every_call(server, key, tmp_path, provider, capsys):
    out = tmp_path / "calls.jsonl"
    assert switchboard("export", "--provider", provider, "--base-url", f"{server.url}/{provider}", "-o", str(out)) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == CALLS == len({r["id"] for r in records})
    assert all(list(r) == FIELDS for r in records)
    assert all(r["provider"] == provider and r["status"] == "ended" for r in records)
    first = records[0]
    assert first["turns"] and set(first["turns"][0]) == {"role", "text", "start", "end", "supervisor"}
    assert set(first["recordings"]) == {"mono", "stereo"} and first["createdAt"].endswith("Z")
    assert f"Exported {CALLS} calls" in capsys.readouterr().err


@pytest.mark.parametrize("provider", PROVIDERS)
def test_csv_export_of_every_call(server, key, tmp_path, provider):
    out = tmp_path / "calls.csv"
    assert switchboard("export", "--provider", provider, "--base-url", f"{server.url}/{provider}",
                       "--format", "csv", "-o", str(out)) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == CALLS and list(rows[0]) == CSV_FIELDS
    assert all(json.loads(row["turns"]) for row in rows)
    assert rows[0]["recordings.mono"].startswith("https://")


def test_vapi_export_details_and_tool_turns(server, key, capsys):
    assert switchboard("export", "--provider", "vapi", "--base-url", f"{server.url}/vapi",
                       "--since", "2026-03-02T09:00:10Z", "--until", "2026-03-02T09:00:20") == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 20  # two calls per second, [10 s, 20 s)
    sample = next(r for r in records if r["id"] == "vapi-0020")
    assert sample["direction"] == "inbound" and sample["assistantName"] == "Front desk"
    assert sample["sentiment"] == 7 and sample["successEvaluation"] == "Pass" and sample["durationSeconds"] == 65
    assert [t["role"] for t in sample["turns"]] == ["system", "assistant", "customer", "tool", "assistant"]
    assert sample["turns"][3]["text"] == 'lookup_order({"order": "A1"}) -> {"status": "shipped"}'


def test_hms_untimed_turns_stay_untimed(server, key, capsys):
    assert switchboard("export", "--provider", "hms", "--base-url", f"{server.url}/hms") == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert [(t["start"], t["end"]) for t in record["turns"]] == [(None, None), (None, None)]
    assert record["sentiment"] == 8 and record["summary"].startswith("HMS call")


def test_key_from_a_saved_account(server, tmp_path, capsys):
    before = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        account = Account(id="a1", name="Local HMS", provider=Provider.HMS, base_url=f"{server.url}/hms/")
        book = AccountBook()
        book.save(account)
        book.set_key(account, GOOD_KEY)
        assert switchboard("export", "--provider", "hms", "--base-url", f"{server.url}/hms") == 0
    finally:
        keyring.set_keyring(before)
    assert len(capsys.readouterr().out.splitlines()) == CALLS


def test_wrong_key_is_one_clear_line(server, monkeypatch, capsys):
    monkeypatch.setenv("SWITCHBOARD_API_KEY", "sk-wrong")
    assert switchboard("export", "--provider", "vapi", "--base-url", f"{server.url}/vapi") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["switchboard: Vapi rejected the API key (401). Check the key in Accounts. "
                   "(0 calls were written before this.)"]


@pytest.mark.parametrize(("args", "message"), [
    ([], "No API key for Vapi"),
    (["--since", "last tuesday"], "--since 'last tuesday' is not an ISO 8601 time"),
    (["--since", "2026-03-02", "--until", "2026-03-01"], "--since must be before --until"),
])
def test_invalid_input_exits_2_without_traceback(server, args, message, capsys, monkeypatch):
    if args:
        monkeypatch.setenv("SWITCHBOARD_API_KEY", GOOD_KEY)
    assert switchboard("export", "--provider", "vapi", "--base-url", f"{server.url}/vapi", *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_unreachable_platform(key, capsys):
    assert switchboard("export", "--provider", "voicebot", "--base-url", "http://127.0.0.1:9") == 1
    assert "Could not reach VoiceBot Studio at 127.0.0.1" in capsys.readouterr().err


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_written_as_text():
    out = io.StringIO()
    writer = CallWriter(out, "csv")
    call = Call(id="c-1", provider=Provider.VAPI, name='=HYPERLINK("http://evil")', cost=0.0053)
    writer.write(export_record(call))
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["cost"] == "0.0053" and row["id"] == "c-1"


def test_export_carries_names_and_the_newer_fields_in_jsonl_and_csv():
    call = Call(id="c1", provider=Provider.VAPI, status="ended", squad_id="sq-1", squad_name="Night team",
                ended_message="Model failed", structured_outputs={"so": {"name": "Refund", "result": True}},
                scorecards={"sc": {"score": 80}}, structured_data_multi=({"a": 1},),
                transfers=(TransferRecord(destination="+3120000000", mode="blind-transfer", status="completed"),),
                performance=Performance(turn_latency_average=850.0, turn_latencies=(900.0, 800.0)),
                costs=(CostItem(kind="model", cost=0.02, detail="openai gpt-4o", prompt_tokens=10),))
    record = export_record(call)
    assert record["assistantName"] == "Night team"
    assert record["endedMessage"] == "Model failed"
    assert record["structuredOutputs"] == {"so": {"name": "Refund", "result": True}}
    assert record["scorecards"] == {"sc": {"score": 80}} and record["structuredDataMulti"] == [{"a": 1}]
    assert record["transfers"][0] == {"destination": "+3120000000", "mode": "blind-transfer", "status": "completed",
                                      "transcript": None}
    assert record["performance"]["turnLatencyAverage"] == 850.0
    assert record["performance"]["turnLatencies"] == [900.0, 800.0]
    assert record["costs"][0]["detail"] == "openai gpt-4o" and record["costs"][0]["promptTokens"] == 10
    out = io.StringIO()
    CallWriter(out, "csv").write(record)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["endedMessage"] == "Model failed" and json.loads(row["costs"])[0]["cost"] == 0.02
    assert json.loads(row["performance"])["turnLatencyAverage"] == 850.0


def test_the_assistant_turns_a_supervisor_made_say_are_marked(tmp_path, monkeypatch):
    """From this computer's audit log: an accepted Say marks the assistant turn that spoke it."""
    from app.cli.export import supervisor_lines
    from app.domain import Account, Call, Outcome, Provider, Say, Turn, TurnRole
    from app.store import database
    from app.store.audit import AuditLog
    from app.store.database import Database

    monkeypatch.setattr(database, "default_path", lambda: tmp_path / "history.sqlite3")
    monkeypatch.setattr("app.cli.export.default_path", lambda: tmp_path / "history.sqlite3")
    db = Database(tmp_path / "history.sqlite3")
    account = Account(id="a", name="A", provider=Provider.VAPI, base_url="http://x")
    call = Call(id="c1", provider=Provider.VAPI, turns=(
        Turn(role=TurnRole.ASSISTANT, text="Hello, how can I help?"),
        Turn(role=TurnRole.ASSISTANT, text="One moment, a supervisor is checking your order."),
    ))

    def record(conn) -> None:
        log = AuditLog(conn)
        row = log.record_request(account, call.id, Say(text="One moment, a supervisor is checking your order"), "sam")
        log.record_outcome(row, Outcome.ACCEPTED.value)

    db.submit_write(record).result()
    db.close()
    said = supervisor_lines()
    from app.cli.export import export_record
    from app.store.supervision import supervisor_rows
    turns = export_record(call, supervisor_rows(call.turns, said.get("c1", ())))["turns"]
    assert [t["supervisor"] for t in turns] == [False, True]


def test_redaction_covers_every_text_a_caller_can_be_in():
    """Each field below can quote the caller (names, evaluations, scorecards, transfers' transcripts…)."""
    secret = "call me on +1 415 555 0123 or ann@example.com"
    call = Call(
        id="c1", provider=Provider.VAPI, name=secret, customer_number="+14155550123", customer_name=secret,
        summary=secret, success_evaluation=secret, ended_message=secret, structured_data={"note": secret},
        structured_outputs={"so": {"result": secret}}, scorecards={"sc": {"name": "Politeness", "notes": [secret]}},
        structured_data_multi=({"said": secret},), transfer_destination="+14155550123",
        transfers=(TransferRecord(destination="+14155550123", transcript=secret),),
        turns=(Turn(role=TurnRole.CUSTOMER, text=secret),
               Turn(role=TurnRole.TOOL, tool_name="lookup", tool_arguments=secret, tool_result=secret)),
    )
    hidden = redacted_call(call)
    for shown in (json.dumps(export_record(hidden)), hidden.model_dump_json()):
        assert "555" not in shown and "ann@example.com" not in shown, shown
    assert hidden.scorecards == {"sc": {"name": "Politeness", "notes": ["call me on [phone number] or [e-mail]"]}}
