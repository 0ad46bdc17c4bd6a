"""Vapi's per-call monitor: the listen WebSocket (live PCM and the call's events) and the control endpoint."""

from __future__ import annotations

import asyncio
import json

import numpy as np
from aiohttp import WSCloseCode, web

from app.domain import Provider
from app.sandbox import realtime
from app.sandbox.clock import SandboxClock
from app.sandbox.commands import apply_realtime, apply_vapi, commanded
from app.sandbox.lookup import call_or_404
from app.sandbox.player import CallPlayer
from app.sandbox.socket_events import SocketEvents
from app.sandbox.speech import SAMPLE_RATE
from app.sandbox.state import STATE
from app.sandbox.wire import error_response

FRAME_SAMPLES = 320  # 20 ms at 16 kHz
LAG_SECONDS = 0.2  # wall seconds behind "now", so every clip and mute is in place before it is sent
CHANNELS = {"mono": 1, "stereo": 2}


async def listen(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    call = call_or_404(request, Provider.VAPI)
    if call.realtime:
        return error_response("vapi", 404, "This call has no listen socket")
    player = state.world.players.get(call.id)
    if player is None or not call.is_live:
        return error_response("vapi", 400, "Call is not live")
    socket = web.WebSocketResponse(heartbeat=None)
    await socket.prepare(request)
    state.listeners.add(socket)
    settings = state.world.settings
    channels = CHANNELS[settings.listen_format]
    if settings.listen_start_frame:
        await socket.send_str(json.dumps({"type": "start", "sampleRate": SAMPLE_RATE, "channels": channels,
                                          "encoding": "s16le"}))
    # Listen-only, but reading is what answers the client's close handshake promptly.
    reader = asyncio.get_running_loop().create_task(_drain(socket))
    try:
        await _stream(request, socket, state.world.clock, player, state.faults.spec.drop_ws_after, channels)
    except ConnectionResetError:  # the listener went away
        return socket
    finally:
        reader.cancel()
    if not socket.closed:
        await socket.close(code=WSCloseCode.OK, message=b"call ended")
    return socket


async def _drain(socket: web.WebSocketResponse) -> None:
    async for _ in socket:
        pass


async def _stream(request: web.Request, socket: web.WebSocketResponse, clock: SandboxClock, player: CallPlayer,
                  drop_after: float, channels: int) -> None:
    """Send 20 ms frames on a fixed schedule until the call's audio is all sent or the client leaves;
    before each frame, the events its moment brings (transcripts, speech and status updates)."""
    call = player.call
    events = SocketEvents(player)
    loop = asyncio.get_running_loop()
    opened = loop.time()
    frame_wall = clock.wall_seconds(FRAME_SAMPLES / SAMPLE_RATE)
    position: int | None = None  # sample in the call's timeline; None while not yet answered
    sent = 0
    while not socket.closed:
        if drop_after and loop.time() - opened >= drop_after:
            if request.transport is not None:
                request.transport.abort()  # a dropped connection, not a polite close
            return
        if position is None and call.started_ms is not None:
            position = int((player.offset() - LAG_SECONDS * clock.speed) * SAMPLE_RATE)  # may start before 0: silence
        for event in events.due(None if position is None else position / SAMPLE_RATE):
            await socket.send_str(json.dumps(event))
        if position is not None and call.ended_ms is not None and position >= (call.duration or 0) * SAMPLE_RATE:
            return
        if position is None or call.audio is None:
            frame = bytes(FRAME_SAMPLES * 2 * channels)  # queued or ringing: silence
        else:
            frame = _mixed(call.audio.render(position, FRAME_SAMPLES), channels).tobytes()
            position += FRAME_SAMPLES
        if (stamp := request.app[STATE].on_listen_frame) is not None:
            stamp(call.id, sent)
        await socket.send_bytes(frame)
        sent += 1
        await asyncio.sleep(max(0.0, opened + sent * frame_wall - loop.time()))


def _mixed(stereo: np.ndarray, channels: int) -> np.ndarray:
    """Customer left, assistant right; mono is both sides summed (they rarely overlap)."""
    if channels == 2:
        return stereo
    return np.clip(stereo.astype(np.int32).sum(axis=1), -32768, 32767).astype("<i2")


async def control(request: web.Request) -> web.Response:
    if not call_or_404(request, Provider.VAPI).realtime:
        return await commanded(request, Provider.VAPI, apply_vapi, {"success": True})
    return await commanded(request, Provider.VAPI, apply_realtime, realtime.ACCEPTED)


async def close_listeners(app: web.Application) -> None:
    """On shutdown, say goodbye to listeners (1001) rather than leaving them to time out."""
    for socket in list(app[STATE].listeners):
        await socket.close(code=WSCloseCode.GOING_AWAY, message=b"sandbox stopping")


def add_routes(app: web.Application) -> None:
    app.on_shutdown.append(close_listeners)
    app.router.add_get("/vapi-monitor/{id}/listen", listen)
    app.router.add_post("/vapi-monitor/{id}/control", control)
