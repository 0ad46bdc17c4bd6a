"""The trusted certificates every platform and hub client (HTTP and WebSocket) checks servers against:
loaded once, on a worker thread. Loading them takes 40-70 ms; each client used to load its own, on the thread that made
it (the window's, whenever an account opened)."""

from __future__ import annotations

import ssl
import threading
from concurrent.futures import Future

import httpx

from app.background import started

_loading: Future[ssl.SSLContext] | None = None
_lock = threading.Lock()


def load_soon() -> None:
    """Start loading them (once), so they are ready by the time the first account opens."""
    global _loading
    with _lock:
        if _loading is None:
            _loading = started(_load, "trusted certificates")


def trusted() -> ssl.SSLContext:
    """The shared context (what httpx would make for each client), waiting for it if it is on its way."""
    global _loading
    load_soon()
    loading = _loading
    assert loading is not None
    try:
        return loading.result()
    except Exception:
        with _lock:
            if _loading is loading:
                _loading = None  # the next client tries again
        raise


def _load() -> ssl.SSLContext:
    return httpx.create_ssl_context()
