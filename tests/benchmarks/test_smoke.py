"""Every benchmark at tiny sizes, through `python -m benchmarks --smoke`: they run and their rows are
well-formed. No timing is asserted here; the figures live in benchmarks/results.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks.__main__ import BENCHMARKS, main
from benchmarks.runner import percentile

ROW_KEYS = {"name", "unit", "ours", "peer", "peer_name", "ratio"}


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_smoke_run_writes_well_formed_rows(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.json"
    assert main(["--smoke", name, "--work", str(tmp_path / "work"), "--out", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert rows, f"{name} wrote no rows"
    printed = capsys.readouterr().out
    for row in rows:
        assert set(row) == ROW_KEYS
        assert row["name"].startswith(BENCHMARKS[name].NAME)
        assert isinstance(row["unit"], str) and row["unit"]
        assert isinstance(row["peer_name"], str) and row["peer_name"]
        assert row["ours"] > 0 and row["peer"] > 0, row
        assert math.isclose(row["ratio"], row["ours"] / row["peer"], rel_tol=0.01), row
        assert f"| {row['name']} |" in printed


def test_unknown_benchmark_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--smoke", "no_such_benchmark"])
    assert exit_info.value.code == 2
    assert "unknown benchmark no_such_benchmark" in capsys.readouterr().err


def test_percentile_is_nearest_rank() -> None:
    samples = [float(v) for v in range(1, 101)]
    assert percentile(samples, 0.99) == 99.0
    assert percentile(samples, 0.5) == 50.0
    assert percentile([7.0], 0.99) == 7.0
    with pytest.raises(ValueError):
        percentile([], 0.5)
