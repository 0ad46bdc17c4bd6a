"""The one error family the console catches from a platform, each with a plain-words message."""

from __future__ import annotations

from app.domain import CommandResult, Outcome


class ProviderError(Exception):
    """Anything that went wrong talking to a platform. `str(err)` is fit to show a supervisor."""

    def __init__(self, message: str, *, status_code: int | None = None, platform_message: str | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.platform_message = platform_message


class APIConnectionError(ProviderError):
    """The platform could not be reached (DNS, refused, reset, dropped). `nothing_sent` when the
    request certainly never left (the connection was never made)."""

    def __init__(self, message: str, *, nothing_sent: bool = False):
        super().__init__(message)
        self.nothing_sent = nothing_sent


class APITimeoutError(APIConnectionError):
    """The platform did not answer in time."""


class BadResponseError(ProviderError):
    """The platform answered with something we cannot read (malformed JSON, wrong shape)."""


class APIStatusError(ProviderError):
    """The platform answered with an error status."""


class AuthenticationError(APIStatusError):
    """401/403: the API key is missing, wrong or lacks permission."""


class NotFoundError(APIStatusError):
    """404: no such call (or it has expired on the platform)."""


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` seconds to wait when the platform said."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status_code: int | None = None,
        platform_message: str | None = None,
    ):
        super().__init__(message, status_code=status_code, platform_message=platform_message)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx: the platform failed on its side."""


class InvalidRequestError(APIStatusError):
    """400/409/422 and other 4xx: the platform refused the request as sent."""


class RedirectedError(ProviderError):
    """A control command or change was answered with a redirect: not followed, so its outcome is unknown."""


class UnsupportedError(ProviderError):
    """The platform cannot do this at all (e.g. renaming a call on HMS Sovereign)."""


class NotAvailableError(UnsupportedError):
    """The platform has no such read (VoiceBot Studio's undocumented single-call read): says
    nothing about the call itself, which is still followed through the list."""


def command_result_of(error: ProviderError) -> CommandResult:
    """What a send error says about the command: refused when the platform answered no (4xx, 429) or
    nothing was sent; unknown when it may have reached the platform (dropped, timed out, redirected,
    5xx, or an answer we cannot read) — never resent."""
    if isinstance(error, APIConnectionError) and error.nothing_sent:
        return CommandResult(outcome=Outcome.REFUSED, message=f"{error} Nothing was sent.")
    if isinstance(error, RateLimitError | UnsupportedError):
        outcome = Outcome.REFUSED
    elif (isinstance(error, APIConnectionError | RedirectedError) or error.status_code is None
          or error.status_code >= 500):
        outcome = Outcome.UNKNOWN
    else:
        outcome = Outcome.REFUSED
    return CommandResult(outcome=outcome, message=str(error), status_code=error.status_code)
