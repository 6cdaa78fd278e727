"""The public API is deliberate: a frozen, sorted __all__; and what importing it changes."""

from __future__ import annotations

import os
import subprocess
import sys

import csvcheck

PUBLIC = [
    "CheckResult",
    "Code",
    "Columns",
    "ConfigError",
    "CsvcheckError",
    "Example",
    "ExotelClient",
    "Finding",
    "InputError",
    "InputInfo",
    "ListType",
    "NotTextError",
    "OutputError",
    "Outputs",
    "Part",
    "Report",
    "Rules",
    "Severity",
    "Stats",
    "UploadError",
    "UploadReceipt",
    "UploadStatus",
    "UploadTimeoutError",
    "UsageError",
    "__version__",
    "check_bytes",
    "check_file",
    "check_frame",
    "contact_schema",
    "normalize_numbers",
]


def test_all_is_frozen() -> None:
    assert csvcheck.__all__ == PUBLIC


def test_all_is_sorted() -> None:
    assert csvcheck.__all__ == sorted(csvcheck.__all__)


def test_every_public_name_exists() -> None:
    missing = [name for name in csvcheck.__all__ if not hasattr(csvcheck, name)]
    assert missing == []


def test_errors_share_one_base() -> None:
    for name in (
        "ConfigError",
        "InputError",
        "NotTextError",
        "OutputError",
        "UploadError",
        "UsageError",
    ):
        assert issubclass(getattr(csvcheck, name), csvcheck.CsvcheckError)


def _allocator_setting(environment: dict[str, str]) -> str:
    code = "import os, csvcheck; print(os.environ['_RJEM_MALLOC_CONF'])"
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_importing_csvcheck_returns_freed_memory_at_once_unless_the_user_chose() -> None:
    base = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    assert _allocator_setting(base).endswith("muzzy_decay_ms:0")
    chosen = _allocator_setting(base | {"_RJEM_MALLOC_CONF": "muzzy_decay_ms:250"})
    assert chosen.endswith("muzzy_decay_ms:250")
    assert "muzzy_decay_ms:0" not in chosen
