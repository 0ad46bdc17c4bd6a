"""Who may reach what, and a record of what each origin was sent.

The API origin takes the private key (the `auth` middleware in `server`); Vapi's monitor URLs (listen
socket, control) live on their own origin and, with `--monitor-auth`, take only the public key, as
`MonitorPlan.listenAuthenticationEnabled` / `controlAuthenticationEnabled` make the real ones do.
Every request's credentials are logged per origin, so end-to-end tests can assert that the private key
never reached a host other than the API's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Middleware

from app.sandbox.state import STATE, Handler
from app.sandbox.wire import UNAUTHORIZED, error_response, presented_key

MISSING_PUBLIC_KEY = "Monitor authentication is on: send Authorization: Bearer <your public key>"
PRIVATE_KEY_SHOWN, PUBLIC_KEY_SHOWN = "<private key>", "<public key>"  # the log's words for the sandbox's keys
SHOWN_CHARS = 4  # of any other credential


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Received:
    """One request as an origin saw it: where it arrived and which credentials it carried. No key is kept:
    the headers are masked, and which of the sandbox's own keys they carried is kept as digests."""

    site: str  # api | monitor | storage
    origin: str  # scheme://host:port of the socket that received it (not the Host header)
    method: str
    path: str
    authorization: str | None  # the Authorization header, masked: "Bearer <public key>", "Bearer abcd…"
    api_key: str | None  # the X-API-Key header, masked the same way
    carried: frozenset[str] = frozenset()  # digests of the sandbox's keys found anywhere in those headers

    def carries(self, key: str) -> bool:
        """Whether the request carried `key`, one of the sandbox's own (private or public) keys."""
        return _digest(key) in self.carried


def _masked(header: str | None, shown: dict[str, str]) -> str | None:
    if header is None:
        return None
    for key, words in shown.items():
        header = header.replace(key, words)
    if any(words in header for words in shown.values()):
        return header
    scheme, _, credential = header.rpartition(" ")
    return f"{scheme} {credential[:SHOWN_CHARS]}…".lstrip()


def logged(site: str) -> Middleware:
    """Outermost middleware of a site: records every request, refused ones included."""

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        state = request.app[STATE]
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        port = sockname[1] if sockname else request.url.port
        shown = {state.api_key: PRIVATE_KEY_SHOWN, state.access.public_key: PUBLIC_KEY_SHOWN}
        authorization, api_key = request.headers.get("Authorization"), request.headers.get("X-API-Key")
        carried = frozenset(_digest(key) for key in shown if key in f"{authorization} {api_key}")
        state.received.append(Received(site, f"{request.scheme}://{request.url.host}:{port}", request.method,
                                       request.path, _masked(authorization, shown), _masked(api_key, shown), carried))
        return await handler(request)

    return record


@web.middleware
async def monitor_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    """With monitor authentication on, the public key and nothing else (the private key is refused)."""
    access = request.app[STATE].access
    if access.monitor_auth and presented_key(request, "vapi") != access.public_key:
        message = MISSING_PUBLIC_KEY if presented_key(request, "vapi") is None else UNAUTHORIZED["vapi"]
        return error_response("vapi", 401, message)
    return await handler(request)
