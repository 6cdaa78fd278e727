"""Time read.parse (fast reader) against the csv-module reader and polars on a generated file.

    python bench/bench_read.py [ROWS]     # default 500,000 rows (~50 MB)

Generates its own contacts file in a temporary folder; prints seconds and peak memory.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import polars as pl

from csvcheck.read import parse, parse_with_csv
from csvcheck.sniff import sniff

HEADER = "number,first_name,last_name,company_name,email,tag,city,notes\n"


def contacts(rows: int, seed: int = 7) -> bytes:
    """A contacts CSV of about 100 bytes a row; some fields quoted with commas inside."""
    rng = random.Random(seed)
    names = ["Asha", "Ravi", "José", "Müller", "Zoë", "Li", "Fatima", "Arjun"]
    lines = [HEADER]
    for i in range(rows):
        first, last = rng.choice(names), rng.choice(names)
        notes = f'"called {i % 7} times, left message"' if i % 5 == 0 else "no answer"
        lines.append(
            f"+9198{rng.randrange(10**8):08d},{first},{last},Acme Traders {i % 100},"
            f"{first.lower()}{i}@example.com,lead,Bengaluru,{notes}\n"
        )
    return "".join(lines).encode("utf-8")


def timed(label: str, run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:6.2f} s")
    return seconds


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    data = contacts(rows)
    print(f"{rows:,} rows, {len(data) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.csv"
        path.write_bytes(data)
        timed("polars read_csv (all strings)", lambda: pl.read_csv(path, infer_schema=False))
    sniffed = sniff(data)
    timed("sniff", lambda: sniff(data))
    timed("read.parse_with_csv (old reader)", lambda: parse_with_csv(sniffed.text, ","))
    timed("read.parse (new reader)", lambda: parse(sniffed))
    tracemalloc.start()
    parse(sniffed)
    _, peak = tracemalloc.get_traced_memory()
    print(f"read.parse peak Python allocations: {peak / 1e6:.0f} MB (polars buffers not counted)")


if __name__ == "__main__":
    main()
