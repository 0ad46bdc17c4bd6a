"""Property: whatever bytes arrive, every parser gives Calls or raises BadResponseError — nothing else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import Call, Provider
from app.providers import hms_parse, vapi_parse
from app.providers.errors import BadResponseError
from tests.providers.payloads import hms_call, vapi_call, vapi_legacy_call, voicebot_call

PARSERS: list[Callable[[bytes], Any]] = [
    vapi_parse.parse_call,
    vapi_parse.parse_calls,
    lambda content: vapi_parse.parse_call(content, Provider.VOICEBOT),
    lambda content: vapi_parse.parse_calls(content, Provider.VOICEBOT),
    hms_parse.parse_call,
    hms_parse.parse_page,
]
VALID = [vapi_call(1), vapi_call(2, status="in-progress"), vapi_legacy_call(), hms_call(1), hms_call(2), voicebot_call(1)]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a JSON value, so a mangle can hit nested fields too."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = replaced(copy[path[0]], path[1:], new)
    return copy


@st.composite
def mangled_payloads(draw: st.DrawFn) -> bytes:
    payload: Any = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        options = paths(payload)
        if not options:
            break
        payload = replaced(payload, draw(st.sampled_from(options)), draw(json_values))
    shape = draw(st.sampled_from(["object", "list", "page"]))
    wrapped = {"object": payload, "list": [payload, payload], "page": {"calls": [payload], "pagination": {"total": 1}}}
    return json.dumps(wrapped[shape]).encode()


@st.composite
def truncated_payloads(draw: st.DrawFn) -> bytes:
    content = json.dumps(draw(st.sampled_from(VALID))).encode()
    return content[: draw(st.integers(0, len(content)))]


def only_calls_or_our_error(content: bytes) -> None:
    for parse in PARSERS:
        try:
            result = parse(content)
        except BadResponseError:
            continue
        calls = result[0] if isinstance(result, tuple) else result
        assert all(isinstance(call, Call) for call in (calls if isinstance(calls, list) else [calls]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes(content):
    only_calls_or_our_error(content)


@settings(max_examples=80, deadline=None)
@given(truncated_payloads())
def test_truncated_payloads(content):
    only_calls_or_our_error(content)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_payloads())
def test_wrong_types_in_fields(content):
    only_calls_or_our_error(content)


@settings(max_examples=80, deadline=None)
@given(json_values)
def test_any_json_document(value):
    only_calls_or_our_error(json.dumps(value).encode())
