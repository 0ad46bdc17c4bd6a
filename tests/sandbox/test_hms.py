"""HMS Sovereign: offset paging with totals, filters, control commands, auth and both rate limits."""

from __future__ import annotations

import time

import httpx

from app.domain import Provider
from tests.sandbox.helpers import client, wait_for


def hms_call(api: httpx.Client, call_id: str) -> dict:
    return api.get(f"/calls/{call_id}").json()


def test_offset_paging_covers_every_call_once(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=230)
    seen: list[str] = []
    with client(sandbox, Provider.HMS) as api:
        offset = 0
        while True:
            body = api.get("/calls", params={"limit": 100, "offset": offset}).json()
            seen += [c["id"] for c in body["calls"]]
            assert body["pagination"] == {"total": 230, "limit": 100, "offset": offset}
            offset += len(body["calls"])
            if offset >= body["pagination"]["total"]:
                break
    assert len(seen) == len(set(seen)) == 230
    assert all(i.startswith("call-_+31") for i in seen)


def test_status_and_date_filters(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=2, history=60)
    with client(sandbox, Provider.HMS) as api:
        everything = api.get("/calls", params={"limit": 1000}).json()["calls"]
        for status in ("connecting", "in-progress", "ended", "failed"):
            body = api.get("/calls", params={"status": status, "limit": 1000}).json()
            assert all(c["status"] == status for c in body["calls"])
            assert body["pagination"]["total"] == len(body["calls"])
        failed = api.get("/calls", params={"status": "failed"}).json()["calls"]
        assert failed and all(c["end_reason"] == "silence_timeout" for c in failed)
        middle = sorted(c["created_at"] for c in everything)[30]
        newer = api.get("/calls", params={"start_date": middle, "limit": 1000}).json()
        assert newer["pagination"]["total"] == sum(c["created_at"] >= middle for c in everything)
        older = api.get("/calls", params={"end_date": middle, "limit": 1000}).json()
        assert older["pagination"]["total"] == sum(c["created_at"] <= middle for c in everything)
        assert api.get("/calls", params={"limit": 1001}).status_code == 422
        assert api.get("/calls", params={"status": "talking"}).status_code == 422


def test_call_shape(sandbox) -> None:
    with client(sandbox, Provider.HMS) as api:
        ended = next(c for c in api.get("/calls").json()["calls"] if c["status"] == "ended")
        got = hms_call(api, ended["id"])
    assert got["messages"] and set(got["messages"][0]) == {"role", "content"}
    assert {m["role"] for m in got["messages"]} <= {"user", "assistant"}
    assert got["duration_seconds"] > 0 and got["recording_url"].startswith("http://127.0.0.1")
    assert isinstance(got["analysis_result"]["sentiment"], int) and got["summary"]


def test_control_commands(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=8.0, analysis_delay=1.0)
    with client(sandbox, Provider.HMS) as api:
        def live(scenario: str = "booking") -> str:
            call_id = sandbox.start_call(Provider.HMS, scenario)
            wait_for(lambda: hms_call(api, call_id)["status"] == "in-progress")
            return call_id

        first = live()
        ok = api.post(f"/calls/{first}/control", json={"type": "say", "content": "Hello from the supervisor."})
        assert ok.json() == {"success": True, "message": "Command sent successfully"}
        wait_for(lambda: any(m["content"] == "Hello from the supervisor." for m in hms_call(api, first)["messages"]))
        api.post(f"/calls/{first}/control", json={"type": "inject-context", "content": "Be extra kind.", "trigger_response": True})
        api.post(f"/calls/{first}/control", json={"type": "end-call"})
        assert hms_call(api, first)["status"] == "ended"
        refused = api.post(f"/calls/{first}/control", json={"type": "say", "content": "Anyone?"})
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_request"

        second = live()
        moved = api.post(f"/calls/{second}/control", json={"type": "transfer", "destination": "+31612345678"})
        assert moved.status_code == 200
        done = wait_for(lambda: (c := hms_call(api, second))["status"] == "ended" and c)
        assert done["end_reason"] == "transferred" and done["transfer_destination"] == "+31612345678"
        assert api.post("/calls/call-_nobody/control", json={"type": "end-call"}).status_code == 404
        assert api.post(f"/calls/{live()}/control", json={"type": "wave"}).status_code == 400


def test_ten_commands_a_minute_per_call(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=4.0)
    with client(sandbox, Provider.HMS) as api:
        call_id = sandbox.start_call(Provider.HMS, "booking")
        wait_for(lambda: hms_call(api, call_id)["status"] == "in-progress")
        body = {"type": "inject-context", "content": "note", "trigger_response": False}
        codes = [api.post(f"/calls/{call_id}/control", json=body).status_code for _ in range(11)]
        assert codes == [200] * 10 + [429]
        limited = api.post(f"/calls/{call_id}/control", json=body)
        assert int(limited.headers["Retry-After"]) >= 1 and limited.json()["error"] == "rate_limit_exceeded"


def test_hundred_requests_a_minute_per_key(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=3)
    if time.time() % 60 > 57:  # windows are whole minutes: start in a fresh one so all 101 land in it
        time.sleep(61 - time.time() % 60)
    with client(sandbox, Provider.HMS) as api:
        responses = [api.get("/calls", params={"limit": 1}) for _ in range(101)]
    first, last = responses[0], responses[-1]
    assert first.headers["X-RateLimit-Limit"] == "100"
    remaining = [int(r.headers["X-RateLimit-Remaining"]) for r in responses[:100]]
    assert remaining == list(range(99, -1, -1)) and last.status_code == 429
    assert int(last.headers["Retry-After"]) >= 1 and int(last.headers["X-RateLimit-Reset"]) > 0


def test_wrong_key_gets_hms_401(sandbox) -> None:
    with client(sandbox, Provider.HMS, key="fl_live_wrong") as api:
        response = api.get("/calls")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"
