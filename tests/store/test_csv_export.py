"""The one CSV dialect every export uses: a cell holding CR or LF stays one quoted cell."""

from __future__ import annotations

import csv
import io

from app.store.csv_export import write_csv


def test_cells_with_a_bare_cr_or_lf_are_quoted_and_read_back_whole():
    out = io.StringIO()
    assert write_csv(out, ["name", "note"], [["line\r=1+1", "a\nb"], ["plain", "x"]]) == 2
    text = out.getvalue()
    assert '"line\r\'=1+1"' not in text and '"line\r=1+1"' in text and '"a\nb"' in text
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["name", "note"], ["line\r=1+1", "a\nb"], ["plain", "x"]]
