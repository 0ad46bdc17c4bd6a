"""What goes over the wire: compact JSON bodies, each platform's error shapes (401 included) and keys."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aiohttp import web

BASE_PATHS = {"vapi": "/vapi", "hms": "/hms/api/v1", "voicebot": "/voicebot/api/v1"}

HMS_CODES = {400: "invalid_request", 401: "invalid_api_key", 404: "not_found", 409: "conflict",
             422: "validation_error", 429: "rate_limit_exceeded"}


def platform_of(path: str) -> str:
    for prefix, name in (("/vapi", "vapi"), ("/hms/", "hms"), ("/voicebot/", "voicebot")):
        if path.startswith(prefix):
            return name
    return "vapi"


class PlatformError(Exception):
    """A refusal a handler raises; server.shaped_errors answers it in the requested platform's error shape."""

    def __init__(self, status: int, message: str | list[str], headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def error_body(platform: str, status: int, message: str | list[str]) -> dict[str, Any]:
    if platform == "hms":
        code = HMS_CODES.get(status, "server_error")
        if status == 401:  # HMS answers auth failures in its nested shape, the rest flat
            return {"error": {"code": code, "message": message, "param": None, "type": "authentication_error"}}
        return {"error": code, "message": message}
    if platform == "voicebot":
        return {"detail": message}
    return {"statusCode": status, "error": HTTPStatus(status).phrase, "message": message}


def json_body(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """Compact JSON, as the platforms send it (and a third smaller than json.dumps' default)."""
    return web.json_response(data, status=status, headers=headers, dumps=_compact)


def _compact(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))


def error_response(platform: str, status: int, message: str | list[str], headers: dict[str, str] | None = None) -> web.Response:
    return json_body(error_body(platform, status, message), status=status, headers=headers)


UNAUTHORIZED = {
    "vapi": "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.",
    "hms": "Invalid API key provided.",
    "voicebot": "Invalid or missing API key",
}


def presented_key(request: web.Request, platform: str) -> str | None:
    if platform == "voicebot":
        return request.headers.get("X-API-Key")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


async def read_object(request: web.Request, empty_ok: bool = False) -> dict[str, Any]:
    """The request's JSON object; raises PlatformError (400) saying what is wrong with the body."""
    raw = await request.read()
    if not raw and empty_ok:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise PlatformError(400, "Request body must be JSON") from None
    if not isinstance(body, dict):
        raise PlatformError(400, "Request body must be a JSON object")
    return body


def base_url(host: str, port: int, platform: str) -> str:
    """Where a platform's API lives on this server (`platform` is a Provider value)."""
    return f"http://{host}:{port}{BASE_PATHS[platform]}"
