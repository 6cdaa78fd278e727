"""Time read.parse (fast reader) against the csv-module reader and polars on a generated file.

    python bench/bench_read.py [ROWS]     # default 500,000 rows (~50 MB)

Generates its own contacts file in a temporary folder; prints the best of three runs of each
reader and the peak memory (resident set) of a fresh process that reads the file once.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from csvcheck.read import parse, parse_with_csv
from csvcheck.sniff import sniff

HEADER = "number,first_name,last_name,company_name,email,tag,city,notes\n"


def contacts(rows: int, seed: int = 7, quoting: str = "some") -> bytes:
    """A contacts CSV of about 100 bytes a row.

    ``quoting``: "some" (one row in five has a quoted field with commas), "none" (no quote
    anywhere) or "all" (every field quoted, as some CRM exports do).
    """
    rng = random.Random(seed)
    names = ["Asha", "Ravi", "José", "Müller", "Zoë", "Li", "Fatima", "Arjun"]
    lines = [HEADER]
    for i in range(rows):
        first, last = rng.choice(names), rng.choice(names)
        notes = f'"called {i % 7} times, left message"' if i % 5 == 0 else "no answer"
        fields = [
            f"+9198{rng.randrange(10**8):08d}",
            first,
            last,
            f"Acme Traders {i % 100}",
            f"{first.lower()}{i}@example.com",
            "lead",
            "Bengaluru",
            notes,
        ]
        if quoting == "none":
            fields[-1] = fields[-1].replace('"', "").replace(",", ";")
        elif quoting == "all":
            fields = [f if f.startswith('"') else f'"{f}"' for f in fields]
        lines.append(",".join(fields) + "\n")
    return "".join(lines).encode("utf-8")


def timed(label: str, run: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<34} {best:6.2f} s")
    return best


def peak_memory(path: Path) -> None:
    """Run sniff + parse on the file in a fresh process and print its peak resident set."""
    # VmHWM (peak resident set, kB) starts afresh in the new process, unlike ru_maxrss.
    code = (
        "import re, sys; from pathlib import Path; from csvcheck.read import parse; "
        "from csvcheck.sniff import sniff; import polars\n"
        "def hwm(): return int(re.search(r'VmHWM:\\s+(\\d+)', "
        "Path('/proc/self/status').read_text()).group(1))\n"
        "base = hwm(); parse(sniff(Path(sys.argv[1]).read_bytes())); "
        "print(base / 1e3, hwm() / 1e3)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    )
    base, peak = map(float, out.stdout.split())
    size = path.stat().st_size / 1e6
    print(
        f"peak memory reading {size:.0f} MB: {peak:.0f} MB resident "
        f"({peak - base:.0f} MB above the {base:.0f} MB of imports, {(peak - base) / size:.1f}x the file)"
    )


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
        peak_memory(path)
    for quoting in ("none", "all"):
        variant = contacts(rows, quoting=quoting)
        print(f"-- quoting={quoting}: {len(variant) / 1e6:.1f} MB")
        timed("polars read_csv (all strings)", lambda v=variant: pl.read_csv(v, infer_schema=False))
        quoted = sniff(variant)
        timed("read.parse (new reader)", lambda q=quoted: parse(q))


if __name__ == "__main__":
    main()
