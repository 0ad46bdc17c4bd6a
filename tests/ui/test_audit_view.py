"""AuditLogView: what was sent, by whom, with which outcome; filters and CSV export."""

from __future__ import annotations

import csv

from app.domain import Account, CommandResult, End, Outcome, Provider, Say
from app.store.audit import send_audited
from app.ui.audit_view import COLUMNS, AuditLogView
from tests.store.fake_platform import FakePlatform, make_call
from tests.ui.history_samples import history  # noqa: F401 - fixture
from tests.ui.shown import shown

VAPI = Account(id="acc-vapi", name="Vapi production", provider=Provider.VAPI, base_url="https://api.vapi.ai")
HMS = Account(id="acc-hms", name="HMS Sovereign", provider=Provider.HMS, base_url="https://api.hmsovereign.com")


async def send_some(db) -> None:
    async def refuse(call, command):
        return CommandResult(outcome=Outcome.REFUSED, message="Call is not in progress", status_code=400)

    live = make_call(7, status="in-progress")
    await send_audited(db, FakePlatform(), VAPI, live, Say(text="One moment please"), "ria")
    await send_audited(db, FakePlatform(on_send=refuse), HMS, live, End(), "sam")
    await send_audited(db, FakePlatform(), VAPI, live, End(message="Goodbye"), "sam")


def make_view(qtbot, db) -> AuditLogView:
    view = shown(qtbot, AuditLogView(db), 1000, 400)
    view.set_accounts([VAPI, HMS])
    return view


def cell(view: AuditLogView, row: int, column: str) -> str:
    return view.model.index(row, COLUMNS.index(column)).data()


def test_entries_newest_first_with_outcomes(qtbot, history, run_async):  # noqa: F811
    run_async(send_some(history))
    view = make_view(qtbot, history)
    run_async(view.reload())
    assert view.model.rowCount() == 3
    assert [cell(view, r, "Command") for r in range(3)] == ["End the call", "End the call", "Say “One moment please”"]
    assert cell(view, 1, "Outcome") == "refused" and cell(view, 1, "Message") == "Call is not in progress"
    assert cell(view, 2, "User") == "ria" and cell(view, 2, "Latency").endswith(" ms")
    assert view.summary.text() == "3 commands."
    assert [view.user.itemText(i) for i in range(view.user.count())] == ["Anyone", "ria", "sam"]


def test_filters_and_export(qtbot, history, run_async, tmp_path):  # noqa: F811
    run_async(send_some(history))
    view = make_view(qtbot, history)
    run_async(view.reload())
    view.user.setCurrentText("sam")
    view.outcome.setCurrentText("accepted")
    run_async(view.reload())
    assert view.model.rowCount() == 1 and cell(view, 0, "Account") == "Vapi production"
    view.outcome.setCurrentText("Any outcome")
    view.account.setCurrentIndex(view.account.findData("acc-hms"))
    run_async(view.reload())
    assert [cell(view, r, "Account") for r in range(view.model.rowCount())] == ["HMS Sovereign"]

    path = tmp_path / "audit.csv"
    assert run_async(view.export_csv(path)) == 1
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [(r["user"], r["outcome"], r["message"]) for r in rows] == [("sam", "refused", "Call is not in progress")]
    assert view.summary.text() == f"Exported 1 command to {path}."
    assert run_async(view.export_csv(tmp_path / "missing-folder" / "a.csv")) == 0
    assert view.summary.text().startswith("Could not write")
