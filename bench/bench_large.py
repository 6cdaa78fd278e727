"""Benchmark: check and split a large master file as a user would, and measure it.

Generates a contacts CSV (5,000,000 rows, about 500 MB, fixed seed) unless it exists, then
times ``python -m csvcheck check FILE --out DIR --type dynamic`` as a whole process and
reports seconds, rows per second and the process's peak RSS. Not part of the test run.
csvcheck is byte-compiled first, as pip install does (see run.py).

    python bench/bench_large.py                       # 5M rows, mostly distinct numbers
    python bench/bench_large.py --rows 1000000        # a smaller run
    python bench/bench_large.py --distinct 10000      # mostly repeated numbers: shows the
                                                      # batching overhead apart from
                                                      # number normalization
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
FIRST = ["Asha", "Ravi", "Meera", "Arjun", "Priya", "Vikram", "Neha", "Rahul", "Sana", "Kabir"]
LAST = ["Sharma", "Iyer", "Khan", "Patel", "Reddy", "Das", "Singh", "Nair", "Gupta", "Bose"]
CITY = ["Mumbai", "Delhi", "Bengaluru", "Chennai", "Kolkata", "Pune", "Jaipur", "Kochi"]


def generate(path: Path, rows: int, distinct: int, seed: int) -> None:
    """A dynamic-list export: number (in mixed spellings), names, email, tag and 2 variables."""
    rng = np.random.default_rng(seed)
    pool = rng.choice(900_000_000, size=min(distinct, 900_000_000), replace=False) + 9_000_000_000
    numbers = pl.Series(pool[rng.integers(0, len(pool), rows)]).cast(pl.String)
    spelling = pl.Series(rng.integers(0, 4, rows))
    first = pl.Series(np.array(FIRST)[rng.integers(0, len(FIRST), rows)])
    last = pl.Series(np.array(LAST)[rng.integers(0, len(LAST), rows)])
    frame = pl.DataFrame({"n": numbers, "s": spelling, "first_name": first, "last_name": last})
    frame = frame.with_row_index("i").select(
        pl.when(pl.col("s") == 0)
        .then("+91" + pl.col("n"))
        .when(pl.col("s") == 1)
        .then(pl.col("n").str.slice(0, 5) + " " + pl.col("n").str.slice(5))
        .otherwise(pl.col("n"))
        .alias("Mobile"),
        pl.col("first_name").alias("First Name"),
        "last_name",
        (
            pl.col("first_name").str.to_lowercase()
            + "."
            + pl.col("i").cast(pl.String)
            + "@example.com"
        ).alias("email"),
        pl.format("batch-{}", pl.col("i") % 50).alias("tag"),
        pl.Series("city", np.array(CITY)[rng.integers(0, len(CITY), rows)]),
        pl.format("customer since {}, prefers calls", 2000 + pl.col("i") % 25).alias("note"),
    )
    frame.write_csv(path)


def measure(path: Path, out_dir: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS (MB) and exit code of one check as a separate process."""
    command = [sys.executable, "-m", "csvcheck", "check", str(path), "--out", str(out_dir)]
    command += ["--type", "dynamic", "--format", "json"]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    # This child's own rusage (wait4), not RUSAGE_CHILDREN, which is the largest of all the
    # children so far, the generator's included.
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument(
        "--distinct", type=int, default=None, help="distinct numbers (default: rows)"
    )
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--file", type=Path, default=None, help="where the input is (re)used")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "csvcheck-bench-large",
        help="folder for the generated input and the outputs",
    )
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    distinct = args.distinct or args.rows
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    path = args.file or work / f"master-{args.rows}-{distinct}-{args.seed}.csv"
    if args.generate_only:
        generate(path, args.rows, distinct, args.seed)
        return
    compileall.compile_dir(ROOT / "csvcheck", quiet=1)  # as pip install does
    if not path.exists():
        # In a process of its own: a parent holding the generated frame would lend its pages
        # to the measured child's peak RSS at spawn time.
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--generate-only"], check=True)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    out_dir = work / "out"
    shutil.rmtree(out_dir, ignore_errors=True)
    seconds, peak_mb, code = measure(path, out_dir)
    size_mb = path.stat().st_size / 1e6
    parts = sorted(out_dir.glob("*.part-*.csv")) or sorted(out_dir.glob("*.clean.csv"))
    print(
        f"rows {args.rows:,} (distinct numbers {distinct:,}), input {size_mb:,.0f} MB: "
        f"{seconds:.1f} s, {args.rows / seconds:,.0f} rows/s, peak RSS {peak_mb:,.0f} MB "
        f"({peak_mb / size_mb:.2f}x input), {len(parts)} part(s), exit {code}"
    )


if __name__ == "__main__":
    main()
