"""Who may reach what, and a record of what each origin was sent.

The API origin takes the private key (the `auth` middleware in `server`); Vapi's monitor URLs (listen
socket, control) live on their own origin and, with `--monitor-auth`, take only the public key, as
`MonitorPlan.listenAuthenticationEnabled` / `controlAuthenticationEnabled` make the real ones do.
Every request's credentials are logged per origin, so end-to-end tests can assert that the private key
never reached a host other than the API's.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Middleware

from app.sandbox.call_facts import RECORDING_TTL_SECONDS
from app.sandbox.state import STATE, Handler
from app.sandbox.wire import UNAUTHORIZED, error_response, presented_key

MISSING_PUBLIC_KEY = "Monitor authentication is on: send Authorization: Bearer <your public key>"


@dataclass(frozen=True)
class Access:
    """The sandbox's keys and links beyond the private key (`--public-key`, `--monitor-auth`, `--recording-ttl`)."""

    public_key: str = "sandbox-public-key"
    monitor_auth: bool = False
    recording_ttl: float = RECORDING_TTL_SECONDS

    def __post_init__(self) -> None:
        if not self.public_key or self.recording_ttl <= 0:
            raise ValueError("the public key must not be empty and the recording TTL must be above 0")


@dataclass(frozen=True)
class Received:
    """One request as an origin saw it: where it arrived and which credentials it carried."""

    site: str  # api | monitor | storage
    origin: str  # scheme://host:port of the socket that received it (not the Host header)
    method: str
    path: str
    authorization: str | None  # the Authorization header as sent
    api_key: str | None  # the X-API-Key header as sent

    def carries(self, key: str) -> bool:
        return any(key in (header or "") for header in (self.authorization, self.api_key))


def logged(site: str) -> Middleware:
    """Outermost middleware of a site: records every request, refused ones included."""

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        port = sockname[1] if sockname else request.url.port
        request.app[STATE].received.append(Received(
            site, f"{request.scheme}://{request.url.host}:{port}", request.method, request.path,
            request.headers.get("Authorization"), request.headers.get("X-API-Key")))
        return await handler(request)

    return record


@web.middleware
async def monitor_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    """With monitor authentication on, the public key and nothing else (the private key is refused)."""
    state = request.app[STATE]
    if state.monitor_auth and presented_key(request, "vapi") != state.public_key:
        message = MISSING_PUBLIC_KEY if presented_key(request, "vapi") is None else UNAUTHORIZED["vapi"]
        return error_response("vapi", 401, message)
    return await handler(request)
