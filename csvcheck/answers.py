"""Exotel's JSON answers, read tolerantly, and the records csvcheck makes of them.

``response`` may be one object or a list; counts may be under ``Stats`` or ``stats`` and named
``total/success/duplicate/failed`` or ``total_records/success_count/duplicate_count/
failure_count``; error text comes in ``error_data``. Nothing here touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from .report import Stats

TERMINAL = frozenset({"completed", "failed", "error"})
"""Statuses after which an upload changes no more."""
COUNT_NAMES = {
    "total": ("total", "total_records", "total_count"),
    "success": ("success", "success_count"),
    "duplicate": ("duplicate", "duplicate_count", "duplicates"),
    "failed": ("failed", "failure_count", "failed_count", "failure"),
}


@dataclass(frozen=True, slots=True)
class UploadReceipt:
    """Exotel's answer to an upload: the file was taken and is processed in the background."""

    upload_id: str
    """The id to follow the upload with (``csvcheck status ID``)."""
    list_name: str
    """The list the contacts go to."""
    list_type: str
    """``static`` or ``dynamic``."""
    file: str
    """The file that was sent."""
    status: str
    """The status Exotel gave at once, usually ``in-progress``."""
    status_url: str
    """Where the status is read (always on the host the file went to)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class UploadStatus:
    """Where an upload stands, as Exotel reports it."""

    upload_id: str
    """The upload this is about."""
    status: str
    """``in-progress``, ``completed``, ``failed``, ``error``, or another word Exotel sent."""
    stats: Stats | None = None
    """Exotel's counts (total, success, duplicate, failed), when it sent them."""
    messages: tuple[str, ...] = ()
    """Error text Exotel sent (``error_data``), for a person to read."""

    @property
    def finished(self) -> bool:
        """True once the status is final: completed, failed or error."""
        return self.status in TERMINAL

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "upload_id": self.upload_id,
            "status": self.status,
            "stats": asdict(self.stats) if self.stats is not None else None,
            "messages": list(self.messages),
        }


def first_item(body: Mapping[str, Any]) -> dict[str, Any]:
    """``response`` may be one object or a list of them: the first object."""
    found = body.get("response")
    if isinstance(found, list):
        found = next((item for item in found if isinstance(item, dict)), None)
    return found if isinstance(found, dict) else {}


def data_of(item: Mapping[str, Any]) -> dict[str, Any]:
    found = item.get("data")
    if isinstance(found, list):
        found = next((entry for entry in found if isinstance(entry, dict)), None)
    return found if isinstance(found, dict) else {}


def summary_url(body: Mapping[str, Any]) -> str | None:
    for holder in (body, first_item(body)):
        summary = holder.get("summary")
        if isinstance(summary, dict) and isinstance(summary.get("url"), str):
            return str(summary["url"])
    return None


def upload_id_in(
    body: Mapping[str, Any], item: Mapping[str, Any], data: Mapping[str, Any]
) -> str | None:
    for holder in (data, item):
        for key in ("upload_id", "uploadId", "id", "sid"):
            value = holder.get(key)
            if isinstance(value, str | int) and str(value).strip():
                return str(value).strip()
    url = summary_url(body)
    if url:
        last = urlsplit(url).path.rstrip("/").rpartition("/")[2]
        return last or None
    return None


def status_word(item: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    """The upload's status, lower-case with hyphens; the envelope's "success" is not one."""
    for holder in (data, item):
        for key in ("status", "Status", "upload_status"):
            value = holder.get(key)
            if isinstance(value, str) and value.strip():
                word = re.sub(r"[\s_]+", "-", value.strip().lower())
                word = {"inprogress": "in-progress", "complete": "completed"}.get(word, word)
                if holder is item and word not in TERMINAL | {"in-progress"}:
                    continue
                return word
    return "unknown"


def stats_in(item: Mapping[str, Any], data: Mapping[str, Any]) -> Stats | None:
    for holder in (data, item):
        raw = holder.get("Stats", holder.get("stats"))
        if isinstance(raw, dict):
            counts = {
                name: next((as_int(raw.get(key)) for key in keys if key in raw), None)
                for name, keys in COUNT_NAMES.items()
            }
            if any(value is not None for value in counts.values()):
                return Stats(**{name: value or 0 for name, value in counts.items()})
    return None


def as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | str):
        try:
            return int(float(value))
        except ValueError:
            return None
    return None


def error_messages(body: Mapping[str, Any]) -> tuple[str, ...]:
    """Texts from ``error_data`` (on the body or on any response item), for a person."""
    found = body.get("response")
    items = found if isinstance(found, list) else [found]
    holders = [body, *(item for item in items if isinstance(item, dict))]
    messages: list[str] = []
    for holder in holders:
        error = holder.get("error_data")
        if isinstance(error, str) and error.strip():
            messages.append(error.strip())
        elif isinstance(error, dict):
            parts = [str(error[k]).strip() for k in ("message", "description") if error.get(k)]
            if parts:
                messages.append(": ".join(dict.fromkeys(parts)))
    return tuple(dict.fromkeys(messages))
