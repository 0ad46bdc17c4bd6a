"""Vapi's /call endpoints: every documented filter, limits, paging, PATCH, auth and recordings."""

from __future__ import annotations

from app.domain import Provider
from tests.sandbox.helpers import client


def test_every_filter(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=120)
    with client(sandbox, Provider.VAPI) as api:
        everything = api.get("/call", params={"limit": 1000}).json()
        assert len(everything) == 120
        assert len(api.get("/call").json()) == 100  # default limit
        assert api.get("/call", params={"limit": 0}).json() == []
        one = next(c for c in everything[40:] if "assistantId" in c)  # a call on a saved assistant
        assert [c["id"] for c in api.get("/call", params={"id": one["id"]}).json()] == [one["id"]]
        by_assistant = api.get("/call", params={"assistantId": one["assistantId"], "limit": 1000}).json()
        assert by_assistant and all(c["assistantId"] == one["assistantId"] for c in by_assistant)
        assert len(by_assistant) == sum(c.get("assistantId") == one["assistantId"] for c in everything)
        by_number = api.get("/call", params={"phoneNumberId": one["phoneNumberId"], "limit": 1000}).json()
        assert len(by_number) == sum(c["phoneNumberId"] == one["phoneNumberId"] for c in everything)
        at = one["createdAt"]
        expected = {
            "createdAtGt": [c for c in everything if c["createdAt"] > at],
            "createdAtGe": [c for c in everything if c["createdAt"] >= at],
            "createdAtLt": [c for c in everything if c["createdAt"] < at],
            "createdAtLe": [c for c in everything if c["createdAt"] <= at],
        }
        for name, calls in expected.items():
            got = api.get("/call", params={name: at, "limit": 1000}).json()
            assert [c["id"] for c in got] == [c["id"] for c in calls], name
        updated = one["updatedAt"]
        for name, keep in (("updatedAtGt", lambda u: u > updated), ("updatedAtGe", lambda u: u >= updated),
                           ("updatedAtLt", lambda u: u < updated), ("updatedAtLe", lambda u: u <= updated)):
            got = api.get("/call", params={name: updated, "limit": 1000}).json()
            assert sorted(c["id"] for c in got) == sorted(c["id"] for c in everything if keep(c["updatedAt"])), name


def test_paging_by_created_window_returns_every_call_once(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=250)
    seen: list[str] = []
    with client(sandbox, Provider.VAPI) as api:
        params: dict[str, str | int] = {"limit": 40}
        while page := api.get("/call", params=params).json():
            seen += [c["id"] for c in page]
            params["createdAtLt"] = min(c["createdAt"] for c in page)
    assert len(seen) == len(set(seen)) == 250


def test_bad_queries_get_vapi_400s(sandbox) -> None:
    with client(sandbox, Provider.VAPI) as api:
        too_many = api.get("/call", params={"limit": 1001})
        bad_date = api.get("/call", params={"createdAtGt": "yesterday"})
        unknown = api.get("/call", params={"status": "ended"})
    for response in (too_many, bad_date, unknown):
        assert response.status_code == 400
        assert response.json()["statusCode"] == 400 and response.json()["error"] == "Bad Request"
    assert "1000" in str(too_many.json()["message"])


def test_get_patch_delete_and_404(sandbox) -> None:
    with client(sandbox, Provider.VAPI) as api:
        ended = next(c for c in api.get("/call").json() if c["status"] == "ended")
        renamed = api.patch(f"/call/{ended['id']}", json={"name": "Escalation follow-up"}).json()
        assert renamed["name"] == "Escalation follow-up" and renamed["updatedAt"] > ended["updatedAt"]
        assert api.patch(f"/call/{ended['id']}", json={"status": "ended"}).status_code == 400
        assert api.patch(f"/call/{ended['id']}", json={"name": "x" * 41}).status_code == 400
        missing = api.get("/call/00000000-0000-4000-8000-000000000000")
        assert missing.status_code == 404 and missing.json()["error"] == "Not Found"
        assert api.delete(f"/call/{ended['id']}").json()["id"] == ended["id"]
        assert api.get(f"/call/{ended['id']}").status_code == 404


def test_wrong_or_missing_key_gets_vapis_401(sandbox) -> None:
    with client(sandbox, Provider.VAPI, key="nope") as api:
        wrong = api.get("/call")
    with client(sandbox, Provider.VAPI) as api:
        missing = api.get("/call", headers={"Authorization": ""})
    for response in (wrong, missing):
        assert response.status_code == 401
        assert response.json()["statusCode"] == 401 and response.json()["error"] == "Unauthorized"


def test_recording_endpoints_redirect_to_signed_files(sandbox) -> None:
    with client(sandbox, Provider.VAPI) as api:
        ended = next(c for c in api.get("/call").json() if c["status"] == "ended")
        live = next(c for c in api.get("/call").json() if c["status"] != "ended")
        for kind in ("mono", "stereo", "customer", "assistant"):
            response = api.get(f"/call/{ended['id']}/{kind}-recording")
            assert response.status_code == 302
            assert f"/{kind}.wav?" in response.headers["location"]
        assert api.get(f"/call/{live['id']}/mono-recording").status_code == 404
        location = api.get(f"/call/{ended['id']}/stereo-recording").headers["location"]
        tampered = api.get(location.replace("stereo.wav", "mono.wav"))
        assert tampered.status_code == 403
        assert api.get(location).headers["content-type"] == "audio/wav"
        assert ended["artifact"]["recording"]["stereoUrl"].split("?")[0] == location.split("?")[0]


def test_unknown_paths_answer_in_the_platforms_shape(sandbox) -> None:
    with client(sandbox, Provider.VAPI) as api:
        assert api.get("/calls").json() == {"statusCode": 404, "error": "Not Found", "message": "Not Found"}
        assert api.put("/call").json()["statusCode"] == 405
    with client(sandbox, Provider.VOICEBOT) as api:
        assert api.get("/call").json() == {"detail": "Not Found"}


def test_a_live_call_returns_its_messages_so_far(sandbox_factory) -> None:
    """Kept as today (issue 12 item 9): GET /call/{id} on a live call grows turn by turn."""
    sandbox = sandbox_factory(live=0, history=0, speed=4.0)
    call_id = sandbox.start_call(Provider.VAPI, "booking")
    seen: list[int] = []
    with client(sandbox, Provider.VAPI) as api:
        while len(set(seen)) < 3:
            call = api.get(f"/call/{call_id}").json()
            assert call["status"] != "ended", seen
            if call["status"] == "in-progress":
                seen.append(len(call["artifact"]["messages"]))
    assert seen == sorted(seen) and seen[-1] > seen[0] >= 1
