"""In the window, against the sandbox: a troubled call appears, its alert shows in the queue and on the
wall, Enter opens it, L listens, A takes it ("I have it") and the history keeps who did."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain import Provider
from app.store.alerts import AlertLog, AlertQuery
from app.store.database import Database
from app.ui.alert_desk import ConsoleAlerts
from app.ui.wall import ALERTS_ROLE, CALL_ROLE
from tests.e2e.conftest import open_sandbox
from tests.fixtures.qt import until


def test_a_troubled_call_goes_from_alert_to_the_supervisors_ear(window, sandbox_factory, run_async, qtbot,
                                                                 tmp_path):
    sandbox = sandbox_factory(speed=6.0, live=0, history=10)
    db = Database(tmp_path / "history.sqlite3")
    desk = ConsoleAlerts(window, db, user="sam", settings_path=tmp_path / "alerts.toml",
                         clock=sandbox.server.state.world.clock.now)

    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        call_id = sandbox.start_call(Provider.VAPI, "angry_customer")
        queue = desk.queue
        await until(lambda: queue.model.rowCount() and queue.model.alert_at(0).call_id == call_id, timeout=30,
                    what="the angry customer's alert in the queue")
        desk.wall_action.trigger()
        tile = desk.wall.model.index(0, 0)
        assert tile.data(CALL_ROLE).id == call_id and tile.data(ALERTS_ROLE).worst is not None
        desk.wall.view.setCurrentIndex(tile)
        qtbot.keyClick(desk.wall.view, Qt.Key.Key_Return)
        assert window.selected_call().id == call_id
        window.call_list.table.selectionModel().clear()

        queue.table.setFocus()
        queue.table.setCurrentIndex(queue.model.index(0, 0))
        qtbot.keyClick(queue.table, Qt.Key.Key_Return)
        assert window.selected_call().id == call_id
        qtbot.keyClick(queue.table, Qt.Key.Key_L)
        assert window.audio_area.listen_panel.listen_button.isChecked()
        await until(lambda: window.audio_area.headset.listener_for(call_id) is not None, what="a listener")

        alert = queue.current_alert()
        qtbot.keyClick(queue.table, Qt.Key.Key_A)
        await until(lambda: db.submit_read(lambda c: AlertLog(c).search(AlertQuery(acknowledged_by="sam"))).result(),
                    what="the acknowledgement in the history")
        [kept] = db.submit_read(lambda c: AlertLog(c).search(AlertQuery(call_id=call_id, rule=alert.rule))).result()
        assert kept.acknowledged_by == "sam"
        await window.audio_area.headset.stop_all()
        await desk.close()

    try:
        run_async(scenario())
    finally:
        db.close()
