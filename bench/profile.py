"""Where the time of one ``csvcheck check FILE --out DIR`` goes, stage by stage.

    python bench/profile.py FILE [--out DIR]

Wraps the pipeline's stage functions with wall-clock timers (nested stages are included in
their callers' times) and prints them, slowest first, on stderr. For imports use
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
from types import ModuleType
from typing import Any

START = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from csvcheck import cli, output, phones, pipeline  # noqa: E402

STAGES: list[tuple[ModuleType, str]] = [
    (pipeline, "read_input"),
    (pipeline, "sniff"),
    (pipeline, "parse"),
    (pipeline, "evaluate"),
    (pipeline, "_decide_rows"),
    (pipeline, "_row_findings"),
    (phones, "_normalize_series"),
    (phones, "_classified"),
    (phones, "_fast"),
    (phones, "_slow"),
    (output, "write_outputs"),
]
SECONDS: dict[str, float] = {"import csvcheck": time.perf_counter() - START}


def timed(module: ModuleType, name: str) -> None:
    """Replace ``module.name`` by the same function that adds its time to SECONDS."""
    function: Callable[..., Any] = getattr(module, name)

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        begin = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            key = f"{module.__name__}.{name}"
            SECONDS[key] = SECONDS.get(key, 0.0) + time.perf_counter() - begin

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/tmp/csvcheck-profile-out"))
    args = parser.parse_args()
    for module, name in STAGES:
        timed(module, name)
    with contextlib.suppress(SystemExit):  # the exit code does not matter here
        cli.main(["check", str(args.path), "--out", str(args.out)], standalone_mode=False)
    SECONDS["total"] = time.perf_counter() - START
    for name, seconds in sorted(SECONDS.items(), key=lambda item: -item[1]):
        print(f"{seconds:7.3f} s  {name}", file=sys.stderr)


if __name__ == "__main__":
    main()
