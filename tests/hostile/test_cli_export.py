"""`switchboard export` against a hostile platform: huge, endless and slow answers, redirects to
another origin, unreadable calls, paging that never moves, markup and escapes, CSV cells with CR."""

from __future__ import annotations

import csv
import json
import time
from datetime import timedelta

import pytest

from tests.fixtures.hostile_platform import KEY
from tests.hostile.cli import switchboard, switchboard_process
from tests.hostile.server import MB, answer, endless, huge, redirect, trickle
from tests.providers.payloads import T0, hms_call, vapi_call, voicebot_call


def export(base: str, provider: str = "vapi", *extra: str) -> int:
    return switchboard("export", "--provider", provider, "--base-url", base, *extra)


def test_a_200_mb_answer_is_refused_without_reading_it_all(home_platform, hostile_key):
    home_platform.route("GET", "/call", huge(200 * MB, declare_length=False))
    before = time.monotonic()
    done = switchboard_process("export", "--provider", "vapi", "--base-url", home_platform.url)
    assert done.returncode == 1, done.stderr
    assert "larger than 64 MB" in done.stderr and "Traceback" not in done.stderr
    assert done.peak_kib < 300 * 1024  # the 200 MB answer was never held (64 MB cap, streamed)
    assert time.monotonic() - before < 30


def test_a_declared_200_mb_answer_is_refused_before_the_first_byte(home_platform, hostile_key, capsys):
    home_platform.route("GET", "/call", huge(200 * MB))
    assert export(home_platform.url) == 1
    assert "larger than 64 MB" in capsys.readouterr().err


@pytest.mark.parametrize("handler", [endless(), trickle(0.5)], ids=["endless", "one-byte-every-half-second"])
def test_endless_and_trickling_answers_end_at_the_deadline(home_platform, hostile_key, capsys, handler):
    home_platform.route("GET", "/call", handler)
    before = time.monotonic()
    code = export(home_platform.url, "vapi", "--timeout", "2")
    took = time.monotonic() - before
    err = capsys.readouterr().err
    assert code == 1 and took < 8, (took, err)
    assert "did not answer within 2 s" in err or "larger than 64 MB" in err


@pytest.mark.parametrize(("provider", "path", "header"), [("vapi", "/call", "authorization"),
                                                          ("voicebot", "/calls", "x-api-key")])
def test_a_redirect_to_another_origin_carries_no_key(home_platform, other_platform, hostile_key, provider, path, header, capsys):
    calls = [voicebot_call(1)] if provider == "voicebot" else [vapi_call(1)]
    home_platform.route("GET", path, redirect(f"{other_platform.url}/stolen"))
    other_platform.route("GET", "/stolen", answer(calls))
    assert export(home_platform.url, provider) == 0, capsys.readouterr().err
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert home_platform.to("GET", path)[0].headers.get(header, "").endswith(KEY)
    [stolen] = other_platform.to("GET", "/stolen")
    assert header not in stolen.headers and KEY not in json.dumps(stolen.headers)


def test_a_redirect_on_the_same_host_but_another_port_carries_no_key(home_platform, other_platform, hostile_key, capsys):
    assert home_platform.url.rsplit(":", 1)[0] == other_platform.url.rsplit(":", 1)[0]  # both 127.0.0.1: only the port differs
    home_platform.route("GET", "/call", redirect(f"{other_platform.url}/call"))
    other_platform.route("GET", "/call", answer([]))
    assert export(home_platform.url) == 0
    assert "authorization" not in other_platform.to("GET", "/call")[0].headers


def test_a_call_with_a_lone_surrogate_or_deep_nesting_is_skipped_not_its_page(home_platform, hostile_key, capsys):
    good = [vapi_call(n, T0 + timedelta(seconds=n)) for n in range(3)]
    surrogate = json.dumps(vapi_call(7) | {"name": "SURROGATE"}).replace('"SURROGATE"', '"\\ud800"')
    deep = json.dumps(vapi_call(8) | {"nested": "DEEP"}).replace('"DEEP"', "[" * 5000 + "]" * 5000)
    page = "[" + ",".join([json.dumps(good[0]), surrogate, json.dumps(good[1]), deep, json.dumps(good[2])]) + "]"
    home_platform.route("GET", "/call", answer(page.encode()))
    assert export(home_platform.url) == 0
    out, err = capsys.readouterr()
    assert sorted(json.loads(line)["id"] for line in out.splitlines()) == ["vapi-0000", "vapi-0001", "vapi-0002"]
    assert "skipped 2 unreadable call(s)" in err


def test_hms_paging_that_never_moves_stops_with_an_error(home_platform, hostile_key, capsys):
    page = {"calls": [hms_call(n) for n in range(100)], "pagination": {"total": 10**9, "limit": 100, "offset": 0}}
    home_platform.route("GET", "/calls", answer(page))
    before = time.monotonic()
    assert export(home_platform.url, "hms") == 1
    out, err = capsys.readouterr()
    assert "paging" in err and "no new calls" in err and time.monotonic() - before < 10
    assert len(out.splitlines()) == 100 == len(home_platform.to("GET", "/calls")) * 50  # 2 pages asked, each id once


def test_vapi_paging_that_never_moves_stops_with_an_error(home_platform, hostile_key, capsys):
    home_platform.route("GET", "/call", answer([vapi_call(n, T0) for n in range(100)]))
    assert export(home_platform.url, "vapi") == 1
    out, err = capsys.readouterr()
    assert "no new calls" in err and len(out.splitlines()) == 100 and len(home_platform.to("GET", "/call")) == 2


def test_platform_text_cannot_drive_the_terminal(home_platform, hostile_key, capsys):
    evil = "Invalid \x1b]0;pwned\x07\x1b[2J\x1b[31mrequest\x9b31m\u202e"
    home_platform.route("GET", "/call", answer({"statusCode": 400, "error": "Bad Request", "message": evil}, status=400))
    assert export(home_platform.url) == 1
    err = capsys.readouterr().err
    assert "Invalid request" in err and not any(c in err for c in "\x1b\x07\x9b\u202e")


def test_a_key_the_platform_echoes_is_masked(home_platform, hostile_key, capsys):
    home_platform.route("GET", "/call", answer({"statusCode": 403, "error": "Forbidden", "message": f"key {KEY} lacks scope"},
                                      status=403))
    assert export(home_platform.url) == 1
    err = capsys.readouterr().err
    assert KEY not in err and "[key hidden] lacks scope" in err


def test_a_csv_cell_with_a_bare_cr_or_lf_is_quoted(home_platform, hostile_key, tmp_path):
    home_platform.route("GET", "/call", answer([vapi_call(1) | {"name": "line\r=1+1"}, vapi_call(2) | {"name": "a\nb"}]))
    out = tmp_path / "calls.csv"
    assert export(home_platform.url, "vapi", "--format", "csv", "-o", str(out)) == 0
    raw = out.read_bytes()
    assert b'"line\r=1+1"' in raw and b'"a\nb"' in raw
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["name"] for row in rows] == ["line\r=1+1", "a\nb"]


@pytest.mark.parametrize("provider", ["vapi", "hms", "voicebot"])
def test_a_call_repeated_in_a_page_is_exported_once(home_platform, hostile_key, capsys, provider):
    if provider == "hms":
        home_platform.route("GET", "/calls", answer({"calls": [hms_call(1)] * 3 + [hms_call(2)], "pagination": {"total": 4}}))
    else:
        make = vapi_call if provider == "vapi" else voicebot_call
        home_platform.route("GET", "/call" if provider == "vapi" else "/calls", answer([make(1)] * 3 + [make(2)]))
    assert export(home_platform.url, provider) == 0
    ids = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert len(ids) == 2 == len(set(ids))
