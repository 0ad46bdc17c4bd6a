"""Recording download, cache and load against a real HTTP server on 127.0.0.1."""

import asyncio
import os

import numpy as np
import pytest
from aiohttp import web

from app.audio.recordings import RecordingCache, RecordingError, RecordingLoader, download
from app.domain import Call, Provider
from app.providers.base import MediaSource
from app.providers.errors import APIConnectionError, AuthenticationError, NotFoundError, ServerError
from app.providers.http import RetryPolicy
from app.providers.vapi import VapiClient
from app.providers.voicebot import VoiceBotClient
from tests.fixtures.audio import speech_like, write_recording
from tests.hostile.server import answer, redirect


@pytest.fixture
async def recording_server(tmp_path):
    stereo = write_recording(tmp_path / "stereo.wav", speech_like(2.0)).read_bytes()
    mp3 = write_recording(tmp_path / "mono.mp3", speech_like(1.0, channels=1)).read_bytes()
    hits: dict[str, int] = {}
    release = asyncio.Event()
    seen_auth: list[str] = []

    async def redirect(request):
        hits[request.path] = hits.get(request.path, 0) + 1
        seen_auth.append(request.headers.get("Authorization", ""))
        raise web.HTTPFound(f"/signed/{request.match_info['name']}?sig=abc")

    async def signed(request):
        name = request.match_info["name"]
        if name == "stereo.wav":
            return web.Response(body=stereo, content_type="audio/wav")
        if name == "mono.mp3":
            return web.Response(body=mp3, content_type="audio/mpeg")
        if name == "garbage.wav":
            return web.Response(body=b"not audio" * 100, content_type="audio/wav")
        if name == "huge.wav":  # says 10 GB up front
            response = web.StreamResponse(headers={"Content-Length": str(10 * 1024**3), "Content-Type": "audio/wav"})
            await response.prepare(request)
            return response
        if name in ("endless.wav", "cut.wav"):  # no Content-Length: chunked, endless or dropped midway
            response = web.StreamResponse(headers={"Content-Type": "audio/wav"})
            await response.prepare(request)
            for _ in range(1000 if name == "endless.wav" else 3):
                await response.write(b"\0" * 65536)
            if name == "cut.wav":
                request.transport.close()  # the connection drops before the last chunk
            return response
        if name == "slow.wav":
            response = web.StreamResponse(headers={"Content-Length": str(len(stereo)), "Content-Type": "audio/wav"})
            await response.prepare(request)
            await response.write(stereo[:1000])
            await release.wait()  # hold the transfer open until the test is over
            return response
        raise web.HTTPNotFound()

    async def forbidden(request):
        raise web.HTTPUnauthorized()

    async def busy(request):
        """Rate limited, then unavailable, then the recording; `always` never gets past the 503."""
        hits[request.path] = count = hits.get(request.path, 0) + 1
        if count == 1:
            raise web.HTTPTooManyRequests(headers={"Retry-After": "7"})
        if count == 2 or request.match_info["when"] == "always":
            raise web.HTTPServiceUnavailable()
        return web.Response(body=stereo, content_type="audio/wav")

    app = web.Application()
    app.router.add_get("/call/{id}/{name}", redirect)
    app.router.add_get("/signed/{name}", signed)
    app.router.add_get("/forbidden", forbidden)
    app.router.add_get("/busy/{when}", busy)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", hits, seen_auth
    release.set()
    await runner.cleanup()


class RecordingClient(VapiClient):
    """A real Vapi client whose recordings live at `/call/{id}/{name}` on the test server."""

    def __init__(self, base: str, stereo: str | None, mono: str | None, retry: RetryPolicy | None = None):
        super().__init__(base, "k", retry=retry or RetryPolicy(max_retries=0))
        self.names = {"stereo": stereo, "mono": mono}

    def recording_source(self, call, layout):
        name = self.names.get(layout)
        return MediaSource(f"{self.base_url}/call/{call.id}/{name}") if name else None

    @property
    def http(self):  # what the tests close
        return self


CALL = Call(id="c1", provider=Provider.VAPI, status="ended")


async def test_stereo_recording_is_fetched_decoded_and_cached(recording_server):
    base, hits, seen_auth = recording_server
    client = RecordingClient(base, "stereo.wav", "mono.mp3")
    loader = RecordingLoader()
    steps: list[tuple[str, float | None]] = []
    try:
        loaded = await loader.load(CALL, client, lambda text, frac: steps.append((text, frac)))
        assert loaded is not None and loaded.layout == "stereo"
        assert loaded.audio.channels == 2 and loaded.audio.frames == 32000
        assert loaded.peaks.channels == 2 and len(loaded.peaks.levels) > 2
        assert steps[-1] == ("Reading the recording…", None)
        assert any(frac == 1.0 for _, frac in steps)
        assert seen_auth == ["Bearer k"]
        again = await loader.load(CALL, client)
        assert again is not None and again.path == loaded.path
        assert hits == {"/call/c1/stereo.wav": 1}  # the second load came from the disk cache
    finally:
        loader.close()
        await client.aclose()


async def test_mono_only_mp3_loads_as_one_lane(recording_server):
    base, _, _ = recording_server
    client = RecordingClient(base, None, "mono.mp3")
    loader = RecordingLoader()
    try:
        loaded = await loader.load(CALL, client)
        assert loaded is not None and loaded.layout == "mono" and loaded.path.suffix == ".mp3"
        assert loaded.audio.channels == 1 and loaded.audio.frames >= 16000
    finally:
        loader.close()
        await client.aclose()


async def test_no_recording_at_all_is_none(recording_server):
    loader = RecordingLoader()
    client = RecordingClient(recording_server[0], None, None)
    try:
        assert await loader.load(CALL, client) is None
    finally:
        loader.close()
        await client.aclose()


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [("expired.wav", NotFoundError, "has no such call"), ("garbage.wav", RecordingError, "Cannot read the recording")],
)
async def test_missing_or_broken_recordings_give_a_plain_error_and_leave_no_file(recording_server, name, error, message):
    loader = RecordingLoader()
    client = RecordingClient(recording_server[0], name, None)
    try:
        with pytest.raises(error, match=message):
            await loader.load(CALL, client)
        assert list(loader.cache.root.iterdir()) == []
    finally:
        loader.close()
        await client.aclose()


async def test_refused_and_unreachable_downloads_are_the_platform_error_family(recording_server, tmp_path):
    refused = RecordingClient(recording_server[0], "../../forbidden", None)
    with pytest.raises(AuthenticationError):
        await download(refused, CALL, "stereo", tmp_path / "x.part", limit=10**9)
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    unreachable = RecordingClient("http://127.0.0.1:1", "x.wav", None, RetryPolicy(sleep=no_sleep))
    with pytest.raises(APIConnectionError):
        await download(unreachable, CALL, "stereo", tmp_path / "y.part", limit=10**9)
    assert len(waits) == 2  # connect errors are retried like reads
    assert not (tmp_path / "x.part").exists() and not (tmp_path / "y.part").exists()
    await refused.aclose()
    await unreachable.aclose()


async def test_a_busy_platform_is_asked_again_after_its_retry_after(recording_server, tmp_path):
    base, hits, _ = recording_server
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    retry = RetryPolicy(max_retries=2, sleep=no_sleep, jitter=lambda: 0.0)
    steps: list[str] = []
    client = RecordingClient(base, "../../busy/once", "../../busy/always", retry)
    suffix = await download(client, CALL, "stereo", tmp_path / "a.part", limit=10**9,
                            progress=lambda text, _: steps.append(text))
    assert suffix == ".wav" and (tmp_path / "a.part").stat().st_size > 0
    assert waits == [7.0, 1.0]  # the 429's Retry-After, then the backoff's second step
    assert steps[0] == "Vapi is rate limiting: waiting 7 s"
    with pytest.raises(ServerError, match=r"\(503\)"):
        await download(client, CALL, "mono", tmp_path / "b.part", limit=10**9)
    assert hits["/busy/always"] == 3 and not (tmp_path / "b.part").exists()
    await client.aclose()


@pytest.mark.parametrize("name", ["huge.wav", "endless.wav"])
async def test_a_recording_larger_than_the_cache_is_stopped_and_not_kept(recording_server, tmp_path, name):
    client = RecordingClient(recording_server[0], name, None)
    loader = RecordingLoader()
    loader.cache.max_bytes = 200_000
    try:
        with pytest.raises(RecordingError, match="larger than the recording cache allows"):
            await loader.load(CALL, client)
        assert list(loader.cache.root.iterdir()) == []
    finally:
        loader.close()
        await client.aclose()


async def test_a_body_cut_short_is_not_cached(recording_server):
    client = RecordingClient(recording_server[0], "cut.wav", None)
    loader = RecordingLoader()
    try:
        with pytest.raises(APIConnectionError):
            await loader.load(CALL, client)
        assert list(loader.cache.root.iterdir()) == []
    finally:
        loader.close()
        await client.aclose()


async def test_cancel_stops_the_download_and_removes_the_partial_file(recording_server, tmp_path):
    got_bytes = asyncio.Event()
    dest = tmp_path / "slow.part"

    def progress(text, fraction):
        got_bytes.set()

    client = RecordingClient(recording_server[0], "../../signed/slow.wav", None)
    task = asyncio.create_task(download(client, CALL, "stereo", dest, limit=10**9, progress=progress))
    await asyncio.wait_for(got_bytes.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not dest.exists()
    await client.aclose()


def test_two_consoles_never_share_a_temporary_file(tmp_path):
    first, second = RecordingCache(tmp_path), RecordingCache(tmp_path)
    assert first.partial_path("vapi-c1-stereo") != second.partial_path("vapi-c1-stereo")


async def test_the_cache_key_includes_the_account(recording_server):
    base = recording_server[0]
    one, other = RecordingClient(base, "stereo.wav", None), RecordingClient(base + "/", "stereo.wav", None)
    other.session.base_url = base.replace("127.0.0.1", "localhost")
    loader = RecordingLoader()
    try:
        first = await loader.load(CALL, one)
        second = await loader.load(CALL, other)
        assert first.path != second.path
    finally:
        loader.close()
        await one.aclose()
        await other.aclose()


def test_cache_evicts_least_recently_used_first(tmp_path):
    cache = RecordingCache(tmp_path / "cache", max_bytes=2500)
    for index, key in enumerate(["a", "b", "c"]):
        partial = cache.partial_path(key)
        partial.write_bytes(np.zeros(1000, np.uint8).tobytes())
        path = cache.commit(key, partial, ".wav")
        os.utime(path, (1000 + index, 1000 + index))
    assert sorted(p.name for p in cache.root.iterdir()) == ["b.wav", "c.wav"]
    assert cache.find("b") is not None  # using b makes c the oldest
    partial = cache.partial_path("d")
    partial.write_bytes(b"x" * 1000)
    cache.commit("d", partial, ".mp3")
    assert sorted(p.name for p in cache.root.iterdir()) == ["b.wav", "d.mp3"]
    assert cache.total_bytes() == 2000 and cache.find("c") is None


@pytest.fixture
def voicebot_recording(home_platform, other_platform):
    """A VoiceBot Studio recording on the account's host that redirects to a storage host."""
    home_platform.route("GET", "/r/1.wav", redirect(f"{other_platform.url}/signed/1.wav"))
    client = VoiceBotClient(home_platform.url, "vb-secret", retry=RetryPolicy(max_retries=0))
    call = Call(id="v1", provider=Provider.VOICEBOT, status="ended",
                recordings={"mono": f"{home_platform.url}/r/1.wav"})
    return client, call


async def test_a_recording_redirected_to_a_storage_host_gets_no_key(voicebot_recording, home_platform,
                                                                    other_platform, tmp_path):
    client, call = voicebot_recording
    other_platform.route("GET", "/signed/1.wav", answer(b"RIFF....WAVE"))
    await download(client, call, "mono", tmp_path / "v.part", limit=10**6)
    await client.aclose()
    assert home_platform.received[0].headers["x-api-key"] == "vb-secret"
    assert "vb-secret" not in str(other_platform.received[0].headers)


async def test_a_storage_host_refusing_a_signed_link_is_an_authentication_error_naming_it(
        voicebot_recording, other_platform, tmp_path):
    client, call = voicebot_recording
    other_platform.route("GET", "/signed/1.wav", answer({"message": "Request has expired"}, status=403))
    with pytest.raises(AuthenticationError, match=r"127\.0\.0\.1 refused access \(403\): Request has expired"):
        await download(client, call, "mono", tmp_path / "v.part", limit=10**6)
    await client.aclose()
