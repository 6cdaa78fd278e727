"""Exceptions raised when csvcheck could not run (data problems are findings, not exceptions).

CsvcheckError
 ├── InputError          the input could not be read as a CSV (exit 3)
 │    └── NotTextError   the input is not text: a workbook, an archive, a binary
 ├── OutputError         an output could not be written
 ├── ConfigError         a required setting (an environment variable) is missing or wrong
 ├── UsageError          an option has a value csvcheck cannot use (exit 2)
 └── UploadError         the upload or status request failed
      └── UploadTimeoutError   an upload did not reach a final status in time
"""

from __future__ import annotations


class CsvcheckError(Exception):
    """Base of every error csvcheck raises on purpose."""


class InputError(CsvcheckError):
    """The input could not be read as a CSV file."""


class NotTextError(InputError):
    """The input is not a text file (a workbook, an archive, an image or another binary)."""


class OutputError(CsvcheckError):
    """An output file could not be written."""


class ConfigError(CsvcheckError):
    """A required setting is missing or has a value csvcheck cannot use."""


class UploadError(CsvcheckError):
    """The upload or a status request failed."""


class UsageError(CsvcheckError):
    """An option has a value csvcheck cannot use (exit 2 on the command line)."""


class UploadTimeoutError(UploadError):
    """An upload did not reach a final status within the time allowed; it may still finish."""

    def __init__(self, upload_id: str, last_status: str, timeout: float) -> None:
        super().__init__(
            f"upload {upload_id} is still {last_status} after {timeout:g} s; "
            f"follow it with: csvcheck status {upload_id}"
        )
        self.upload_id = upload_id
        """The upload to follow later."""
        self.last_status = last_status
        """The status at the last look."""
