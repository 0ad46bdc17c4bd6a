"""One formatter per fact: every view writes a call's label, its money and its durations the same way
(issue 11, item 19)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.domain import CAPABILITIES, Provider
from app.store.calls import CallRow
from app.store.search import Hit
from app.ui.analysis import AnalysisPanel
from app.ui.call_list_model import CallListModel, Column
from app.ui.controls import ControlBar
from app.ui.formats import call_label, duration, money
from app.ui.history_model import COLUMNS, cell_text
from app.ui.search_panel import hit_html
from app.ui.transcript_model import turn_as_text
from tests.ui.sample_calls import ended_call, live_call
from tests.ui.shown import shown


def test_the_formatters():
    assert money(0.4321) == "$0.4321" and money(12.5) == "$12.50" and money(None) == ""
    assert duration(754) == "12:34" and duration(None) == "" and duration(-1) == ""
    call = ended_call().model_copy(update={"name": None, "customer_name": None})
    assert call_label(call) == "+4915123456789"
    assert call_label(call.model_copy(update={"customer_number": None})) == call.id


def test_every_view_writes_money_durations_and_labels_alike(qtbot):
    from app.live.registry import CallRegistry

    call = ended_call().model_copy(update={"name": "Rebooking"})
    registry = CallRegistry()
    registry.merge([call])
    model = CallListModel(registry, now=lambda: datetime.now(UTC))
    analysis = shown(qtbot, AnalysisPanel(), 400, 700)
    analysis.show_call(call)
    total = analysis.cost_table.item(analysis.cost_table.rowCount() - 1, 1).text()
    assert model.index(0, Column.COST).data() == total == money(call.cost)
    assert model.index(0, Column.DURATION).data() == duration(call.duration_seconds)

    row = CallRow(account_id="a", id=call.id, provider="vapi", name=call.name, status="ended", ended_reason=None,
                  direction=None, customer_number=call.customer_number, customer_name=call.customer_name,
                  assistant_name=None, created_at=None, started_at=None, duration_seconds=call.duration_seconds,
                  cost=call.cost, success_evaluation=None, turn_count=3)
    assert cell_text(row, COLUMNS.index("Customer")) == call_label(call) == "Rebooking"
    assert cell_text(row, COLUMNS.index("Duration")) == duration(call.duration_seconds)
    hit = Hit(account_id="a", call_id=call.id, turn_index=0, role="user", start_seconds=1.0, snippet="hi",
              call_name=call.name, customer=call.customer_name, assistant_name=None, status="ended", created_at=None)
    assert "<b>Rebooking" in hit_html(hit, dark=False)
    assert turn_as_text(call.turns[2]).startswith(f"[{duration(call.turns[2].start)}]")

    bar = shown(qtbot, ControlBar(), 900, 40)
    bar.set_call(live_call().model_copy(update={"name": "Rebooking"}), CAPABILITIES[Provider.VAPI])
    assert bar.target.text() == "Rebooking"
