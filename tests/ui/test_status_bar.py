from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.live.poller import Connection, PollState
from app.ui.status_bar import ConnectionStatus, OfflineBanner, ago
from tests.ui.shown import shown


def test_ago_reads_naturally():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert ago(None, now) == "never"
    assert ago(now, now) == "just now"
    assert ago(now - timedelta(seconds=42), now) == "42 s ago"


def test_status_shows_state_update_and_rate_limit_wait(qtbot):
    bar = shown(qtbot, ConnectionStatus(), 900, 30)
    bar.show_state(PollState(Connection.ONLINE, last_update=datetime.now(UTC), message="Connected"))
    assert bar.connection.text() == "Connected" and bar.updated.text() == "Updated just now"
    assert not bar.waiting.isVisible()
    bar.show_state(PollState(Connection.RATE_LIMITED, retry_in=12, message="Rate limited by the platform"))
    assert bar.connection.text() == "Rate limited"
    assert bar.waiting.isVisible() and "waiting 12 s" in bar.waiting.text()


def test_banner_appears_offline_and_hides_on_recovery(qtbot):
    banner = shown(qtbot, OfflineBanner(), 900, 40)
    banner.set_address("Vapi", "https://api.vapi.ai")
    banner.show_state(PollState(Connection.OFFLINE, retry_in=4, message="Cannot reach the platform: refused."))
    assert banner.isVisible()
    assert banner.text.text() == "Offline: cannot reach Vapi at api.vapi.ai:443, retrying in 4 s; the list shows the last known state."
    clicks: list[bool] = []
    banner.retry_requested.connect(lambda: clicks.append(True))
    banner.retry.click()
    assert clicks == [True]
    banner.show_state(PollState(Connection.ONLINE))
    assert not banner.isVisible()
