"""The shared HTTP policy: retries, Retry-After, error mapping and messages."""

from __future__ import annotations

import email.utils
import logging

import httpx
import pytest

from app.domain import Provider
from app.providers.error_body import platform_message
from app.providers.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadResponseError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
)
from app.providers.http import RetryPolicy, retry_after_seconds
from tests.providers.mock_platform import ScriptedPlatform, answer
from tests.providers.payloads import hms_call, vapi_call


async def test_read_retries_5xx_then_succeeds_with_growing_backoff():
    platform = ScriptedPlatform(answer(500, {}), answer(502, {}), answer(200, vapi_call(1)))
    client = platform.client(Provider.VAPI)
    call = await client.get_call("vapi-0001")
    assert call.id == "vapi-0001" and len(platform.requests) == 3
    assert platform.sleeps == [0.5, 1.0]


async def test_429_honours_retry_after_seconds_and_says_so_in_the_log(caplog):
    platform = ScriptedPlatform(answer(429, {"error": "rate_limited", "message": "slow down"}, {"Retry-After": "12"}),
                                answer(200, hms_call(1)))
    client = platform.client(Provider.HMS)
    with caplog.at_level(logging.INFO, logger="app.providers.http"):
        await client.get_call("x")
    assert platform.sleeps == [12.0]
    assert "HMS Sovereign is rate limiting: waiting 12 s" in caplog.messages


async def test_retry_after_is_capped():
    platform = ScriptedPlatform(answer(429, {}, {"Retry-After": "3600"}), answer(200, hms_call(1)))
    await platform.client(Provider.HMS, deadline=600).get_call("x")
    assert platform.sleeps == [60.0]


def test_retry_after_http_date_and_ratelimit_reset():
    now = 1_800_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert retry_after_seconds(httpx.Headers({"Retry-After": date}), now) == pytest.approx(30, abs=1)
    assert retry_after_seconds(httpx.Headers({"X-RateLimit-Reset": str(int(now + 7))}), now) == 7
    assert retry_after_seconds(httpx.Headers({"Retry-After": "soon"}), now) is None
    assert retry_after_seconds(httpx.Headers({"retry-after-ms": "250"}), now) == 0.25


async def test_429_after_retries_is_a_rate_limit_error_with_the_wait():
    platform = ScriptedPlatform(answer(429, {"statusCode": 429, "error": "Too Many Requests", "message": "x"},
                                       {"Retry-After": "5"}))
    with pytest.raises(RateLimitError) as caught:
        await platform.client(Provider.VAPI).get_call("x")
    assert caught.value.retry_after == 5 and "Try again in 5 s" in str(caught.value)
    assert len(platform.requests) == 3


async def test_401_is_not_retried_and_says_what_to_do():
    platform = ScriptedPlatform(answer(401, {"statusCode": 401, "error": "Unauthorized", "message": "Invalid key"}))
    with pytest.raises(AuthenticationError) as caught:
        await platform.client(Provider.VAPI).get_call("x")
    assert str(caught.value) == "Vapi rejected the API key (401). Check the key in Accounts."
    assert caught.value.platform_message == "Invalid key" and len(platform.requests) == 1


@pytest.mark.parametrize(("status", "error"), [(404, NotFoundError), (400, InvalidRequestError), (402, InvalidRequestError),
                                               (422, InvalidRequestError), (403, AuthenticationError)])
async def test_4xx_map_to_our_errors_with_the_platform_message(status, error):
    platform = ScriptedPlatform(answer(status, {"error": {"code": "x", "message": "Call not found", "param": "id",
                                                          "type": "invalid_request_error"}}))
    with pytest.raises(error) as caught:
        await platform.client(Provider.HMS).get_call("x")
    assert "HMS Sovereign" in str(caught.value) and "Call not found (id)" in str(caught.value)
    assert caught.value.status_code == status


async def test_5xx_after_retries_is_a_server_error():
    platform = ScriptedPlatform(answer(503, b"<html>down</html>"))
    with pytest.raises(ServerError, match=r"Vapi failed on its side \(503\)"):
        await platform.client(Provider.VAPI).get_call("x")
    assert len(platform.requests) == 3


async def test_timeouts_are_retried_then_reported_plainly():
    platform = ScriptedPlatform(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError, match="did not answer in time"):
        await platform.client(Provider.VOICEBOT).get_call("x")
    assert len(platform.requests) == 3


async def test_connect_errors_are_retried_then_reported():
    platform = ScriptedPlatform(httpx.ConnectError("refused"), answer(200, vapi_call(1)))
    assert (await platform.client(Provider.VAPI).get_call("x")).id == "vapi-0001"
    platform = ScriptedPlatform(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError, match="Could not reach Vapi at api.example"):
        await platform.client(Provider.VAPI).get_call("x")


async def test_rename_is_not_retried_after_it_may_have_arrived():
    platform = ScriptedPlatform(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError):
        await platform.client(Provider.VAPI).rename_call("x", "New name")
    assert len(platform.requests) == 1


async def test_malformed_2xx_body_is_a_bad_response():
    platform = ScriptedPlatform(answer(200, b"{oops"))
    with pytest.raises(BadResponseError, match="Vapi sent"):
        await platform.client(Provider.VAPI).get_call("x")


@pytest.mark.parametrize(("content", "said"), [
    (b'{"statusCode":400,"error":"Bad Request","message":["name must be a string","name too long"]}',
     "name must be a string; name too long"),
    (b'{"statusCode":404,"error":"Not Found","message":"Call not found"}', "Call not found"),
    (b'{"error":"invalid_command","message":"Call is not in progress"}', "Call is not in progress"),
    (b'{"error":{"code":"insufficient_credits","message":"No credits left","param":null,"type":"billing"}}',
     "No credits left"),
    (b'{"error":"Unauthorized"}', "Unauthorized"),
    (b"<html>Bad gateway</html>", None),
    (b"[1,2]", None),
])
def test_both_error_body_shapes(content, said):
    assert platform_message(content) == said


def test_backoff_is_exponential_capped_and_jittered():
    policy = RetryPolicy(jitter=lambda: 1.0, max_delay=3.0)
    assert [policy.backoff(n) for n in range(4)] == [0.375, 0.75, 1.5, 2.25]


@pytest.mark.parametrize(("location", "keeps_key"), [
    ("https://api.example/v1/call/moved", True),  # same scheme, host and port
    ("https://api.example:8443/v1/call/moved", False),  # another port
    ("http://api.example/v1/call/moved", False),  # another scheme
    ("https://storage.example/call/moved", False),  # another host
])
async def test_a_redirect_carries_the_key_only_to_the_accounts_own_origin(location, keeps_key):
    platform = ScriptedPlatform(answer(302, b"", {"Location": location}), answer(200, vapi_call(1)))
    await platform.client(Provider.VAPI).get_call("x")
    assert platform.requests[0].headers["Authorization"] == "Bearer sk-test"
    assert ("Authorization" in platform.requests[1].headers) is keeps_key


@pytest.mark.parametrize(("first", "message"), [
    (answer(302, b"", {"Location": "file:///etc/passwd"}), "not a web address"),
    (answer(302, b"", {"Location": "/v1/call/x"}), "redirected more than 5 times"),
])
async def test_redirects_to_files_or_in_a_loop_end_in_a_plain_error(first, message):
    platform = ScriptedPlatform(first)
    with pytest.raises(BadResponseError, match=message):
        await platform.client(Provider.VAPI).get_call("x")
    assert len(platform.requests) <= 6


async def test_an_answer_over_the_limit_is_refused_and_an_echoed_key_is_masked():
    platform = ScriptedPlatform(answer(200, b"[" + b" " * 2000 + b"]"))
    client = platform.client(Provider.VAPI)
    client.session.max_body_bytes = 1000
    with pytest.raises(BadResponseError, match="larger than"):
        await client.get_call("x")
    platform = ScriptedPlatform(answer(400, {"message": "bad key sk-test"}))
    with pytest.raises(InvalidRequestError) as caught:
        await platform.client(Provider.VAPI).get_call("x")
    assert "sk-test" not in str(caught.value) and "[key hidden]" in str(caught.value)
    assert "sk-test" not in (caught.value.platform_message or "")


async def test_waits_that_would_pass_the_deadline_are_not_taken():
    platform = ScriptedPlatform(answer(429, {}, {"Retry-After": "30"}), answer(200, hms_call(1)))
    with pytest.raises(RateLimitError):
        await platform.client(Provider.HMS, deadline=10).get_call("x")
    assert platform.sleeps == [] and len(platform.requests) == 1


@pytest.mark.parametrize("status", [200, 400])
async def test_a_platforms_words_are_bounded_whatever_it_answers(status):
    """An acceptance or a refusal carrying megabytes of text: the outcome line gets a sentence, not a page."""
    from app.domain import Call, End
    from app.providers.error_body import MESSAGE_CHARS

    platform = ScriptedPlatform(answer(status, {"success": status == 200, "message": "x" * 50_000}))
    client = platform.client(Provider.HMS)
    result = await client.send(Call(id="c1", provider=Provider.HMS, status="in-progress"), End())
    assert 0 < len(result.message) <= MESSAGE_CHARS + 200  # the platform's words, and at most our sentence
