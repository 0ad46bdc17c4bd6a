"""The three clients over MockTransport: paging, filters, rename, control bodies and the no-retry rule."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

import httpx
import pytest

from app.domain import Call, End, Inject, Mute, Outcome, Provider, Say, Side, Transfer, Unmute
from app.providers import make_client
from app.providers.errors import BadResponseError, UnsupportedError
from app.providers.vapi_parse import parse_call
from tests.providers.fake_platforms import hms_list, vapi_list
from tests.providers.mock_platform import ScriptedPlatform, answer
from tests.providers.payloads import T0, hms_call, vapi_call, voicebot_call

CONTROL_URL = "https://phone.example/vapi-0001/control"
LIVE_VAPI = Call(id="vapi-0001", provider=Provider.VAPI, status="in-progress", control_url=CONTROL_URL,
                 listen_url="wss://phone.example/vapi-0001/listen")
LIVE_REALTIME = LIVE_VAPI.model_copy(update={"realtime": True})  # marked realtime by the sandbox's own convention


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def vapi_calls(count: int) -> list[dict]:
    # Three calls share each createdAt so page edges fall inside a tie.
    return [vapi_call(n, T0 + timedelta(seconds=n // 3)) for n in range(count)]


async def collect(pages) -> list[Call]:
    return [call async for page in pages for call in page]


async def test_vapi_pages_by_created_at_window_without_losing_ties_or_repeating():
    stored, rng = vapi_calls(250), random.Random(4)
    platform = ScriptedPlatform(lambda request: answer(200, vapi_list(stored, request.url.params, rng)))
    calls = await collect(platform.client(Provider.VAPI).list_calls(page_size=100))
    assert sorted(c.id for c in calls) == sorted(c["id"] for c in stored)
    assert len(platform.requests) >= 3
    first, second = platform.requests[0].url.params, platform.requests[1].url.params
    assert first["limit"] == "100" and "createdAtLe" not in first
    oldest_on_first_page = min(c["createdAt"] for c in vapi_list(stored, first, random.Random(0)))
    assert parse_iso(second["createdAtLe"]) == parse_iso(oldest_on_first_page)


async def test_vapi_filters_go_to_the_query():
    platform = ScriptedPlatform(answer(200, []))
    since, until = T0, T0 + timedelta(hours=1)
    assert await collect(platform.client(Provider.VAPI).list_calls(since=since, until=until, updated_since=since,
                                                                   page_size=5000)) == []
    params = platform.requests[0].url.params
    assert params["createdAtGe"] == "2026-03-02T09:00:00Z" and params["createdAtLt"] == "2026-03-02T10:00:00Z"
    assert params["updatedAtGt"] == "2026-03-02T09:00:00Z" and params["limit"] == "1000"
    assert platform.requests[0].headers["Authorization"] == "Bearer sk-test"


async def test_vapi_stops_with_an_error_when_a_full_page_brings_nothing_new():
    page = [vapi_call(n, T0) for n in range(10)]  # all at one instant: the window cannot move past them
    platform = ScriptedPlatform(answer(200, page))
    calls: list[Call] = []
    with pytest.raises(BadResponseError, match="paging makes no progress"):
        async for chunk in platform.client(Provider.VAPI).list_calls(page_size=10):
            calls += chunk
    assert len(calls) == 10 and len(platform.requests) == 2


async def test_hms_pages_by_offset_and_total_dropping_repeats():
    stored = [hms_call(n, T0 + timedelta(seconds=n)) for n in range(250)]

    def serve(request: httpx.Request) -> httpx.Response:
        if len(platform.requests) == 2:  # a new call arrives between pages and shifts the offsets
            stored.append(hms_call(999, T0 + timedelta(days=1)))
        return answer(200, hms_list(stored, request.url.params))

    platform = ScriptedPlatform(serve)
    calls = await collect(platform.client(Provider.HMS).list_calls(page_size=100, status="ended", since=T0))
    assert len(calls) == len({c.id for c in calls}) == 250
    assert [r.url.params["offset"] for r in platform.requests] == ["0", "100", "200"]
    assert platform.requests[0].url.params["status"] == "ended"
    assert parse_iso(platform.requests[0].url.params["start_date"]) == T0


async def test_hms_ringing_status_is_asked_for_as_connecting():
    platform = ScriptedPlatform(answer(200, {"calls": [], "pagination": {"total": 0}}))
    await collect(platform.client(Provider.HMS).list_calls(status="ringing"))
    assert platform.requests[0].url.params["status"] == "connecting"


async def test_voicebot_one_array_filtered_on_our_side_and_chunked():
    stored = [voicebot_call(n, T0 + timedelta(minutes=n)) for n in range(30)]
    platform = ScriptedPlatform(answer(200, stored))
    client = platform.client(Provider.VOICEBOT)
    pages = [page async for page in client.list_calls(since=T0 + timedelta(minutes=10),
                                                      until=T0 + timedelta(minutes=25), page_size=10)]
    assert [len(p) for p in pages] == [10, 5] and pages[0][0].id == "vb-0010"
    assert platform.requests[0].headers["X-API-Key"] == "sk-test" and len(platform.requests) == 1


@pytest.mark.parametrize(("provider", "path"), [(Provider.VAPI, "/v1/call/a%2Bb"), (Provider.VOICEBOT, "/v1/calls/a%2Bb")])
async def test_rename_patches_the_name(provider, path):
    platform = ScriptedPlatform(answer(200, vapi_call(1) | {"name": "Refund"}))
    renamed = await platform.client(provider).rename_call("a+b", "Refund")
    request = platform.requests[0]
    assert (request.method, request.url.raw_path.decode(), json.loads(request.content)) == ("PATCH", path, {"name": "Refund"})
    assert renamed.name == "Refund"


async def test_hms_cannot_rename():
    platform = ScriptedPlatform(answer(200, {}))
    with pytest.raises(UnsupportedError, match="does not allow renaming"):
        await platform.client(Provider.HMS).rename_call("x", "y")
    assert platform.requests == []


VAPI_BODIES = [
    (Say(text="One moment"), {"type": "say", "content": "One moment", "endCallAfterSpoken": False}),
    (Say(text="Bye", end_after=True), {"type": "say", "content": "Bye", "endCallAfterSpoken": True}),
    (Inject(text="VIP customer"), {"type": "add-message", "message": {"role": "system", "content": "VIP customer"},
                                   "triggerResponseEnabled": True}),
    (Inject(text="Note", trigger_response=False), {"type": "add-message", "message": {"role": "system", "content": "Note"},
                                                   "triggerResponseEnabled": False}),
    (Mute(side=Side.ASSISTANT), {"type": "control", "control": "mute-assistant"}),
    (Unmute(side=Side.ASSISTANT), {"type": "control", "control": "unmute-assistant"}),
    (Mute(side=Side.CUSTOMER), {"type": "control", "control": "mute-customer"}),
    (Unmute(side=Side.CUSTOMER), {"type": "control", "control": "unmute-customer"}),
    (End(), {"type": "end-call"}),
    (End(message="Goodbye"), {"type": "say", "content": "Goodbye", "endCallAfterSpoken": True}),
    (Transfer(destination="+15551234567"), {"type": "transfer", "destination": {"type": "number", "number": "+15551234567"}}),
    (Transfer(destination="sip:desk@example.com", message="Connecting you"),
     {"type": "transfer", "destination": {"type": "sip", "sipUri": "sip:desk@example.com"}, "content": "Connecting you"}),
]


@pytest.mark.parametrize(("command", "expected"), VAPI_BODIES)
async def test_vapi_control_bodies(command, expected):
    platform = ScriptedPlatform(answer(200, b""))
    result = await platform.client(Provider.VAPI).send(LIVE_VAPI, command)
    request = platform.requests[0]
    assert result.outcome == Outcome.ACCEPTED
    assert (request.method, str(request.url)) == ("POST", CONTROL_URL)
    assert json.loads(request.content) == expected
    assert "Authorization" not in request.headers  # the control URL is another host: no API key


HMS_BODIES = [
    (Inject(text="VIP"), {"type": "inject-context", "content": "VIP", "trigger_response": True}),
    (Inject(text="VIP", trigger_response=False), {"type": "inject-context", "content": "VIP", "trigger_response": False}),
    (Say(text="Hold on"), {"type": "say", "content": "Hold on", "end_after": False}),
    (Say(text="Bye", end_after=True), {"type": "say", "content": "Bye", "end_after": True}),
    (End(), {"type": "end-call"}),
    (End(message="Goodbye"), {"type": "end-call", "message": "Goodbye"}),
    (Transfer(destination="+31612345678"), {"type": "transfer", "destination": "+31612345678"}),
    (Transfer(destination="sip:desk@example.com", message="One moment"),
     {"type": "transfer", "destination": "sip:desk@example.com", "message": "One moment"}),
]


@pytest.mark.parametrize(("command", "expected"), HMS_BODIES)
async def test_hms_control_bodies(command, expected):
    platform = ScriptedPlatform(answer(200, {"success": True, "message": "Command sent successfully"}))
    call = Call(id="call-_+31623731537_XqaQ", provider=Provider.HMS)
    result = await platform.client(Provider.HMS).send(call, command)
    request = platform.requests[0]
    assert (result.outcome, result.message) == (Outcome.ACCEPTED, "Command sent successfully")
    assert request.url.raw_path.decode() == "/v1/calls/call-_%2B31623731537_XqaQ/control"
    assert json.loads(request.content) == expected


@pytest.mark.parametrize("command", [Mute(side=Side.ASSISTANT), Unmute(side=Side.CUSTOMER)])
async def test_hms_mute_is_unsupported_and_nothing_is_sent(command):
    platform = ScriptedPlatform(answer(200, {}))
    with pytest.raises(UnsupportedError, match="HMS Sovereign cannot"):
        await platform.client(Provider.HMS).send(Call(id="x", provider=Provider.HMS), command)
    assert platform.requests == []


async def test_voicebot_has_no_control_and_vapi_needs_a_control_url():
    platform = ScriptedPlatform(answer(200, {}))
    with pytest.raises(UnsupportedError, match="no live call control"):
        await platform.client(Provider.VOICEBOT).send(Call(id="x", provider=Provider.VOICEBOT), End())
    with pytest.raises(UnsupportedError, match="no control URL"):
        await platform.client(Provider.VAPI).send(Call(id="x", provider=Provider.VAPI), End())
    assert platform.requests == []


@pytest.mark.parametrize("failure", [answer(502, {"message": "upstream"}), httpx.ReadTimeout("no answer"),
                                     httpx.RemoteProtocolError("dropped"), answer(500, {}), answer(504, {})])
async def test_control_is_never_resent_once_it_may_have_arrived(failure):
    platform = ScriptedPlatform(failure, answer(200, {}))
    result = await platform.client(Provider.VAPI).send(LIVE_VAPI, End())
    assert result.outcome == Outcome.UNKNOWN and len(platform.requests) == 1
    assert "may or may not have been carried out" in result.message


@pytest.mark.parametrize("provider", [Provider.VAPI, Provider.HMS])
async def test_control_is_resent_when_nothing_was_sent(provider):
    call = LIVE_VAPI if provider is Provider.VAPI else Call(id="x", provider=Provider.HMS)
    platform = ScriptedPlatform(httpx.ConnectError("refused"), answer(200, {}))
    result = await platform.client(provider).send(call, End())
    assert result.outcome == Outcome.ACCEPTED and len(platform.requests) == 2


async def test_hms_503_is_not_documented_so_the_command_is_never_resent():
    platform = ScriptedPlatform(answer(503, {"message": "busy"}), answer(200, {}))
    result = await platform.client(Provider.HMS).send(Call(id="x", provider=Provider.HMS), End())
    assert result.outcome == Outcome.UNKNOWN and len(platform.requests) == 1


async def test_vapi_503_on_a_call_that_looks_realtime_is_not_resent_either():
    """"503 = nothing done" is documented for the newer call kinds, but nothing documented tells such a call
    apart (the realtime model marker is the sandbox's): a classic call on a realtime model may have acted."""
    platform = ScriptedPlatform(answer(503, {"message": "busy"}), answer(200, {}))
    result = await platform.client(Provider.VAPI).send(LIVE_REALTIME, End())
    assert result.outcome == Outcome.UNKNOWN and len(platform.requests) == 1


async def test_vapi_503_on_a_classic_call_is_not_resent():
    """The brief documents "503 = nothing done" only for the newer call kinds."""
    platform = ScriptedPlatform(answer(503, {"message": "busy"}), answer(200, {}))
    result = await platform.client(Provider.VAPI).send(LIVE_VAPI, End())
    assert result.outcome == Outcome.UNKNOWN and len(platform.requests) == 1


async def test_a_redirect_on_a_control_post_is_not_followed_and_the_outcome_is_unknown():
    platform = ScriptedPlatform(answer(307, {}, {"Location": "https://elsewhere.example/control"}), answer(200, {}))
    result = await platform.client(Provider.HMS).send(Call(id="x", provider=Provider.HMS), End())
    assert result.outcome == Outcome.UNKNOWN and len(platform.requests) == 1


async def test_control_refusal_carries_the_platform_message():
    platform = ScriptedPlatform(answer(400, {"error": "invalid_command", "message": "Call is not in progress"}))
    result = await platform.client(Provider.HMS).send(Call(id="x", provider=Provider.HMS), Say(text="hi"))
    assert result.outcome == Outcome.REFUSED and result.status_code == 400
    assert "Call is not in progress" in result.message and len(platform.requests) == 1


async def test_control_connect_failure_every_time_is_refused_as_not_sent():
    platform = ScriptedPlatform(httpx.ConnectError("refused"))
    result = await platform.client(Provider.VAPI).send(LIVE_VAPI, End())
    assert result.outcome == Outcome.REFUSED and "Nothing was sent" in result.message
    assert len(platform.requests) == 3


def test_media_sources():
    platform = ScriptedPlatform(answer(200, {}))
    vapi = platform.client(Provider.VAPI, base_url="https://api.vapi.ai")
    ended = Call(id="c1", provider=Provider.VAPI, status="ended",
                 recordings={"stereo": "https://storage.example/s.wav", "mono": "https://storage.example/m.wav"})
    stereo = vapi.recording_source(ended, "stereo")
    assert stereo.url == "https://api.vapi.ai/call/c1/stereo-recording" and stereo.headers == {}
    assert vapi.recording_source(ended, "customer").url == "https://api.vapi.ai/call/c1/customer-recording"
    assert vapi.recording_source(LIVE_VAPI, "mono") is None
    listen = vapi.listen_source(LIVE_VAPI)
    assert listen.url == LIVE_VAPI.listen_url and listen.headers == {}  # no public key: nothing, never the API key

    hms = platform.client(Provider.HMS)
    hms_recorded = Call(id="h", provider=Provider.HMS, recordings={"mono": "https://rec.hms.example/1.mp3"})
    source = hms.recording_source(hms_recorded, "stereo")
    assert source.url == "https://rec.hms.example/1.mp3" and source.headers == {}
    assert hms.listen_source(hms_recorded) is None

    bot = platform.client(Provider.VOICEBOT, base_url="https://api.voicebot.studio/api/v1")
    only_mono = Call(id="v", provider=Provider.VOICEBOT, recordings={"mono": "https://api.voicebot.studio/r/1.wav"})
    assert bot.recording_source(only_mono, "stereo").url == "https://api.voicebot.studio/r/1.wav"
    assert bot.recording_source(Call(id="n", provider=Provider.VOICEBOT), "mono") is None


def test_the_public_key_goes_to_monitor_urls_only():
    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda request: answer(200, {})))
    vapi = make_client(Provider.VAPI, "https://api.vapi.ai", "sk-private", public_key="pk-public", http=http)
    assert vapi.listen_source(LIVE_VAPI).headers == {"Authorization": "Bearer pk-public"}
    assert vapi.monitor_headers() == {"Authorization": "Bearer pk-public"}


async def test_vapi_control_carries_the_public_key_never_the_api_key():
    platform = ScriptedPlatform(answer(200, {}))
    http = httpx.AsyncClient(transport=httpx.MockTransport(platform.handle))
    vapi = make_client(Provider.VAPI, "https://api.vapi.ai", "sk-private", public_key="pk-public", http=http)
    assert (await vapi.send(LIVE_VAPI, End())).outcome == Outcome.ACCEPTED
    assert platform.requests[0].headers["Authorization"] == "Bearer pk-public"


@pytest.mark.parametrize(("public_key", "said"), [
    (None, "Controlling this call needs the account's public key"),
    ("pk-old", "The account's public key was refused"),
])
async def test_a_401_from_the_control_url_names_the_public_key(public_key, said):
    platform = ScriptedPlatform(answer(401, {"message": "Unauthorized"}))
    http = httpx.AsyncClient(transport=httpx.MockTransport(platform.handle))
    vapi = make_client(Provider.VAPI, "https://api.vapi.ai", "sk-private", public_key=public_key, http=http)
    result = await vapi.send(LIVE_VAPI, End())
    assert result.outcome == Outcome.REFUSED and said in result.message and "API key" not in result.message


async def test_an_expired_presigned_url_makes_us_read_the_call_again():
    expired = {"presignedStereoUrl": "https://storage.example/old.wav?sig=1",
               "presignedUrlsExpiresAt": "2020-01-01T00:00:00Z"}
    fresh = {"presignedStereoUrl": "https://storage.example/new.wav?sig=2",
             "presignedUrlsExpiresAt": "2999-01-01T00:00:00Z"}

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/call/c1":
            return answer(200, vapi_call(1) | {"id": "c1", "status": "ended", "artifact": fresh})
        return httpx.Response(200, content=b"RIFF", headers={"content-type": "audio/wav"})

    platform = ScriptedPlatform(serve)
    vapi = platform.client(Provider.VAPI, base_url="https://api.vapi.ai")
    call = parse_call(json.dumps(vapi_call(1) | {"id": "c1", "status": "ended", "artifact": expired}).encode())

    async def save(response: httpx.Response) -> bytes:
        return await response.aread()

    assert await vapi.download_recording(call, "stereo", save) == b"RIFF"
    assert [str(r.url) for r in platform.requests] == ["https://api.vapi.ai/call/c1",
                                                        "https://storage.example/new.wav?sig=2"]
    assert "authorization" not in platform.requests[1].headers  # the storage host gets no key


@pytest.mark.parametrize("provider", list(Provider))
async def test_calls_are_parsed_off_the_event_loops_thread(provider, monkeypatch):
    """A page of a thousand live calls takes tens of milliseconds to read: never on the window's thread."""
    import threading

    from app.providers import hms_parse, wire

    threads: list[threading.Thread] = []
    real = wire.kept_calls
    for module in (wire, hms_parse):
        monkeypatch.setattr(module, "kept_calls", lambda *a: threads.append(threading.current_thread()) or real(*a))
    payloads = {Provider.VAPI: [vapi_call(1, T0)], Provider.HMS: {"calls": [hms_call(1, T0)], "total": 1},
                Provider.VOICEBOT: [voicebot_call(1, T0)]}
    platform = ScriptedPlatform(answer(200, payloads[provider]))
    calls = await collect(platform.client(provider).list_calls())
    assert len(calls) == 1 and threads and threading.main_thread() not in threads
