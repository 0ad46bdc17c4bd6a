"""The triage queue, the wall and the call list's alert cells on hand-made calls."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from app.domain import Turn, TurnRole
from app.domain.alert import Severity
from app.live.alerts.engine import AlertEngine
from app.live.registry import CallRegistry
from app.ui.alert_look import severity_fill
from app.ui.call_list import CallListView
from app.ui.call_list_model import Column
from app.ui.triage import CriticalNotifier, TriageQueue
from app.ui.wall import ALERTS_ROLE, CALL_ROLE, CLOCK_ROLE, LEVELS_ROLE, CallWall
from tests.live.alerts.test_rules import Clock
from tests.live.calls import make_call


def said(*lines: str) -> tuple[Turn, ...]:
    return tuple(Turn(role=TurnRole.CUSTOMER, text=t, start=0.0, end=1.0) for t in lines)


def setup(calls: int = 3):
    clock = Clock(2.0)
    engine = AlertEngine(clock=clock)
    registry = CallRegistry()
    engine.watch("acct", registry)
    registry.merge([make_call(f"c{i}", started_at=make_call("x").started_at) for i in range(calls)])
    return engine, registry, clock


def test_the_queue_lists_most_severe_first_and_its_keys_act(qtbot):
    engine, registry, _ = setup()
    queue = TriageQueue(engine, "sam", lambda call_id: f"label {call_id}")
    qtbot.addWidget(queue)
    registry.merge([make_call("c1", updated=1, turns=said("get me your manager")),
                    make_call("c2", updated=1, turns=said("I am calling my lawyer"))])
    assert [queue.model.alert_at(r).call_id for r in range(queue.model.rowCount())] == ["c2", "c1"]
    assert queue.model.index(0, 2).data() == "label c2"
    assert queue.heading.text() == "2 open alerts · 1 critical"
    queue.table.setCurrentIndex(queue.model.index(0, 0))
    with qtbot.waitSignal(queue.open_requested) as opened:
        qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    assert opened.args == ["c2"]
    with qtbot.waitSignal(queue.listen_requested) as listened:
        qtbot.keyClick(queue.table, Qt.Key.Key_L)
    assert listened.args == ["c2"]
    qtbot.keyClick(queue.table, Qt.Key.Key_A)
    assert engine.alerts_for("c2")[0].acknowledged_by == "sam"
    assert queue.current_alert().call_id == "c1"  # the next alert takes the handled one's place
    queue.snooze_minutes.setValue(10)
    qtbot.keyClick(queue.table, Qt.Key.Key_S)
    assert engine.alerts_for("c1")[0].snoozed_until is not None
    assert queue.model.rowCount() == 0 and "No open alerts" in queue.heading.text()


def test_a_held_key_does_not_acknowledge_the_whole_queue(qtbot):
    engine, registry, _ = setup()
    queue = TriageQueue(engine, "sam", str)
    qtbot.addWidget(queue)
    registry.merge([make_call(f"c{i}", updated=1, turns=said("get me your manager")) for i in range(3)])
    queue.table.setCurrentIndex(queue.model.index(0, 0))
    qtbot.keyClick(queue.table, Qt.Key.Key_A)
    held = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a", True)
    QApplication.sendEvent(queue.table, held)
    assert queue.model.rowCount() == 2


def test_critical_alerts_are_notified(qtbot):
    engine, registry, _ = setup()
    notifier = CriticalNotifier(engine, lambda a: a.message, QIcon())
    registry.merge([make_call("c1", updated=1, turns=said("get me your manager", "my attorney will call"))])
    assert [a.severity for a in notifier.shown] == [Severity.CRITICAL]
    notifier.close()


def test_the_wall_puts_troubled_calls_first_and_repaints_only_what_changed(qtbot):
    engine, registry, clock = setup(calls=200)
    wall = CallWall(engine)
    qtbot.addWidget(wall)
    wall.set_registry(registry)
    wall.refresh()  # the wall orders its tiles once a second while shown, not on every change
    order = wall.model
    assert order.rowCount() == 200 and wall.heading.text() == "200 live calls · all calm"
    changed: list[tuple[int, int, list[int]]] = []
    wall.model.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), b.row(), list(roles))))
    registry.merge([make_call("c120", updated=1, turns=said("Thanks, that's all"))])
    assert changed == []  # a new line shows with the once-a-second repaint, not one repaint per line
    registry.merge([make_call("c150", updated=1, turns=said("I want to cancel")),
                    make_call("c170", updated=1, turns=said("I will sue you"))])
    assert {row for row, last, _ in changed} == {150, 170}  # new alerts repaint their tiles at once
    wall.refresh()
    assert [order.index(r, 0).data(CALL_ROLE).id for r in range(2)] == ["c170", "c150"]
    assert order.index(0, 0).data(ALERTS_ROLE).worst is Severity.CRITICAL
    assert "2 need attention" in wall.heading.text()
    changed.clear()
    wall.model.set_levels("c3", 0.5, 0.1)
    row = next(r for r in range(order.rowCount()) if order.index(r, 0).data(CALL_ROLE).id == "c3")
    assert changed == [(row, row, [LEVELS_ROLE])]
    changed.clear()
    wall.model.tick()
    assert changed == [(0, 199, [CLOCK_ROLE])]
    registry.merge([make_call("c170", updated=2, status="ended", turns=said("I will sue you"))])
    wall.refresh()
    assert order.rowCount() == 199 and order.index(0, 0).data(CALL_ROLE).id == "c150"


def test_the_wall_keys_open_and_listen(qtbot):
    engine, registry, _ = setup()
    wall = CallWall(engine)
    qtbot.addWidget(wall)
    wall.set_registry(registry)
    wall.view.setCurrentIndex(wall.model.index(1, 0))
    expected = wall.model.index(1, 0).data(CALL_ROLE).id
    with qtbot.waitSignal(wall.open_requested) as opened:
        qtbot.keyClick(wall.view, Qt.Key.Key_Return)
    with qtbot.waitSignal(wall.listen_requested) as listened:
        qtbot.keyClick(wall.view, Qt.Key.Key_L)
    assert opened.args == listened.args == [expected]


def test_the_call_list_shows_alerts_and_filters_calls_that_had_them(qtbot):
    engine, registry, _ = setup()
    view = CallListView()
    qtbot.addWidget(view)
    view.model.alerts = engine.summary
    view.model.set_registry(registry)
    registry.merge([make_call("c1", updated=1, turns=said("my lawyer", "your manager"))])
    view.model.alerts_changed(["c1"])
    row = view.model.row_of("c1")
    assert view.model.index(row, Column.ALERTS).data() == "critical (2 open)"
    view.has_alerts.setChecked(True)
    assert view.visible_call_ids() == ["c1"]
    engine.acknowledge(engine.alerts_for("c1")[0].id, "sam")
    engine.acknowledge(engine.alerts_for("c1")[1].id, "sam")
    view.model.alerts_changed(["c1"])
    assert view.model.index(row, Column.ALERTS).data() == "2 handled"
    assert view.visible_call_ids() == ["c1"]


def test_platform_text_in_tooltips_stays_plain_text(qtbot):
    engine, registry, _ = setup()
    queue = TriageQueue(engine, "sam", str)
    qtbot.addWidget(queue)
    registry.merge([make_call("c1", updated=1, turns=said("<b>manager</b> <img src=x>"))])
    tip = queue.model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;manager&lt;/b&gt;" in tip and "<b>" not in tip and "<img" not in tip


def test_the_rules_dialog_saves_the_file_and_restores_defaults(qtbot, tmp_path):
    from app.live.alerts.settings import AlertSettings, load
    from app.ui.alert_rules_dialog import AlertRulesDialog

    path = tmp_path / "alerts.toml"
    dialog = AlertRulesDialog(AlertSettings(), path)
    qtbot.addWidget(dialog)
    dialog.editors[("silence", "seconds")].setValue(20.0)
    dialog.editors[("hang", "enabled")].setChecked(False)
    dialog.editors[("phrases.manager", "words")].setText("manager, team leader")
    dialog.editors[("phrases.lawyer", "severity")].setCurrentText("warning")
    with qtbot.waitSignal(dialog.applied) as applied:
        dialog.save()
    saved, problems = load(path)
    assert problems == [] and saved == applied.args[0]
    assert saved.silence.seconds == 20.0 and not saved.hang.enabled
    assert saved.phrases.lists["manager"].words == ("manager", "team leader")
    assert saved.phrases.lists["lawyer"].severity is Severity.WARNING
    again = AlertRulesDialog(saved, path)
    qtbot.addWidget(again)
    again._defaults()
    assert again.edited() == AlertSettings()


def test_a_tile_shows_which_way_the_customers_mood_goes():
    from app.ui.wall import mood_text

    assert mood_text([0.4]) == ""
    assert mood_text([0.4, -0.1]) == "mood −0.10 ↓"
    assert mood_text([-0.4, -0.1]) == "mood −0.10 ↑"
    assert mood_text([0.2, 0.22]) == "mood +0.22 →"


def test_rules_that_cannot_be_saved_stay_in_the_dialog_and_the_old_file_stays_whole(qtbot, tmp_path, monkeypatch):
    import errno
    from pathlib import Path

    from app.live.alerts.settings import AlertSettings, load, save
    from app.ui.alert_rules_dialog import AlertRulesDialog

    path = save(AlertSettings(), tmp_path / "alerts.toml")
    before = path.read_text(encoding="utf-8")
    write_text = Path.write_text

    def disk_full(self: Path, text: str, *args: object, **kwargs: object) -> int:
        write_text(self, text[: len(text) // 2], *args, **kwargs)  # half of it reached the disk
        raise OSError(errno.ENOSPC, "No space left on device")

    dialog = AlertRulesDialog(AlertSettings(), path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editors[("silence", "seconds")].setValue(20.0)
    applied: list[object] = []
    dialog.applied.connect(applied.append)
    monkeypatch.setattr(Path, "write_text", disk_full)
    dialog.save()
    monkeypatch.undo()
    assert dialog.isVisible() and not applied  # nothing applied that is not on disk
    assert "could not be saved" in dialog.problem.text() and "No space left on device" in dialog.problem.text()
    assert dialog.editors[("silence", "seconds")].value() == 20.0  # the edits are still there to save again
    assert path.read_text(encoding="utf-8") == before and [p.name for p in tmp_path.iterdir()] == ["alerts.toml"]
    dialog.save()
    assert applied and load(path)[0].silence.seconds == 20.0 and not dialog.isVisible()


def test_a_rules_file_that_cannot_be_read_is_kept_aside_when_rules_are_saved(tmp_path):
    from app.live.alerts.settings import AlertSettings, load, save

    path = tmp_path / "alerts.toml"
    mine = '[silence]\nseconds = 12\n[phrases.mine]\nwords = ["refund", "complaint"\n'  # one bracket short
    path.write_text(mine, encoding="utf-8")
    settings, problems = load(path)
    assert settings == AlertSettings() and "could not be read" in problems[0] and "alerts.toml.unreadable" in problems[0]
    save(AlertSettings(), path)
    assert load(path) == (AlertSettings(), []) and (tmp_path / "alerts.toml.unreadable").read_text() == mine


def test_the_queue_is_rebuilt_only_when_its_open_alerts_change(qtbot):
    """A thousand live calls change alerts many times a second; a rebuilt queue re-lays out and repaints."""
    engine, registry, _ = setup()
    queue = TriageQueue(engine, "sam", lambda call_id: f"label {call_id}")
    qtbot.addWidget(queue)
    registry.merge([make_call("c1", updated=1, turns=said("get me your manager"))])
    engine.acknowledge(engine.alerts_for("c1")[0].id, "sam")
    resets: list[bool] = []
    queue.model.modelReset.connect(lambda: resets.append(True))
    changes: list[object] = []
    engine.changed.connect(changes.append)
    engine.acknowledge(engine.alerts_for("c1")[0].id, "kim")  # a colleague has it too: still not in the queue
    assert changes and resets == []
    registry.merge([make_call("c2", updated=1, turns=said("I am calling my lawyer"))])
    assert resets == [True] and queue.model.rowCount() == 1


def test_a_queued_alert_is_painted_tinted_by_its_severity(qtbot):
    engine, registry, _ = setup()
    queue = TriageQueue(engine, "sam", lambda call_id: f"label {call_id}")
    qtbot.addWidget(queue)
    registry.merge([make_call("c2", updated=1, turns=said("I am calling my lawyer"))])
    option = QStyleOptionViewItem()
    queue.table.itemDelegate().initStyleOption(option, queue.model.index(0, 2))
    assert option.text == "label c2"
    assert option.backgroundBrush.color() == severity_fill(Severity.CRITICAL, QApplication.palette())


def test_a_wall_narrower_than_a_tile_shows_whole_tiles_without_scrolling_sideways(qtbot):
    """Docked narrow beside the list, the wall's tiles used to be cut at the right edge."""
    engine, registry, _ = setup()
    wall = CallWall(engine)
    qtbot.addWidget(wall)
    wall.set_registry(registry)
    wall.resize(220, 500)
    wall.show()
    qtbot.waitExposed(wall)
    wall.refresh()
    qtbot.wait(150)  # the view lays its items out again after a resize
    first = wall.view.visualRect(wall.model.index(0, 0))
    assert first.width() > 100 and first.right() < wall.view.viewport().width()
    assert not wall.view.horizontalScrollBar().isVisible()
