"""What one file of a check run gave: a report, or the reason it could not be checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .report import Report


@dataclass(frozen=True, slots=True)
class NotChecked:
    """A file that could not be checked (missing, unreadable, not text): exit 3."""

    path: str
    """The path as given on the command line."""
    message: str
    """The one-line error, the same as on stderr."""


Outcome = Report | NotChecked
"""The result for one file of a run over several."""


def relative_path(path: str) -> str:
    """A path relative to the working folder when it is inside it, with forward slashes.

    GitHub annotations and SARIF locations must name files relative to the repository root,
    which is the working folder of a CI step or a pre-commit hook.
    """
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            return candidate.as_posix()
    return candidate.as_posix()
