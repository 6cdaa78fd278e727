"""Time the reading side of a batched check, stage by stage, as stream.check_large runs it.

    python bench/read_stages.py FILE [RUNS]      # from the project root; RUNS defaults to 3

Stages: confirm_encoding (decode check and SHA-256 of the whole file), chunks (cutting the
file into batches), parse (each batch with the header in front) and rows.with_problems.
Prints the best of RUNS for each stage, in wall seconds and in process CPU seconds, and the
peak RSS of this process. Not part of the test run.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, os.getcwd())

from csvcheck import batches, read, rows, stream

T = TypeVar("T")
STAGES = ("confirm", "chunks", "parse", "with_problems")


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def one_run(path: Path) -> tuple[dict[str, float], dict[str, float], int]:
    wall = dict.fromkeys(STAGES, 0.0)
    cpu = dict.fromkeys(STAGES, 0.0)

    def timed(stage: str, work: Callable[..., T], *args: Any) -> T:
        started, used = time.perf_counter(), _cpu()
        result = work(*args)
        wall[stage] += time.perf_counter() - started
        cpu[stage] += _cpu() - used
        return result

    sniffed = batches.sniff_start(path, None, None)
    if sniffed is None:
        raise SystemExit(f"{path}: not a file the batched check reads")
    timed("confirm", batches.confirm_encoding, path, sniffed.encoding)
    sniffed = replace(sniffed, text="")
    pieces = batches.chunks(path, sniffed, stream.BATCH_BYTES)
    prefix, records = "", 0
    while (chunk := timed("chunks", next, pieces, None)) is not None:
        offset = chunk.first_line - (stream._breaks(prefix) + 1) if prefix else 0
        batch = chunk.behind(prefix.encode())
        delimiter = sniffed.delimiter
        parsed = timed("parse", read.parse_utf8, batch.data, delimiter, offset, batch.breaks)
        if not prefix:
            prefix = stream._header_line(parsed.header, sniffed.delimiter)
        records += timed("with_problems", rows.with_problems, parsed).height
    return wall, cpu, records


def main() -> None:
    path, runs = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3
    best_wall: dict[str, float] = {}
    best_cpu: dict[str, float] = {}
    for _ in range(runs):
        wall, cpu, records = one_run(path)
        best_wall = {s: min(wall[s], best_wall.get(s, wall[s])) for s in STAGES}
        best_cpu = {s: min(cpu[s], best_cpu.get(s, cpu[s])) for s in STAGES}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(" ".join(f"{s}={best_wall[s]:.3f}" for s in STAGES), end=" ")
    print(f"reading={sum(best_wall.values()):.3f} s | cpu {sum(best_cpu.values()):.2f} s", end=" ")
    print(f"| {records} records, peak RSS {peak} MB")


if __name__ == "__main__":
    main()
