"""csvcheck: get a contacts CSV ready for Exotel's bulk contact upload.

Check a file or a polars frame the way Exotel will, get the upload-ready rows, the rejected
rows with reasons, and a report of findings with stable codes.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# polars' allocator (jemalloc) keeps freed pages for a second as "muzzy" pages, which still
# count in the process's resident memory; batch after batch of a large file they made the
# peak ~30 MB (10%) higher. Returning them at once costs no measurable time. polars reads
# this when it is first imported and appends it to its own settings; a value the user set
# is kept.
os.environ.setdefault("_RJEM_MALLOC_CONF", "muzzy_decay_ms:0")

__version__ = "0.1.0"

from .answers import UploadReceipt, UploadStatus
from .errors import (
    ConfigError,
    CsvcheckError,
    InputError,
    NotTextError,
    OutputError,
    UploadError,
    UploadTimeoutError,
    UsageError,
)
from .phones import normalize_numbers
from .pipeline import CheckResult, check_bytes, check_file, check_frame
from .report import (
    Code,
    Columns,
    Example,
    Finding,
    InputInfo,
    Outputs,
    Part,
    Report,
    Severity,
    Stats,
)
from .rules import ListType, Rules

if TYPE_CHECKING:
    from .client import ExotelClient


def __getattr__(name: str) -> Any:
    # ExotelClient is imported on first use: httpx is slow to import and `check` needs none.
    if name == "ExotelClient":
        from .client import ExotelClient

        return ExotelClient
    raise AttributeError(f"module 'csvcheck' has no attribute {name!r}")


def contact_schema(
    list_type: ListType | str = ListType.STATIC, *, max_variables: int = 5
) -> object:
    """The pandera schema of a clean frame (imported on first use: pandera is slow to import)."""
    from .schema import contact_schema as build

    return build(list_type, max_variables=max_variables)


__all__ = [
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
