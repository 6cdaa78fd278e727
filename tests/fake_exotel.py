"""A fake Exotel that speaks the documented endpoints, and a fake clock, for the client tests."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SID = "ACME01"
KEY = "key-abc"
TOKEN = "SECRET-TOKEN-123"
UPLOAD_PATH = f"/v2/accounts/{SID}/contacts/csv-upload"
BASIC = "Basic " + base64.b64encode(f"{KEY}:{TOKEN}".encode()).decode()


def status_path(upload_id: str) -> str:
    return f"/v2/accounts/{SID}/csv-status/{upload_id}"


def receipt_body(upload_id: str, list_name: str = "spring") -> dict[str, Any]:
    return {
        "request_id": "req-1",
        "method": "POST",
        "http_code": 200,
        "response": [
            {
                "code": 200,
                "error_data": None,
                "status": "success",
                "data": {"upload_id": upload_id, "list_name": list_name, "status": "in-progress"},
            }
        ],
        "summary": {"url": status_path(upload_id)},
    }


def status_body(status: str, stats: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status}
    if stats is not None:
        data["stats"] = stats
    return {"http_code": 200, "response": {"code": 200, "status": "success", "data": data, **extra}}


def counts(total: int, success: int, duplicate: int = 0, failed: int = 0) -> dict[str, int]:
    return {"total": total, "success": success, "duplicate": duplicate, "failed": failed}


@dataclass
class Seen:
    """One upload request as the server parsed it."""

    authorization: str | None
    list_name: str | None
    list_type: str | None
    filename: str | None
    content_type: str | None
    content: bytes
    url: str


@dataclass
class FakeExotel:
    """The documented endpoints on a pytest-httpserver bound to 127.0.0.1."""

    server: HTTPServer
    uploads: list[Seen] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def accept_uploads(self, *upload_ids: str) -> None:
        """Answer each upload with the next id (the last one repeats)."""
        ids = list(upload_ids)

        def handle(request: Request) -> Response:
            upload = request.files.get("file_name")
            self.uploads.append(
                Seen(
                    request.headers.get("Authorization"),
                    request.form.get("list_name"),
                    request.form.get("type"),
                    upload.filename if upload else None,
                    upload.mimetype if upload else None,
                    upload.read() if upload else b"",
                    request.url,
                )
            )
            upload_id = ids.pop(0) if len(ids) > 1 else ids[0]
            body = receipt_body(upload_id, request.form.get("list_name", ""))
            return Response(json.dumps(body), 200, content_type="application/json")

        self.server.expect_request(UPLOAD_PATH, method="POST").respond_with_handler(handle)

    def answer_once(self, path: str, status: int, body: Any = None, **headers: str) -> None:
        text = body if isinstance(body, str) else json.dumps(body or {})
        self.server.expect_oneshot_request(path).respond_with_data(
            text, status, headers=headers, content_type="application/json"
        )

    def statuses(self, upload_id: str, *bodies: dict[str, Any]) -> None:
        """Answer status reads with these bodies in turn; the last one repeats."""
        for body in bodies[:-1]:
            self.server.expect_oneshot_request(
                status_path(upload_id), method="GET"
            ).respond_with_json(body)
        self.server.expect_request(status_path(upload_id), method="GET").respond_with_json(
            bodies[-1]
        )

    def requests_to(self, path: str) -> int:
        return sum(1 for request, _ in self.server.log if request.path == path)


@dataclass
class FakeTime:
    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


ENV = {"EXOTEL_API_KEY": KEY, "EXOTEL_API_TOKEN": TOKEN, "EXOTEL_ACCOUNT_SID": SID}
