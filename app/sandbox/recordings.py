"""Signed recording files (on the storage site, not the API's origin): WAV (16-bit PCM, 16 kHz) of exactly what the
listen stream played. Links stop working `recording_ttl` seconds after the response that carried them."""

from __future__ import annotations

import asyncio
import io

import numpy as np
import soundfile as sf
from aiohttp import web

from app.domain import Provider
from app.sandbox.call_facts import RECORDING_KINDS, sign
from app.sandbox.simcall import SimCall
from app.sandbox.speech import SAMPLE_RATE
from app.sandbox.state import STATE
from app.sandbox.world import World


def recording_wav(world: World, call: SimCall, kind: str) -> bytes:
    """Blocking: render (a history call's from its script) and encode one recording of an ended call."""
    stereo = world.recording(call).render(0, int(round((call.duration or 0.0) * SAMPLE_RATE)))
    if kind == "stereo":
        data = stereo
    elif kind == "mono":
        data = np.clip(stereo.astype(np.int32).sum(axis=1), -32768, 32767).astype(np.int16)
    else:
        data = stereo[:, 0 if kind == "customer" else 1]
    out = io.BytesIO()
    sf.write(out, data, SAMPLE_RATE, format="WAV", subtype="PCM_16")
    return out.getvalue()


async def serve(request: web.Request) -> web.Response:
    state = request.app[STATE]
    provider, call_id, kind = request.match_info["provider"], request.match_info["id"], request.match_info["kind"]
    try:
        expires = int(request.query.get("expires", "0"))
    except ValueError:
        expires = 0
    if request.query.get("signature") != sign(state.api_key, request.path, expires):
        return _denied("The request signature we calculated does not match the signature you provided.")
    if expires < state.wall():
        return _denied("Request has expired")
    try:
        call = state.world.find(Provider(provider), call_id)
    except ValueError:
        call = None
    if call is None or call.ended_ms is None or kind not in RECORDING_KINDS:
        return web.Response(status=404, text="No such recording")
    # Off the loop: rendering and encoding can take a moment.
    body = await asyncio.get_running_loop().run_in_executor(None, recording_wav, state.world, call, kind)
    return web.Response(body=body, content_type="audio/wav",
                        headers={"Content-Disposition": f'inline; filename="{call_id}-{kind}.wav"'})


def _denied(message: str) -> web.Response:
    """What a storage bucket answers a bad or expired signed URL: 403 with an S3-style XML error."""
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>{message}</Message></Error>'
    return web.Response(status=403, text=body, content_type="application/xml")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/recordings/{provider}/{id}/{kind}.wav", serve)
