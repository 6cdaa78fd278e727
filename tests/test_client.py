"""The Exotel client against a real HTTP server on 127.0.0.1 that speaks the documented API.

Time is injected (a fake clock and sleep), so backoff and polling cost nothing.
"""

from __future__ import annotations

import json
import socket
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import csvcheck
from csvcheck import ConfigError, ExotelClient, Stats, UploadError, UploadTimeoutError, UsageError
from csvcheck.client import PollPolicy, RetryPolicy

from .fake_exotel import (
    BASIC,
    ENV,
    KEY,
    TOKEN,
    UPLOAD_PATH,
    FakeExotel,
    FakeTime,
    counts,
    receipt_body,
    status_body,
    status_path,
)


@pytest.fixture
def exotel(httpserver_ipv4: HTTPServer) -> Iterator[FakeExotel]:
    yield FakeExotel(httpserver_ipv4)
    httpserver_ipv4.clear()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(exotel: FakeExotel, fake_time: FakeTime) -> Callable[..., ExotelClient]:
    def make(**kwargs: Any) -> ExotelClient:
        options: dict[str, Any] = {
            "base_url": exotel.base_url,
            "environ": ENV,
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "request_timeout": 2.0,
            **kwargs,
        }
        return ExotelClient(**options)

    return make


@pytest.fixture
def clean_csv(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.clean.csv"
    path.write_text("number,first_name\n+919876543210,Asha\n+919876543211,Ravi\n")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- the request --------------------------------------------------------------------------


def test_upload_posts_the_file_as_multipart_with_basic_auth(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path
) -> None:
    exotel.accept_uploads("up-1")
    receipt = make_client().upload(clean_csv, "spring", "dynamic")
    [seen] = exotel.uploads
    assert seen.authorization == BASIC
    assert (seen.list_name, seen.list_type) == ("spring", "dynamic")
    assert (seen.filename, seen.content_type) == ("contacts.clean.csv", "text/csv")
    assert seen.content == clean_csv.read_bytes()
    assert TOKEN not in seen.url
    assert KEY not in seen.url
    assert (receipt.upload_id, receipt.list_name, receipt.status) == (
        "up-1",
        "spring",
        "in-progress",
    )
    assert receipt.status_url == exotel.base_url + status_path("up-1")


def test_wait_follows_in_progress_until_completed(
    exotel: FakeExotel,
    make_client: Callable[..., ExotelClient],
    clean_csv: Path,
    fake_time: FakeTime,
) -> None:
    exotel.accept_uploads("up-1")
    exotel.statuses(
        "up-1",
        status_body("in-progress", counts(2, 1)),
        status_body("in-progress", counts(2, 1)),
        status_body("completed", counts(2, 2)),
    )
    client = make_client()
    seen: list[str] = []
    client.upload(clean_csv, "spring")
    final = client.wait("up-1", timeout=600, on_progress=lambda s: seen.append(s.status))
    assert final.completed
    assert final.stats == Stats(total=2, success=2, duplicate=0, failed=0)
    assert seen == ["in-progress", "in-progress", "completed"]
    assert fake_time.sleeps == [2.0, 3.0]  # growing pauses between looks


def test_status_reads_an_earlier_upload_by_id(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient]
) -> None:
    exotel.statuses("up-9", status_body("completed", counts(5, 4, 1)))
    found = make_client().status("up-9")
    assert (found.status, found.stats) == ("completed", Stats(5, 4, 1, 0))
    assert exotel.server.log[0][0].headers["Authorization"] == BASIC


# --- tolerant parsing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "response",
    [
        {
            "code": 200,
            "data": {
                "status": "Completed",
                "Stats": {
                    "total_records": "3",
                    "success_count": "1",
                    "duplicate_count": "1",
                    "failure_count": "1",
                },
            },
        },
        [
            {
                "code": 200,
                "data": {
                    "status": "completed",
                    "stats": {"total": 3, "success": 1, "duplicate": 1, "failed": 1},
                },
            }
        ],
        {
            "code": 200,
            "data": [
                {
                    "status": "COMPLETED",
                    "stats": {"total": 3, "success": 1, "duplicate": 1, "failed": 1},
                }
            ],
        },
    ],
    ids=["object-Stats-long-names", "list-stats", "data-list-upper-case"],
)
def test_status_parsing_is_tolerant(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], response: Any
) -> None:
    exotel.statuses("up-1", {"response": response})
    found = make_client().status("up-1")
    assert found.status == "completed"
    assert found.stats == Stats(total=3, success=1, duplicate=1, failed=1)


def test_upload_id_is_taken_from_summary_url_when_data_has_none(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path
) -> None:
    body = {"response": {"code": 200, "data": {}}, "summary": {"url": status_path("from-url")}}
    exotel.answer_once(UPLOAD_PATH, 200, body)
    assert make_client().upload(clean_csv, "spring").upload_id == "from-url"


def test_a_summary_url_on_another_host_is_not_followed_with_the_credentials(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path
) -> None:
    body = receipt_body("up-1")
    body["summary"]["url"] = "https://elsewhere.example/v2/steal/up-1"
    exotel.answer_once(UPLOAD_PATH, 200, body)
    receipt = make_client().upload(clean_csv, "spring")
    assert receipt.status_url == exotel.base_url + status_path("up-1")


# --- faults -----------------------------------------------------------------------------------


def test_429_then_success_is_retried_after_retry_after(
    exotel: FakeExotel,
    make_client: Callable[..., ExotelClient],
    clean_csv: Path,
    fake_time: FakeTime,
) -> None:
    exotel.answer_once(UPLOAD_PATH, 429, {"message": "slow down"}, **{"Retry-After": "7"})
    exotel.accept_uploads("up-1")
    retries: list[str] = []
    receipt = make_client(on_retry=retries.append).upload(clean_csv, "spring")
    assert receipt.upload_id == "up-1"
    assert exotel.requests_to(UPLOAD_PATH) == 2
    assert len(fake_time.sleeps) == 1
    assert fake_time.sleeps[0] >= 7
    assert "HTTP 429" in retries[0]


def test_503_twice_then_success_uploads_once_accepted(
    exotel: FakeExotel,
    make_client: Callable[..., ExotelClient],
    clean_csv: Path,
    fake_time: FakeTime,
) -> None:
    exotel.answer_once(UPLOAD_PATH, 503)
    exotel.answer_once(UPLOAD_PATH, 503)
    exotel.accept_uploads("up-1")
    assert make_client().upload(clean_csv, "spring").upload_id == "up-1"
    assert exotel.requests_to(UPLOAD_PATH) == 3
    assert len(fake_time.sleeps) == 2
    assert fake_time.sleeps[1] > fake_time.sleeps[0] - 1  # exponential, give or take the jitter


def test_retries_are_bounded(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path
) -> None:
    exotel.server.expect_request(UPLOAD_PATH).respond_with_data("busy", 503)
    with pytest.raises(UploadError, match="HTTP 503"):
        make_client(retry=RetryPolicy(attempts=3)).upload(clean_csv, "spring")
    assert exotel.requests_to(UPLOAD_PATH) == 3


@pytest.mark.parametrize("code", [502, 504])
def test_a_post_answered_502_or_504_is_not_sent_twice(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path, code: int
) -> None:
    exotel.answer_once(UPLOAD_PATH, code)
    exotel.accept_uploads("up-1")
    with pytest.raises(UploadError, match=f"HTTP {code}"):
        make_client().upload(clean_csv, "spring")
    assert exotel.requests_to(UPLOAD_PATH) == 1


@pytest.mark.parametrize("code", [502, 504, 429])
def test_a_status_read_answered_502_504_429_is_retried(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], code: int
) -> None:
    exotel.answer_once(status_path("up-1"), code)
    exotel.statuses("up-1", status_body("completed", counts(1, 1)))
    assert make_client().status("up-1").completed
    assert exotel.requests_to(status_path("up-1")) == 2


def test_connection_refused_is_retried_then_reported(
    make_client: Callable[..., ExotelClient], clean_csv: Path, fake_time: FakeTime
) -> None:
    client = make_client(base_url=f"http://127.0.0.1:{free_port()}", retry=RetryPolicy(attempts=3))
    with pytest.raises(UploadError, match=r"cannot connect to 127\.0\.0\.1") as caught:
        client.upload(clean_csv, "spring")
    assert len(fake_time.sleeps) == 2
    assert TOKEN not in str(caught.value)


def test_a_slow_answer_to_an_upload_is_not_resent_and_says_the_file_may_have_arrived(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path
) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response(json.dumps(receipt_body("up-1")), 200, content_type="application/json")

    exotel.server.expect_request(UPLOAD_PATH).respond_with_handler(slow)
    with pytest.raises(UploadError, match="may have been received"):
        make_client(request_timeout=0.2).upload(clean_csv, "spring")
    time.sleep(0.5)  # let the server finish the slow answer before it is checked
    assert exotel.requests_to(UPLOAD_PATH) == 1


def test_a_slow_status_read_is_retried(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient]
) -> None:
    calls: list[int] = []

    def slow_once(request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.6)
        body = json.dumps(status_body("completed", counts(1, 1)))
        return Response(body, 200, content_type="application/json")

    exotel.server.expect_request(status_path("up-1")).respond_with_handler(slow_once)
    assert make_client(request_timeout=0.2).status("up-1").completed
    assert len(calls) >= 2  # the single-threaded server queues the retries behind the slow one


def test_malformed_json_is_an_upload_error(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path
) -> None:
    exotel.answer_once(UPLOAD_PATH, 200, "<html>{not json")
    with pytest.raises(UploadError, match="not JSON"):
        make_client().upload(clean_csv, "spring")


def test_401_says_bad_credentials_or_wrong_region(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path
) -> None:
    body = {"response": {"code": 401, "error_data": {"message": "Authentication failed"}}}
    exotel.answer_once(UPLOAD_PATH, 401, body)
    with pytest.raises(UploadError) as caught:
        make_client().upload(clean_csv, "spring")
    message = str(caught.value)
    assert "EXOTEL_API_KEY" in message
    assert "region" in message
    assert "--subdomain" in message
    assert "Authentication failed" in message
    assert exotel.requests_to(UPLOAD_PATH) == 1


def test_error_data_messages_are_shown(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path
) -> None:
    body = {
        "response": [
            {
                "code": 400,
                "status": "failure",
                "error_data": {
                    "code": 1002,
                    "message": "Invalid parameter",
                    "description": "list_name has spaces",
                },
            }
        ]
    }
    exotel.answer_once(UPLOAD_PATH, 400, body)
    with pytest.raises(UploadError, match="Invalid parameter: list_name has spaces"):
        make_client().upload(clean_csv, "spring")


def test_an_error_inside_a_200_answer_is_an_upload_error(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path
) -> None:
    body = {"response": {"code": 409, "error_data": {"message": "upload already running"}}}
    exotel.answer_once(UPLOAD_PATH, 200, body)
    with pytest.raises(UploadError, match="upload already running"):
        make_client().upload(clean_csv, "spring")


def test_a_failed_status_is_returned_with_exotels_message(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient]
) -> None:
    exotel.statuses(
        "up-1",
        status_body("in-progress"),
        status_body(
            "failed", counts(2, 0, 0, 2), error_data={"message": "file could not be parsed"}
        ),
    )
    final = make_client().wait("up-1", timeout=60)
    assert final.finished
    assert not final.completed
    assert final.status == "failed"
    assert final.messages == ("file could not be parsed",)


def test_a_status_that_never_completes_times_out_naming_the_upload(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], fake_time: FakeTime
) -> None:
    exotel.statuses("up-1", status_body("in-progress"))
    client = make_client(poll=PollPolicy(initial=2, factor=2, maximum=8))
    with pytest.raises(UploadTimeoutError) as caught:
        client.wait("up-1", timeout=20)
    assert caught.value.upload_id == "up-1"
    assert "csvcheck status up-1" in str(caught.value)
    assert sum(fake_time.sleeps) == 20  # never sleeps past the deadline
    assert max(fake_time.sleeps) <= 8


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize("missing", sorted(ENV))
def test_a_missing_credential_is_named(missing: str) -> None:
    environ = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        ExotelClient(environ=environ)


@pytest.mark.parametrize(
    ("options", "environ", "expected"),
    [
        ({}, {}, "https://api.exotel.com"),
        ({}, {"EXOTEL_SUBDOMAIN": "api.in.exotel.com"}, "https://api.in.exotel.com"),
        ({"subdomain": "@api.in.exotel.com"}, {}, "https://api.in.exotel.com"),
        (
            {"subdomain": "api.exotel.com"},
            {"EXOTEL_BASE_URL": "https://proxy.example"},
            "https://api.exotel.com",
        ),
        ({}, {"EXOTEL_BASE_URL": "https://proxy.example/exotel/"}, "https://proxy.example/exotel"),
        ({"base_url": "http://127.0.0.1:8080"}, {}, "http://127.0.0.1:8080"),
        ({"base_url": "http://localhost:8080"}, {}, "http://localhost:8080"),
        ({"base_url": "http://[::1]:8080"}, {}, "http://[::1]:8080"),
    ],
)
def test_the_host_comes_from_options_then_environment(
    options: dict[str, str], environ: dict[str, str], expected: str
) -> None:
    assert ExotelClient(environ={**ENV, **environ}, **options).base_url == expected


def test_plain_http_to_a_remote_host_is_refused() -> None:
    with pytest.raises(UsageError, match="https is required"):
        ExotelClient(environ=ENV, base_url="http://proxy.example.com")
    with pytest.raises(ConfigError, match=r"EXOTEL_BASE_URL.*https is required"):
        ExotelClient(environ={**ENV, "EXOTEL_BASE_URL": "http://10.0.0.8"})


def test_credentials_in_the_base_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(UsageError) as caught:
        ExotelClient(environ=ENV, base_url=f"https://{KEY}:{TOKEN}@api.exotel.com")
    assert TOKEN not in str(caught.value)


# --- the token never shows ------------------------------------------------------------------


def test_the_client_repr_holds_no_credentials() -> None:
    client = ExotelClient(environ=ENV)
    assert TOKEN not in repr(client)
    assert KEY not in repr(client)
    assert TOKEN not in repr(vars(client))


@pytest.mark.parametrize(
    "raised",
    [httpx.ConnectError, httpx.ReadError, httpx.ReadTimeout, httpx.RemoteProtocolError],
)
def test_an_httpx_error_carrying_the_token_is_scrubbed(
    raised: type[httpx.TransportError], clean_csv: Path, fake_time: FakeTime
) -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        raise raised(f"boom {TOKEN} {request.headers['Authorization']}", request=request)

    client = ExotelClient(
        environ=ENV,
        transport=httpx.MockTransport(explode),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    for action in (lambda: client.upload(clean_csv, "spring"), lambda: client.status("up-1")):
        with pytest.raises(UploadError) as caught:
            action()
        shown = "".join(traceback.format_exception(caught.value))
        assert TOKEN not in shown
        assert BASIC.split()[1] not in shown
        assert caught.value.__cause__ is None


def test_the_public_api_exports_the_client() -> None:
    assert {"ExotelClient", "UploadReceipt", "UploadStatus"} <= set(csvcheck.__all__)
    assert csvcheck.UploadReceipt.__name__ == "UploadReceipt"


@pytest.mark.parametrize("upload_id", ["", "../../accounts", "a?b", "a b"])
def test_an_upload_id_that_would_change_the_url_is_refused(upload_id: str) -> None:
    with pytest.raises(UsageError, match="not an upload id"):
        ExotelClient(environ=ENV).status(upload_id)


def test_an_account_sid_that_would_change_the_url_is_refused() -> None:
    with pytest.raises(ConfigError, match="EXOTEL_ACCOUNT_SID"):
        ExotelClient(environ={**ENV, "EXOTEL_ACCOUNT_SID": "AC/../other"})


def test_an_unusable_upload_id_from_exotel_is_an_upload_error(
    exotel: FakeExotel, make_client: Callable[..., ExotelClient], clean_csv: Path
) -> None:
    exotel.answer_once(UPLOAD_PATH, 200, receipt_body("../../elsewhere"))
    with pytest.raises(UploadError, match="upload id csvcheck cannot follow"):
        make_client().upload(clean_csv, "spring")
