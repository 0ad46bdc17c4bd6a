"""The trusted certificates every platform and hub client checks servers against: loaded once, on a
worker thread. Loading them takes 40-70 ms; each client used to load its own, on the thread that made
it (the window's, whenever an account opened)."""

from __future__ import annotations

import ssl
import threading
from concurrent.futures import Future

import httpx

_loading: Future[ssl.SSLContext] | None = None
_lock = threading.Lock()


def load_soon() -> None:
    """Start loading them (once), so they are ready by the time the first account opens."""
    global _loading
    with _lock:
        if _loading is not None:
            return
        _loading = Future()
    threading.Thread(target=_load, args=(_loading,), name="trusted certificates", daemon=True).start()


def trusted() -> ssl.SSLContext:
    """The shared context (what httpx would make for each client), waiting for it if it is on its way."""
    load_soon()
    assert _loading is not None
    return _loading.result()


def _load(into: Future[ssl.SSLContext]) -> None:
    try:
        into.set_result(httpx.create_ssl_context())
    except BaseException as error:  # handed to whoever asks for the context
        into.set_exception(error)
