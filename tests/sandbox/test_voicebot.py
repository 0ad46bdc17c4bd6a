"""VoiceBot Studio: /calls bare array, /calls/{id} PATCH and DELETE but no single-call read, X-API-Key auth."""

from __future__ import annotations

from app.domain import Provider
from tests.sandbox.helpers import client

DOCUMENTED = {"id", "type", "messages", "phoneCallProvider", "phoneCallTransport", "status", "endedReason", "orgId",
              "createdAt", "updatedAt", "startedAt", "endedAt", "analysis", "phoneCallProviderId", "assistantId",
              "phoneNumberId", "customer", "transcript", "recordingUrl", "summary", "stereoRecordingUrl", "transport",
              "organizationId"}


def test_lists_gets_and_renames(sandbox) -> None:
    with client(sandbox, Provider.VOICEBOT) as api:
        calls = api.get("/calls").json()
        assert isinstance(calls, list) and len(calls) == 32
        assert [c["createdAt"] for c in calls] == sorted((c["createdAt"] for c in calls), reverse=True)
        ended = next(c for c in calls if c["status"] == "ended")
        assert DOCUMENTED <= set(ended)
        assert ended["messages"][1]["secondsFromStart"] > 0 and ended["analysis"]["successEvaluation"]
        live = next(c for c in calls if c["status"] != "ended")
        assert live["endedAt"] is None and live["recordingUrl"] is None  # nullable fields are present as null
        renamed = api.patch(f"/calls/{ended['id']}", json={"name": "Callback promised"}).json()
        signed = ("recordingUrl", "stereoRecordingUrl")  # signed anew on every read, as storage links are
        assert {k: v for k, v in renamed.items() if k not in signed} == {
            **{k: v for k, v in ended.items() if k not in signed}, "name": "Callback promised",
            "updatedAt": renamed["updatedAt"]}
        assert [renamed[k].split("?")[0] for k in signed] == [ended[k].split("?")[0] for k in signed]
        assert next(c for c in api.get("/calls").json() if c["id"] == ended["id"])["name"] == "Callback promised"
        missing = api.patch("/calls/nope", json={"name": "x"})
        assert missing.status_code == 404 and missing.json() == {"detail": "Call not found"}
        assert api.delete(f"/calls/{ended['id']}").json()["id"] == ended["id"]
        assert ended["id"] not in {c["id"] for c in api.get("/calls").json()}


def test_there_is_no_single_call_read(sandbox) -> None:
    """Undocumented on the platform: 405 for any id, live or ended or unknown (never "the call is gone")."""
    with client(sandbox, Provider.VOICEBOT) as api:
        calls = api.get("/calls").json()
        live = next(c for c in calls if c["status"] != "ended")
        for ident in (live["id"], calls[-1]["id"], "nope"):
            read = api.get(f"/calls/{ident}")
            assert read.status_code == 405 and read.json() == {"detail": "Method Not Allowed"}


def test_key_goes_in_x_api_key(sandbox) -> None:
    with client(sandbox, Provider.VOICEBOT, key="wrong") as api:
        wrong = api.get("/calls")
    with client(sandbox, Provider.VAPI) as bearer:  # the right key, the wrong header
        misplaced = bearer.get(sandbox.base_url(Provider.VOICEBOT) + "/calls")
    for response in (wrong, misplaced):
        assert response.status_code == 401 and "detail" in response.json()
