"""The public API is deliberate: a frozen, sorted __all__."""

from __future__ import annotations

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
