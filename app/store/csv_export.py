"""CSV files a spreadsheet opens safely: UTF-8, ISO times, no cell read as a formula, every cell
holding a line break quoted. Every CSV the app writes uses `SpreadsheetCsv`."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TextIO

# A cell starting with one of these is run as a formula by Excel/LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetCsv(csv.excel):
    """RFC 4180: CRLF rows, and the csv module quotes any field holding a character of the row end, so a
    cell with a bare CR or LF stays one cell (never "\n" alone: then a bare CR would go unquoted and a
    spreadsheet would start a new row at it)."""

    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


def formula_safe(text: str) -> str:
    """Text a spreadsheet shows as written instead of running it as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value == value else ""
    return formula_safe(str(value))


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a header and rows; returns how many rows were written."""
    writer = csv.writer(stream, SpreadsheetCsv)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([cell(value) for value in row])
        count += 1
    return count
