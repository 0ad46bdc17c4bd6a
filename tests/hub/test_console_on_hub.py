"""The console window on a team hub, end to end: the real sandbox posts signed webhooks to a real hub
(embedded engines) and the windows stream from it, share their audit rows and reviews through it,
and fall back to polling while it is away. No mocks between window, hub and sandbox."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain import Account, CallStatus, Provider, Say, Turn, TurnRole
from app.hub.team import Role, new_token, token_hash
from app.live.hub_link import NO_TOKEN_TEXT, POLLING_TEXT, REFUSED_TEXT, STREAMING_TEXT
from app.qa.queue_rules import QueueRules
from app.sandbox.wire import base_url
from app.store.calls import CallCache
from app.store.review_queue import ReviewQueue
from app.store.reviews import DEFAULT_TEMPLATE, Mark
from app.ui.alert_desk import ConsoleAlerts
from app.ui.history_area import ConsoleHistory, attach_history
from app.ui.main_window import MainWindow
from app.ui.team_record import ConsoleTeam
from tests.fixtures.qt import until
from tests.fixtures.servers import free_port
from tests.fixtures.window import open_window
from tests.hub.conftest import start_hub
from tests.hub.sandbox_hooks import webhook_sandbox
from tests.live.calls import make_call

EMBEDDED = {"redis": None, "database": None}


async def hub_user(hub, name: str, role: Role) -> str:
    token = new_token()
    await hub.hub.team.add_user(name, role, token_hash(token))
    return token


def on_hub(sandbox, hub_url: str) -> Account:
    return Account(id="team-line", name="Team line", provider=Provider.VAPI,
                   base_url=base_url(sandbox.host, sandbox.port, Provider.VAPI), hub_url=hub_url)


def test_a_window_on_a_hub_streams_falls_back_to_polling_and_returns(qtbot, qloop, tmp_path, run_async):
    window = open_window(qtbot, qloop, tmp_path)

    async def scenario() -> None:
        port = free_port()
        hub = await start_hub(tmp_path, EMBEDDED, port)
        token = await hub_user(hub, "ann", Role.SUPERVISOR)
        try:
            async with webhook_sandbox([f"{hub.url}/webhooks"], live=1, speed=10.0) as sandbox:
                assert not window.status.hub.isVisible()  # no hub yet: nothing said about one
                await window.open_session(on_hub(sandbox, hub.url), sandbox.state.api_key, hub_token=token)
                await until(lambda: window.status.hub.text() == STREAMING_TEXT, what="streaming")
                assert window.status.hub.isVisible()
                assert window.session.poller.plan.live_interval == 30.0  # the poller only reconciles
                await until(lambda: window.session.registry.live_ids(), timeout=20, what="a live call")
                call_id = window.session.registry.live_ids()[0]
                assert window.call_list.select_call(call_id)
                heard = len(window.selected_call().turns)
                # Polls are 30 s apart now: lines within seconds came by push, into the shown transcript.
                await until(lambda: window.transcript.model.rowCount() > heard + 1, timeout=20,
                            what="turns pushed by the hub")

                await hub.stop()
                await until(lambda: window.status.hub.text() == POLLING_TEXT, what="polling while the hub is away")
                assert window.session.poller.plan.live_interval < 30.0

                hub = await start_hub(tmp_path, EMBEDDED, port)
                await until(lambda: window.status.hub.text() == STREAMING_TEXT, timeout=30, what="streaming again")
                await window.close_session()
                assert not window.status.hub.isVisible()
        finally:
            await hub.stop()

    run_async(scenario())


def test_rows_written_while_the_hub_is_away_reach_it_when_it_is_back(qtbot, qloop, tmp_path, run_async):
    window = open_window(qtbot, qloop, tmp_path)

    async def scenario() -> None:
        port = free_port()
        hub = await start_hub(tmp_path, EMBEDDED, port)
        token = await hub_user(hub, "ann", Role.SUPERVISOR)
        try:
            async with webhook_sandbox([f"{hub.url}/webhooks"], live=1, speed=2.0) as sandbox:
                await window.open_session(on_hub(sandbox, hub.url), sandbox.state.api_key, hub_token=token)
                session = window.session
                await until(lambda: window.status.hub.text() == STREAMING_TEXT, what="streaming")

                def answered() -> list[str]:
                    return [i for i in session.registry.live_ids()
                            if session.registry.get(i).status == CallStatus.IN_PROGRESS]

                await until(answered, timeout=30, what="a call in progress")
                await hub.stop()
                await until(lambda: window.status.hub.text() == POLLING_TEXT, what="polling")
                result = await session.send(answered()[0], Say(text="Still there?"))
                assert result.outcome.value == "accepted", result.message  # the hub's absence stops nothing
                assert [row["kind"] for row in await window.hub.board.client.pending()] == ["audit"]

                hub = await start_hub(tmp_path, EMBEDDED, port)
                await until(lambda: window.hub.board.rows("audit"), timeout=30, what="the queued row on the hub")
                assert window.hub.board.rows("audit")[0].text("description") == "Say “Still there?”"
                assert await window.hub.board.client.pending() == []
                await window.close_session()
        finally:
            await hub.stop()

    run_async(scenario())


def test_a_refused_or_missing_hub_token_is_said_in_the_status_bar(qtbot, qloop, tmp_path, run_async, monkeypatch):
    window = open_window(qtbot, qloop, tmp_path)

    async def scenario() -> None:
        hub = await start_hub(tmp_path, EMBEDDED)
        try:
            async with webhook_sandbox([f"{hub.url}/webhooks"], live=0) as sandbox:
                account = on_hub(sandbox, hub.url)
                await window.open_session(account, sandbox.state.api_key, hub_token="not-a-token")
                await until(lambda: window.status.hub.text() == REFUSED_TEXT, what="the refusal")
                assert window.session.poller.plan.live_interval < 30.0  # polling at its normal pace
                await window.open_session(account, sandbox.state.api_key)
                assert window.status.hub.text() == NO_TOKEN_TEXT and window.hub is None
                # Opened as the switcher does: key and hub token from where the account book keeps them.
                monkeypatch.setenv("SWITCHBOARD_API_KEY", sandbox.state.api_key)
                monkeypatch.setenv("SWITCHBOARD_HUB_TOKEN", await hub_user(hub, "cy", Role.SUPERVISOR))
                window.book.save(account)
                await window.open_account(account)
                await until(lambda: window.status.hub.text() == STREAMING_TEXT, what="streaming")
                await window.close_session()
        finally:
            await hub.stop()

    run_async(scenario())


def team_window(qtbot, qloop, tmp_path, user: str) -> tuple[MainWindow, ConsoleHistory, ConsoleAlerts]:
    """A console as `console_window` builds it (history, alerts, team record), its files in its own folder."""
    folder = tmp_path / user
    folder.mkdir()
    window = open_window(qtbot, qloop, folder)
    history = attach_history(window, folder / "history.sqlite3", user=user)
    assert isinstance(history, ConsoleHistory)
    alerts = ConsoleAlerts(window, history.db, user=user, settings_path=folder / "alerts.toml")
    ConsoleTeam(window, history.area.audit, history.area.review, alerts, history.area.queue)
    return window, history, alerts


def test_audit_rows_and_reviews_written_on_one_console_appear_on_the_other_and_a_reviewer_cannot_send(
        qtbot, qloop, tmp_path, run_async):
    ann, ann_history, ann_alerts = team_window(qtbot, qloop, tmp_path, "ann")
    bob, bob_history, bob_alerts = team_window(qtbot, qloop, tmp_path, "bob")

    async def scenario() -> None:
        hub = await start_hub(tmp_path, EMBEDDED)
        ann_token = await hub_user(hub, "ann", Role.SUPERVISOR)
        bob_token = await hub_user(hub, "bob", Role.REVIEWER)
        try:
            async with webhook_sandbox([f"{hub.url}/webhooks"], live=1, speed=3.0) as sandbox:
                account = on_hub(sandbox, hub.url)
                await ann.open_session(account, sandbox.state.api_key, hub_token=ann_token)
                await bob.open_session(account, sandbox.state.api_key, hub_token=bob_token)
                for window in (ann, bob):
                    await until(lambda w=window: w.status.hub.text() == STREAMING_TEXT, what="streaming")
                await until(lambda: ann.session.registry.live_ids(), timeout=20, what="a live call")
                call_id = ann.session.registry.live_ids()[0]
                await until(lambda: bob.session.registry.get(call_id) is not None, what="bob sees the call")

                # The reviewer's console: every control disabled, saying why (once the call takes commands).
                assert bob.call_list.select_call(call_id)
                await until(lambda: bob.selected_call().status == CallStatus.IN_PROGRESS, timeout=20,
                            what="the call answered")
                await until(lambda: not bob.controls.buttons["say"].isEnabled(), what="bob's controls disabled")
                assert "reviewer" in bob.controls.buttons["say"].toolTip()
                assert "reviewer" in (await bob.session.send(call_id, Say(text="hello"))).message

                # Ann sends a command: her local audit row, then the team's row on Bob's console.
                assert ann.call_list.select_call(call_id)
                await until(lambda: ann.selected_call().status == CallStatus.IN_PROGRESS, timeout=20,
                            what="the call answered")
                await until(lambda: ann.controls.buttons["say"].isEnabled(), timeout=20, what="ann's controls")
                result = await ann.session.send(call_id, Say(text="One moment <i>please</i>"))
                assert result.outcome.value == "accepted", result.message
                team = bob_history.area.audit.findChild(object, "teamAuditTable").model()
                assert not bob_history.area.audit.findChild(object, "teamAudit").isHidden()  # in the Audit tab

                def bob_sees_ann_say() -> bool:
                    cells = [[team.index(r, c).data() for c in range(team.columnCount())]
                             for r in range(team.rowCount())]
                    return any(row[1] == "ann" and row[2] == call_id and "One moment <i>please</i>" in row[3]
                               and row[4].startswith("accepted") for row in cells)

                await until(bob_sees_ann_say, what="ann's audit row on bob's console")
                tip = team.index(team.rowCount() - 1, 3).data(Qt.ItemDataRole.ToolTipRole)
                assert "&lt;i&gt;please&lt;/i&gt;" in tip and "<i>" not in tip  # shown as typed, never as markup

                # Bob reviews the call and submits; Ann sees his score and comment under her review.
                review = bob_history.area.review
                await review.show_call(bob.session.account.id, call_id)
                for criterion in DEFAULT_TEMPLATE.criteria:
                    assert await review.set_mark(criterion.id, Mark(score=4))
                await review.add_comment("Greeted well, <b>rushed</b> the close")
                assert await review.submit() is not None
                colleagues = ann_history.area.review.findChild(object, "colleagueReviews")
                await until(lambda: "bob — 80 %" in colleagues.text(), what="bob's review on ann's console")
                # The comment travels as its own row of the team record: plain text, as typed.
                await until(lambda: "“Greeted well, <b>rushed</b> the close”" in colleagues.text(),
                            what="bob's comment on ann's console")
                assert colleagues.textFormat().name == "PlainText"

                # The same alert on both consoles: Ann says "I have it"; Bob's queue lets it go, saying who.
                asking = make_call("c-person", turns=(Turn(role=TurnRole.CUSTOMER, text="Get me a real person"),))
                for alerts in (ann_alerts, bob_alerts):
                    alerts.engine.on_calls("team-line", [asking])
                alert = bob_alerts.queue.engine.open_alerts()[0]
                assert ann_alerts.engine.get(alert.id) is not None
                ann_alerts.engine.acknowledge(alert.id, "ann")
                await until(lambda: bob_alerts.engine.get(alert.id).acknowledged_by == "ann",
                            what="ann's acknowledgement on bob's console")
                assert alert.id not in [a.id for a in bob_alerts.engine.open_alerts()]
                assert "ann has it" in bob.status.currentMessage()
                taken = bob_alerts.queue.findChild(object, "colleaguesHaveIt")
                assert not taken.isHidden() and f"ann has it: {alert.message}" in taken.text()
                assert [(r.author, r.call_id) for r in ann.hub.board.rows("alert-ack")] == [("ann", "c-person")]
        finally:
            for window in (ann, bob):
                await window.close_session()
            await hub.stop()

    run_async(scenario())
    for alerts, history in ((ann_alerts, ann_history), (bob_alerts, bob_history)):
        qloop.run_until_complete(alerts.close())
        qloop.run_until_complete(history.close())


def test_calls_shared_out_in_one_queue_tab_are_assigned_in_the_others(qtbot, qloop, tmp_path, run_async):
    ann, ann_history, ann_alerts = team_window(qtbot, qloop, tmp_path, "ann")
    bob, bob_history, bob_alerts = team_window(qtbot, qloop, tmp_path, "bob")
    failed = [make_call(f"qa-{n}", status=CallStatus.ENDED, success_evaluation="false") for n in range(4)]
    rules = QueueRules(sample_percent=0, transferred=False, critical_alert=False, shorter_than_seconds=None)

    def assigned(history: ConsoleHistory) -> dict[str, str]:
        table = history.area.queue.model
        cells = [[table.text(r, c) for c in (1, 3)] for r in range(table.rowCount())]
        return {call: who for call, who in cells if call.startswith("qa-")}

    async def scenario() -> None:
        hub = await start_hub(tmp_path, EMBEDDED)
        tokens = [await hub_user(hub, name, Role.REVIEWER) for name in ("ann", "bob")]
        try:
            async with webhook_sandbox([f"{hub.url}/webhooks"], live=0, speed=3.0) as sandbox:
                account = on_hub(sandbox, hub.url)
                for window, history, token in ((ann, ann_history, tokens[0]), (bob, bob_history, tokens[1])):
                    await history.db.write(lambda c: ReviewQueue(c).save_rules(rules))
                    await history.db.write(lambda c: CallCache(c).upsert(account.id, failed))
                    await window.open_session(account, sandbox.state.api_key, hub_token=token)
                    await until(lambda w=window: w.status.hub.text() == STREAMING_TEXT, what="streaming")
                await bob_history.area.queue.reload()
                assert set(assigned(bob_history).values()) == {"anyone"}

                queue = ann_history.area.queue
                queue.reviewers.setText("ann, bob")
                queue.share_button.click()
                await until(lambda: set(assigned(ann_history).values()) == {"ann", "bob"}, what="ann's share out")
                await until(lambda: assigned(bob_history) == assigned(ann_history), what="the same on bob's console")
                mine = await bob_history.area.queue.next_call()
                assert mine is not None and assigned(bob_history)[mine.call_id] == "bob"  # Ctrl+N: his own first
        finally:
            for window in (ann, bob):
                await window.close_session()
            await hub.stop()

    run_async(scenario())
    for alerts, history in ((ann_alerts, ann_history), (bob_alerts, bob_history)):
        qloop.run_until_complete(alerts.close())
        qloop.run_until_complete(history.close())
