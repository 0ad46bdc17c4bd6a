"""SearchPanel: query and filters against the real history database, highlighted hits, opening a hit."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt

from app.domain import Account, Provider, Turn, TurnRole
from app.store.calls import CallCache
from app.store.database import Database
from app.ui.rich_text_delegate import RICH_TEXT
from app.ui.screen_redaction import SCREEN
from app.ui.search_panel import HIT_ROLE, SearchPanel
from tests.fixtures.qt import until
from tests.store.fake_platform import make_call
from tests.ui.history_samples import RECENT, history  # noqa: F401 - fixture
from tests.ui.shown import shown

ACCOUNT = Account(id="acc-vapi", name="Vapi production", provider=Provider.VAPI, base_url="https://api.vapi.ai")


def make_panel(qtbot, db) -> SearchPanel:
    panel = shown(qtbot, SearchPanel(db), 900, 500)
    panel.set_accounts([ACCOUNT])
    return panel


def shown_hits(panel: SearchPanel):
    return [panel.model.item(row).data(HIT_ROLE) for row in range(panel.model.rowCount())]


def test_folded_diacritics_and_highlighted_snippets(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    result = run_async(panel.search("cafe"))
    assert {(h.call_id, h.turn_index) for h in result.hits} == {
        ("call-00000", 0), ("call-00000", 1), ("call-00003", 0)}
    html = panel.model.index(0, 0).data(RICH_TEXT)  # what the view paints
    assert "font-weight:600\">Café</span>" in html and "Léa Martin" in html
    plain = panel.model.index(0, 0).data()  # what the keyboard and screen readers get: no match markers
    assert "Café" in plain and "\x02" not in plain and "\x03" not in plain
    assert panel.summary.text().startswith("3 matches")


def test_enter_in_the_box_searches_and_filters_narrow(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    qtbot.keyClicks(panel.query, "refund*")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    run_async(until(lambda: panel.model.rowCount() == 6, what="six refund hits"))

    panel.role.setCurrentText("Customer said")
    run_async(panel.search())
    assert {h.role for h in shown_hits(panel)} == {"customer"} and panel.model.rowCount() == 3
    panel.status.setCurrentText("failed")
    run_async(panel.search())
    assert [(h.call_id, h.turn_index) for h in shown_hits(panel)] == [("call-00002", 1)]
    panel.status.setCurrentText("Any status")
    panel.role.setCurrentText("Anyone said")
    run_async(panel.search('"card was declined"'))
    assert [(h.call_id, h.turn_index) for h in shown_hits(panel)] == [("call-00001", 1)]


def test_opening_a_hit_says_which_call_turn_and_moment(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)
    run_async(panel.search("vegan"))
    with qtbot.waitSignal(panel.hit_opened) as opened:
        panel.results.setFocus()
        qtbot.keyClick(panel.results, Qt.Key.Key_Return)
    assert opened.args == ["acc-vapi", "call-00003", 2, 9.5]


def test_the_newest_query_wins_and_odd_input_is_harmless(qtbot, history, run_async):  # noqa: F811
    panel = make_panel(qtbot, history)

    async def both():
        return await asyncio.gather(panel.search("refund"), panel.search("vegan"))

    run_async(both())
    assert panel.query.text() == "vegan" and {h.call_id for h in shown_hits(panel)} == {"call-00003"}
    run_async(panel.search('"(('))
    assert panel.model.rowCount() == 0 and "No cached transcript matches" in panel.summary.text()
    run_async(panel.search("   "))
    assert panel.summary.text().startswith("Type words")


def test_with_redact_on_a_hit_hides_the_callers_numbers_and_keeps_the_match_marked(qtbot, run_async):
    """Search results were left out of the Redact switch: a snippet and its headline showed the numbers."""
    line = "Call me back on 415 555 0123 about the refund please."
    call = make_call(0, turns=(Turn(role=TurnRole.CUSTOMER, text=line, start=0.5, end=4.0),),
                     customer_name="+1 415 555 0199")
    call = call.model_copy(update={"created_at": RECENT, "started_at": RECENT, "updated_at": RECENT})
    db = Database()
    db.submit_write(lambda conn: CallCache(conn).upsert("acc-vapi", [call])).result()
    try:
        panel = make_panel(qtbot, db)
        run_async(panel.search("refund"))
        row = panel.model.index(0, 0)
        assert "415 555 0123" in row.data(RICH_TEXT) and "415 555 0199" in row.data(RICH_TEXT)
        SCREEN.set_on(True)
        try:
            html, plain = row.data(RICH_TEXT), row.data()
            assert "0123" not in html and "0199" not in html and html.count("[phone number]") == 2
            assert 'font-weight:600">refund</span>' in html  # the match is still marked
            assert plain == "Call me back on [phone number] about the refund please."
        finally:
            SCREEN.set_on(False)
        assert "415 555 0123" in row.data(RICH_TEXT)  # switched off: shown again
    finally:
        db.close()


def test_a_hits_headline_is_bounded_whatever_the_platform_named_things():
    from app.store.search import Hit
    from app.ui.search_panel import hit_html

    hit = Hit(account_id="a", call_id="c1", turn_index=0, role="user", start_seconds=1.0, snippet="hi",
              call_name=None, customer=None, assistant_name="A" * 5_000, status="s" * 5_000, created_at=None)
    assert len(hit_html(hit, dark=False)) < 1_000
