"""Monitor URLs on their own origin, the public key with --monitor-auth, and the log of what each origin received."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
import pytest
import websockets

from app.domain import Provider
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.sandbox.helpers import client, in_progress

PUBLIC_KEY = "test-public-key"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}"


def test_monitor_and_recordings_live_on_other_origins_than_the_api(sandbox) -> None:
    with client(sandbox, Provider.VAPI) as api:
        calls = api.get("/call").json()
    api_origin = origin(sandbox.base_url(Provider.VAPI))
    ended = next(c for c in calls if c["status"] == "ended")
    monitor = {origin(c["monitor"]["listenUrl"]) for c in calls} | {origin(c["monitor"]["controlUrl"]) for c in calls}
    storage = origin(ended["artifact"]["recording"]["stereoUrl"])
    # "The host changes between calls" (the brief): the sandbox's monitor URLs are on two origins, each call on one.
    assert monitor == {origin(o) for o in sandbox.origins("monitor")} and len(monitor) == 2
    assert all(origin(c["monitor"]["listenUrl"]) == origin(c["monitor"]["controlUrl"]) for c in calls)
    assert len({api_origin, *monitor, storage}) == 4
    # A monitor path on the API origin is not there, as on a real account.
    api_url = sandbox.origins("api")[0]
    assert httpx.post(f"{api_url}/vapi-monitor/{ended['id']}/control", json={"type": "end-call"}).status_code == 404


def test_without_monitor_auth_the_url_is_the_capability(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=4.0, public_key=PUBLIC_KEY)
    call = in_progress(sandbox)
    assert httpx.post(call["monitor"]["controlUrl"], json={"type": "end-call"}).status_code == 200


def test_monitor_auth_takes_the_public_key_only(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=4.0, public_key=PUBLIC_KEY, monitor_auth=True)
    call = in_progress(sandbox)
    control = call["monitor"]["controlUrl"]
    say = {"type": "say", "content": "Hello from the supervisor."}
    bare = httpx.post(control, json=say)
    private = httpx.post(control, json=say, headers={"Authorization": f"Bearer {SANDBOX_KEY}"})
    for refused in (bare, private):
        assert refused.status_code == 401
        assert refused.json()["statusCode"] == 401 and refused.json()["error"] == "Unauthorized"
    assert "public key" in bare.json()["message"] and "private key" in private.json()["message"]
    assert httpx.post(control, json=say, headers={"Authorization": f"Bearer {PUBLIC_KEY}"}).status_code == 200
    with client(sandbox, Provider.VAPI, key=PUBLIC_KEY) as api:
        assert api.get("/call").status_code == 401  # and the public key opens no API
    assert sandbox.server.state.world.find(Provider.VAPI, call["id"]).controls == ["say"]  # the refused ones did nothing


async def test_monitor_auth_guards_the_listen_socket(sandbox_factory) -> None:
    sandbox = await asyncio.to_thread(sandbox_factory, live=0, history=0, public_key=PUBLIC_KEY, monitor_auth=True)
    call = await asyncio.to_thread(in_progress, sandbox)
    url = call["monitor"]["listenUrl"]
    for headers in ({}, {"Authorization": f"Bearer {SANDBOX_KEY}"}):
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(url, additional_headers=headers):
                pass
        assert refused.value.response.status_code == 401
    async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {PUBLIC_KEY}"}) as socket:
        assert await socket.recv()


def test_the_sandbox_logs_which_credentials_reached_which_origin(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=3, speed=4.0, public_key=PUBLIC_KEY, monitor_auth=True)
    call = in_progress(sandbox)
    with client(sandbox, Provider.VAPI) as api:
        ended = next(c for c in api.get("/call").json() if c["status"] == "ended")
        location = api.get(f"/call/{ended['id']}/stereo-recording", follow_redirects=False).headers["location"]
    httpx.get(location)  # the signed URL, with no key: the signature is the capability
    httpx.post(call["monitor"]["controlUrl"], json={"type": "end-call"}, headers={"Authorization": f"Bearer {PUBLIC_KEY}"})
    received = sandbox.received()
    sites = {r.site for r in received}
    assert sites == {"api", "monitor", "storage"}
    assert all(r.origin in sandbox.origins(r.site) for r in received)
    assert not [r for r in received if r.site != "api" and r.carries(SANDBOX_KEY)]  # the invariant e2e tests assert
    assert any(r.site == "api" and r.carries(SANDBOX_KEY) for r in received)
    assert [r.authorization for r in received if r.site == "monitor"] == ["Bearer <public key>"]
    assert SANDBOX_KEY not in repr(received) and PUBLIC_KEY not in repr(received)  # the log keeps no key
    # A client that leaks the private key is caught by the same check.
    httpx.get(location, headers={"Authorization": f"Bearer {SANDBOX_KEY}"})
    assert [r.path for r in sandbox.received() if r.site == "storage" and r.carries(SANDBOX_KEY)] == [urlsplit(location).path]
