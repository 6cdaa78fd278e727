"""Time csvcheck against the floor and the baseline a user would write, as whole processes.

    python bench/run.py [--runs 5] [--rows 500000] [--work /tmp/csvcheck-bench-phones]

Generates the contacts file (fixed seed, bench/generate.py) unless it exists, then runs, in
alternation so machine noise hits all three alike, each ``--runs`` times:

  (a) floor     python -c: polars read_csv of the file, every column as a string
  (b) baseline  python -c: pandas read_csv + apply(phonenumbers parse/is_valid/format)
                + drop_duplicates
  (c) csvcheck  python -m csvcheck check FILE --out DIR

and prints a Markdown table: median seconds, µs per row, ratio to (a), speed-up over (b),
peak RSS (from wait4 of each run) and peak RSS over the file size.

csvcheck's modules are byte-compiled first, as ``pip install`` does: run from the source
tree with PYTHONDONTWRITEBYTECODE set (as on this machine), every start would otherwise
compile them again (~0.08 s) where an installed csvcheck does not.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generate import generate

ROOT = Path(__file__).resolve().parent.parent

FLOOR = """
import sys, polars as pl
frame = pl.read_csv(sys.argv[1], infer_schema=False)
print(frame.height)
"""

BASELINE = """
import sys, pandas as pd, phonenumbers
def e164(value):
    try:
        number = phonenumbers.parse(value, "IN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
frame["number"] = frame["Mobile Number"].apply(e164)
clean = frame.dropna(subset=["number"]).drop_duplicates(subset=["number"])
print(len(clean))
"""


@dataclass(frozen=True, slots=True)
class Timing:
    """One whole-process run."""

    seconds: float
    peak_rss: int
    """Peak resident set size in bytes."""
    exit_code: int


def run_once(command: list[str]) -> Timing:
    """Run a command to its end; wall time and its own peak RSS (wait4, not the shell's)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Timing(seconds, usage.ru_maxrss * 1024, process.returncode)


def commands(path: Path, work: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "(a) polars read_csv (floor)": [python, "-c", FLOOR, str(path)],
        "(b) pandas + phonenumbers apply": [python, "-c", BASELINE, str(path)],
        "(c) csvcheck check --out": [
            python,
            "-m",
            "csvcheck",
            "check",
            str(path),
            "--out",
            str(work / "out"),
        ],
    }


def measure(path: Path, work: Path, runs: int) -> dict[str, list[Timing]]:
    timings: dict[str, list[Timing]] = {name: [] for name in commands(path, work)}
    for round_ in range(runs):
        for name, command in commands(path, work).items():
            shutil.rmtree(work / "out", ignore_errors=True)
            timing = run_once(command)
            timings[name].append(timing)
            print(f"run {round_ + 1}/{runs} {name}: {timing.seconds:.2f} s", file=sys.stderr)
    return timings


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}, {platform.platform()}"


def table(timings: dict[str, list[Timing]], rows: int, size: int) -> str:
    medians = {name: statistics.median(t.seconds for t in runs) for name, runs in timings.items()}
    floor, baseline, *_ = medians.values()
    lines = [
        "| run | median s | µs/row | ratio to (a) | speed-up over (b) | peak RSS MB | RSS / file |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, runs in timings.items():
        median = medians[name]
        rss = max(t.peak_rss for t in runs)
        lines.append(
            f"| {name} | {median:.2f} | {median / rows * 1e6:.2f} | {median / floor:.2f} "
            f"| {baseline / median:.1f} | {rss / 2**20:.0f} | {rss / size:.2f} |"
        )
    return "\n".join(lines)


def compile_like_pip() -> None:
    """Byte-compile csvcheck's modules, as pip install does for an installed csvcheck."""
    compileall.compile_dir(ROOT / "csvcheck", quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--work", type=Path, default=Path("/tmp/csvcheck-bench-phones"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    path = args.work / f"contacts-{args.rows}-{args.seed}.csv"
    if not path.exists():
        generate(path, args.rows, args.seed)
    compile_like_pip()
    timings = measure(path, args.work, args.runs)
    codes = {name: sorted({t.exit_code for t in runs}) for name, runs in timings.items()}
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}")
    print(
        f"file: {path.name}, {args.rows:,} rows, {path.stat().st_size:,} bytes; runs: {args.runs}"
    )
    print(f"exit codes: {codes}\n")
    print(table(timings, args.rows, path.stat().st_size))


if __name__ == "__main__":
    main()
