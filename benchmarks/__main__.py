"""`python -m benchmarks`: run every benchmark, write benchmarks/results.json and print the table."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType

from benchmarks import (
    alert_latency,
    hub,
    list_parse,
    listen,
    listen_transcript,
    review_queue,
    search,
    startup,
    stretch,
    ui_live,
    waveform,
)
from benchmarks.runner import RESULTS, WORK, Result, machine, table, write_results

BENCHMARKS: dict[str, ModuleType] = {
    "list_parse": list_parse,
    "waveform": waveform,
    "search": search,
    "listen": listen,
    "listen_transcript": listen_transcript,
    "ui_live": ui_live,
    "startup": startup,
    "hub": hub,
    "alert_latency": alert_latency,
    "stretch": stretch,
    "review_queue": review_queue,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"run only these ({', '.join(BENCHMARKS)}); default all")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks they run, measures nothing")
    parser.add_argument("--work", type=Path, default=WORK, help="folder for generated inputs (kept between runs)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON rows")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})")
    print(f"Machine: {machine()}", flush=True)
    results: list[Result] = []
    failed: list[str] = []
    began = time.monotonic()
    for name in args.names or BENCHMARKS:
        module = BENCHMARKS[name]
        started = time.monotonic()
        print(f"{name} …", end=" ", flush=True)
        try:
            rows = module.measure(module.SMOKE if args.smoke else module.FULL, args.work)
        except Exception:
            print("FAILED")
            traceback.print_exc()
            failed.append(name)
            continue
        print(f"{time.monotonic() - started:.0f} s", flush=True)
        results.extend(rows)
    write_results(results, args.out)
    print(f"\n{table(results)}\n\n{len(results)} rows in {time.monotonic() - began:.0f} s -> {args.out}")
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
