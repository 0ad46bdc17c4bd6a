"""WebSocket connections that follow no redirect.

The headers a socket is opened with (a Vapi monitor URL's public key, a hub token) belong to the
address asked for; the websockets library would send them again to whatever host a redirect names.
A redirect is refused instead, like the HTTP policy refuses one on a control POST.
"""

from __future__ import annotations

import json
from typing import Any

from websockets.asyncio.client import connect

from app.providers import tls

LARGE_FRAME_CHARS = 64 * 1024  # text frames above this are parsed on a worker thread, off the Qt thread


class FrameError(ValueError):
    """A text frame we cannot read (bad JSON, nested too deep, wrong types): skipped and counted by the
    reader, never the end of the stream."""


def json_object(frame: str | bytes) -> dict[str, Any]:
    """A frame's JSON object; FrameError for anything else."""
    try:
        message = json.loads(frame)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # RecursionError: nested too deep
        raise FrameError(f"not JSON ({type(error).__name__})") from None
    if not isinstance(message, dict):
        raise FrameError("not a JSON object")
    return message


class connect_here(connect):  # noqa: N801 - used like websockets' own `connect`
    def __init__(self, uri: str, **kwargs: Any) -> None:
        if uri.lower().startswith("wss:"):  # the shared trusted certificates, not ones loaded anew per socket
            kwargs.setdefault("ssl", tls.trusted())
        super().__init__(uri, **kwargs)

    def process_redirect(self, exc: Exception) -> Exception | str:
        return exc  # the redirect answer itself: the caller sees its status, nothing is sent on
