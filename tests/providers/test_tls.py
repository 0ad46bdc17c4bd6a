"""Every platform and hub client checks servers against one set of trusted certificates, loaded once
off the caller's thread (each client used to load its own, 40-70 ms on the window's thread)."""

from __future__ import annotations

import ssl
import threading
from pathlib import Path

import pytest

from app.domain import Provider
from app.live.hub_client import TeamRecordClient
from app.providers import tls
from app.providers.http import PlatformHttp


def _context_of(client) -> ssl.SSLContext:
    return client._transport._pool._ssl_context  # httpx keeps the context its connections use here


async def test_clients_share_one_context_that_still_verifies_servers(tmp_path: Path):
    vapi = PlatformHttp(Provider.VAPI, "https://api.vapi.example", {"Authorization": "Bearer k"})
    hms = PlatformHttp(Provider.HMS, "https://hms.example", {})
    hub = TeamRecordClient("https://hub.example", "token", tmp_path / "queue.json")
    try:
        shared = tls.trusted()
        assert _context_of(vapi.client) is _context_of(hms.client) is _context_of(hub._http) is shared
        assert shared.verify_mode is ssl.CERT_REQUIRED and shared.check_hostname
        assert shared.cert_store_stats()["x509_ca"] > 0  # the trusted roots are loaded
    finally:
        await vapi.client.aclose()
        await hms.client.aclose()
        await hub.aclose()


def test_the_certificates_load_once_on_a_worker_thread(monkeypatch):
    loaded_on: list[str] = []
    original = tls._load

    def watched():
        loaded_on.append(threading.current_thread().name)
        return original()

    monkeypatch.setattr(tls, "_load", watched)
    monkeypatch.setattr(tls, "_loading", None)
    tls.load_soon()
    tls.load_soon()
    assert tls.trusted().verify_mode is ssl.CERT_REQUIRED
    assert loaded_on == ["trusted certificates"]


def test_a_failed_load_is_tried_again_by_the_next_client(monkeypatch):
    original, calls = tls._load, []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OSError("the certificate file could not be read")
        return original()

    monkeypatch.setattr(tls, "_load", flaky)
    monkeypatch.setattr(tls, "_loading", None)
    with pytest.raises(OSError):
        tls.trusted()
    assert tls.trusted().verify_mode is ssl.CERT_REQUIRED and len(calls) == 2


def test_secure_sockets_check_servers_against_the_shared_context():
    from app.live.sockets import connect_here

    assert connect_here("wss://api.vapi.example/listen").connection_kwargs["ssl"] is tls.trusted()
    assert "ssl" not in connect_here("ws://127.0.0.1:9/listen").connection_kwargs
