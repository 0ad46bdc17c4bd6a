"""The alert rules' switches and thresholds, kept in `alerts.toml` in the config folder.

Read with tomllib. Written by hand-formatting rather than with tomli-w: the file is meant to be
read and edited by people, so every setting is written with the comment that explains it (a TOML
writer library would drop them), and the values are only numbers, booleans, strings and lists of
strings, whose TOML spelling is simple. A bad value falls back to its default and is reported,
so one typo does not switch the other rules off.
"""

from __future__ import annotations

import contextlib
import json
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app import paths
from app.domain.alert import Severity

FILE_NAME = "alerts.toml"


@dataclass(frozen=True)
class Silence:
    enabled: bool = True
    severity: Severity = Severity.WARNING
    seconds: float = 12.0  # nobody speaks (from the levels when listening, else from the turn times)
    speech_level: float = 0.01  # RMS, 1.0 = full scale: above this a side counts as speaking


@dataclass(frozen=True)
class LongCall:
    enabled: bool = True
    severity: Severity = Severity.INFO
    minutes: float = 10.0
    usual_factor: float = 2.0  # or this many times the assistant's usual (median) duration
    usual_min_calls: int = 5  # ended calls of the assistant needed before "usual" means something


@dataclass(frozen=True)
class PhraseList:
    severity: Severity = Severity.WARNING
    words: tuple[str, ...] = ()


DEFAULT_PHRASES: dict[str, PhraseList] = {
    "human": PhraseList(Severity.WARNING, ("human", "real person", "live person", "live agent", "operator",
                                           "representative")),
    "manager": PhraseList(Severity.WARNING, ("manager", "supervisor", "your boss")),
    "lawyer": PhraseList(Severity.CRITICAL, ("lawyer", "attorney", "solicitor", "sue you", "legal action")),
    "complaint": PhraseList(Severity.WARNING, ("complaint", "complain", "ombudsman")),
    "cancel": PhraseList(Severity.WARNING, ("cancel", "cancelling", "canceling", "cancellation",
                                            "close my account")),
}


@dataclass(frozen=True)
class Phrases:
    enabled: bool = True
    lists: dict[str, PhraseList] = field(default_factory=lambda: dict(DEFAULT_PHRASES))


@dataclass(frozen=True)
class Sentiment:
    enabled: bool = True
    severity: Severity = Severity.WARNING
    window: int = 3  # the trend: mean of the customer's last `window` turns (VADER compound, -1..1)
    threshold: float = -0.3  # alert when the trend falls to or below this...
    negative_turns: int = 2  # ...and at least this many of those turns are negative: a drop, not one word


@dataclass(frozen=True)
class RepeatedReply:
    enabled: bool = True
    severity: Severity = Severity.WARNING
    times: int = 3  # the assistant says the same thing this many times


@dataclass(frozen=True)
class ToolFailure:
    enabled: bool = True
    severity: Severity = Severity.WARNING


@dataclass(frozen=True)
class Hang:
    enabled: bool = True
    severity: Severity = Severity.CRITICAL
    seconds: float = 15.0  # the customer stopped talking and the assistant has not answered


@dataclass(frozen=True)
class TurnLatency:
    enabled: bool = True
    severity: Severity = Severity.WARNING
    seconds: float = 5.0  # from the customer's last word to the assistant's first


@dataclass(frozen=True)
class ErrorEnding:
    enabled: bool = True
    severity: Severity = Severity.CRITICAL
    words: tuple[str, ...] = ("error", "failed", "fault")  # in the platform's ended reason


@dataclass(frozen=True)
class AlertSettings:
    silence: Silence = field(default_factory=Silence)
    long_call: LongCall = field(default_factory=LongCall)
    phrases: Phrases = field(default_factory=Phrases)
    sentiment: Sentiment = field(default_factory=Sentiment)
    repeated_reply: RepeatedReply = field(default_factory=RepeatedReply)
    tool_failure: ToolFailure = field(default_factory=ToolFailure)
    hang: Hang = field(default_factory=Hang)
    turn_latency: TurnLatency = field(default_factory=TurnLatency)
    error_ending: ErrorEnding = field(default_factory=ErrorEnding)


RULE_TITLES = {
    "silence": "Silence",
    "long_call": "Long call",
    "phrases": "Phrases",
    "sentiment": "Customer mood",
    "repeated_reply": "Assistant repeats itself",
    "tool_failure": "Tool call failed",
    "hang": "Assistant not answering",
    "turn_latency": "Slow reply",
    "error_ending": "Call ended in error",
}

_DOCS = {
    "silence": "No speech from either side for `seconds` (listen levels when listening, else turn times).",
    "long_call": "Over `minutes`, or over `usual_factor` times the assistant's median duration.",
    "phrases": "The customer says a phrase of a list (case, accents ignored; whole words). "
               "One alert per list per call.",
    "sentiment": "The customer's mood (VADER) trends down: a sustained drop, not one word.",
    "repeated_reply": "The assistant gives the same reply `times` times.",
    "tool_failure": "A tool call returned an error.",
    "hang": "The assistant has not answered for `seconds`, or the platform sent a `hang` event.",
    "turn_latency": "The assistant took more than `seconds` to answer.",
    "error_ending": "The call ended with an ended reason containing one of `words`.",
}


def settings_path() -> Path:
    return paths.config_dir() / FILE_NAME


# --- reading -------------------------------------------------------------------------------
def load(path: Path | None = None) -> tuple[AlertSettings, list[str]]:
    """The settings and the problems found; a missing file means the defaults, silently."""
    path = path or settings_path()
    try:
        raw = _read(path)
    except FileNotFoundError:
        return AlertSettings(), []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return AlertSettings(), [f"{path.name} could not be read ({error}); the default rules apply. Saving the "
                                 f"rules keeps that file as {_kept(path).name}."]
    return parse(raw)


def _read(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _kept(path: Path) -> Path:
    """Where a rules file the console could not read goes when rules are saved: the user's work, not lost."""
    return path.with_suffix(".toml.unreadable")


def parse(raw: dict[str, Any]) -> tuple[AlertSettings, list[str]]:
    problems: list[str] = []
    defaults = AlertSettings()
    rules: dict[str, Any] = {}
    for rule in fields(AlertSettings):
        current = getattr(defaults, rule.name)
        section = raw.get(rule.name, {})
        if not isinstance(section, dict):
            problems.append(f"[{rule.name}] is not a table; its defaults apply.")
            section = {}
        rules[rule.name] = (_phrases(section, problems) if rule.name == "phrases"
                            else _section(rule.name, current, section, problems))
    return AlertSettings(**rules), problems


def _section(name: str, current: Any, section: dict[str, Any], problems: list[str]) -> Any:
    changes = {}
    for item in fields(current):
        if item.name not in section:
            continue
        value = _value(getattr(current, item.name), section[item.name])
        if value is None:
            problems.append(f"{name}.{item.name} = {section[item.name]!r} is not valid; the default applies.")
        else:
            changes[item.name] = value
    return replace(current, **changes)


def _value(default: Any, given: Any) -> Any:
    """`given` converted to the default's type, or None when it cannot be."""
    if isinstance(default, bool):
        return given if isinstance(given, bool) else None
    if isinstance(default, Severity):
        return Severity(given) if given in tuple(Severity) else None
    if isinstance(default, int):
        return given if isinstance(given, int) and not isinstance(given, bool) and given > 0 else None
    if isinstance(default, float):
        ok = isinstance(given, int | float) and not isinstance(given, bool)
        return float(given) if ok else None
    if isinstance(default, tuple):
        ok = isinstance(given, list) and all(isinstance(w, str) and w.strip() for w in given)
        return tuple(w.strip() for w in given) if ok else None
    return None


def _phrases(section: dict[str, Any], problems: list[str]) -> Phrases:
    enabled = _value(True, section.get("enabled", True))
    lists_raw = section.get("lists")
    if lists_raw is None:
        return Phrases(enabled=enabled is not False)
    lists: dict[str, PhraseList] = {}
    if not isinstance(lists_raw, dict):
        problems.append("[phrases.lists] is not a table; the default lists apply.")
        return Phrases(enabled=enabled is not False)
    for name, body in lists_raw.items():
        if not isinstance(body, dict):
            problems.append(f"[phrases.lists.{name}] is not a table; skipped.")
            continue
        lists[name] = _section(f"phrases.lists.{name}", PhraseList(), body, problems)
    return Phrases(enabled=enabled is not False, lists=lists)


# --- writing -------------------------------------------------------------------------------
def to_toml(settings: AlertSettings) -> str:
    lines = ["# Switchboard alert rules. Edit and save; severities are info, warning or critical.",
             "# A value that is not valid falls back to its default (the console says which).", ""]
    for rule in fields(AlertSettings):
        current = getattr(settings, rule.name)
        lines.append(f"# {RULE_TITLES[rule.name]}: {_DOCS[rule.name]}")
        lines.append(f"[{rule.name}]")
        if isinstance(current, Phrases):
            lines.append(f"enabled = {_toml(current.enabled)}")
            for name, phrase_list in current.lists.items():
                lines += ["", f"[phrases.lists.{_key(name)}]",
                          f"severity = {_toml(phrase_list.severity)}", f"words = {_toml(phrase_list.words)}"]
        else:
            lines += [f"{item.name} = {_toml(getattr(current, item.name))}" for item in fields(current)]
        lines.append("")
    return "\n".join(lines)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and not isinstance(value, Severity):
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    # A JSON string (ASCII, \uXXXX escapes) is a valid TOML basic string.
    return json.dumps(str(value))


def _key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() and name.isascii() else json.dumps(name)


def _unreadable(path: Path) -> bool:
    try:
        _read(path)
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True
    return False


def save(settings: AlertSettings, path: Path | None = None) -> Path:
    """Write the file whole or not at all: on OSError (a full disk, a read-only folder) the old file
    is untouched, no temporary file is left, and the error is raised for the caller to say."""
    path = path or settings_path()
    temporary = path.with_suffix(".toml.tmp")
    try:
        temporary.write_text(to_toml(settings), encoding="utf-8")
        if _unreadable(path):
            path.replace(_kept(path))
        temporary.replace(path)  # never a half-written file
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    return path
