"""What a platform said went wrong, read from either error body shape, and the error it maps to."""

from __future__ import annotations

import json
from collections.abc import Iterable

import httpx

from app.domain import Provider
from app.providers.errors import (
    APIStatusError,
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
)

MESSAGE_CHARS = 500  # a platform's words in an outcome line or an error: enough to act on, never a page


def platform_message(content: bytes) -> str | None:
    """The human part of an answer, at most MESSAGE_CHARS.

    Vapi: {"statusCode", "error", "message": str | [str]}; HMS flat {"error", "message"} or
    nested {"error": {"code", "message", "param", "type"}}. Anything else: the text, if short.
    """
    message = _message(content)
    return message[:MESSAGE_CHARS] if message else None


def _message(content: bytes) -> str | None:
    try:
        body = json.loads(content)
    except ValueError:
        text = content.decode("utf-8", "replace").strip()
        return text[:200] if text and not text.startswith("<") else None
    if not isinstance(body, dict):
        return None
    message = body.get("message")
    error = body.get("error")
    if isinstance(error, dict):
        message = message or error.get("message")
        param = error.get("param")
        if message and isinstance(param, str) and param:
            message = f"{message} ({param})"
    if isinstance(message, list):
        message = "; ".join(str(part) for part in message if part is not None)
    if isinstance(message, str) and message.strip():
        return message.strip()
    if isinstance(error, str) and error.strip():
        return error.strip()
    return None


MASK = "[key hidden]"
MIN_SECRET = 4  # shorter "keys" would mask ordinary words


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """`text` with every account key it contains replaced: a platform may echo the key it refused."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET:
            text = text.replace(secret, MASK)
    return text


def status_error(
    provider: Provider, response: httpx.Response, content: bytes, *, retry_after: float | None = None,
    secrets: Iterable[str] = (), elsewhere: str | None = None,
) -> APIStatusError:
    """The error for a non-2xx answer (`content`: what was read of its body), fit for a supervisor.
    `elsewhere`: the host that answered when it is not the account's own (we sent it no key)."""
    code = response.status_code
    said = platform_message(content)
    said = mask_secrets(said, secrets) if said else said
    title = provider.display_name
    detail = f": {said}" if said else ""
    kind: type[APIStatusError]
    if code in (401, 403) and elsewhere:
        kind = AuthenticationError
        message = f"{elsewhere} refused access ({code}){detail}. The link may have expired: try again."
    elif code == 401:
        kind, message = AuthenticationError, f"{title} rejected the API key ({code}). Check the key in Accounts."
    elif code == 403:
        kind = AuthenticationError
        message = f"{title} refused access ({code}){detail}. Check the key's permissions in Accounts."
    elif code == 404:
        kind, message = NotFoundError, f"{title} has no such call ({code}){detail}."
    elif code == 429:
        wait = f" Try again in {retry_after:.0f} s." if retry_after is not None else " Try again shortly."
        message = f"{title} is rate limiting ({code}).{wait}"
        return RateLimitError(message, retry_after=retry_after, status_code=code, platform_message=said)
    elif code >= 500:
        kind, message = ServerError, f"{title} failed on its side ({code}){detail}. Try again shortly."
    else:
        kind, message = InvalidRequestError, f"{title} refused the request ({code}){detail}."
    return kind(message, status_code=code, platform_message=said)
