"""Measured comparisons of Switchboard against what a user would otherwise use (`make bench`).

One module per benchmark, each with `FULL` and `SMOKE` sizes and `measure(sizes, work) -> list[Result]`;
benchmarks.runner holds the shared timing, the result rows, results.json and the table.
"""
