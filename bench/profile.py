"""Where the time of one ``csvcheck check FILE --out DIR`` goes, stage by stage.

    python bench/profile.py FILE [--out DIR]

Wraps the pipeline's stage functions with wall-clock timers (nested stages are included in
their callers' times) and prints them, slowest first, on stderr. Batches are checked one at
a time here (``--parallel`` keeps the worker threads, whose stage times then overlap). For imports use
``python -X importtime -m csvcheck --help``; for a call tree,
``python -m cProfile -s cumtime -m csvcheck check FILE --out DIR``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

START = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from csvcheck import (  # noqa: E402
    cli,
    findings,
    phonefast,
    phoneown,
    phones,
    pipeline,
    rows,
    stream,
)

# (owner, attribute): where the caller looks the function up, so that the wrapper is used.
STAGES: list[tuple[Any, str]] = [
    (stream, "confirm_encoding"),
    (stream, "parse_utf8"),
    (rows, "with_problems"),
    (rows, "decide_rows"),
    (phones, "_normalize_series"),
    (phones, "_classified"),
    (phonefast, "decide"),
    (phoneown, "decide"),
    (phonefast, "_decide"),
    (phones, "_hints"),
    (phones, "_slow"),
    (rows, "carry_duplicates"),
    (findings, "row_findings"),
    (stream._BatchedCheck, "_write"),
    (stream._BatchedCheck, "absorb"),
    (pipeline, "evaluate"),
]
SECONDS: dict[str, float] = {"import csvcheck": time.perf_counter() - START}


def timed(owner: Any, name: str) -> None:
    """Replace ``owner.name`` by the same function that adds its time to SECONDS."""
    function: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        begin = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            key = f"{owner.__name__}.{name}"
            SECONDS[key] = SECONDS.get(key, 0.0) + time.perf_counter() - begin

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/tmp/csvcheck-profile-out"))
    parser.add_argument("--parallel", action="store_true", help="keep the worker threads")
    args = parser.parse_args()
    if not args.parallel:  # one worker and none ahead: each batch prepared, then absorbed
        stream.WORKERS, stream.AHEAD = 1, 0
    for owner, name in STAGES:
        timed(owner, name)
    with contextlib.suppress(SystemExit):  # the exit code does not matter here
        cli.main(["check", str(args.path), "--out", str(args.out)], standalone_mode=False)
    SECONDS["total"] = time.perf_counter() - START
    for name, seconds in sorted(SECONDS.items(), key=lambda item: -item[1]):
        print(f"{seconds:7.3f} s  {name}", file=sys.stderr)


if __name__ == "__main__":
    main()
