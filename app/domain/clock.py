"""How every screen, export and tooltip writes a moment of a call: m:ss, h:mm:ss past an hour."""

from __future__ import annotations


def clock(seconds: float, decimals: int = 0) -> str:
    seconds = max(0.0, seconds)
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    secs = f"{rest:0{3 + decimals}.{decimals}f}" if decimals else f"{int(rest):02d}"
    return f"{hours}:{minutes:02d}:{secs}" if hours else f"{minutes}:{secs}"
