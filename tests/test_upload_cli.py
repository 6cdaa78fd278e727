"""`csvcheck upload` and `csvcheck status` against a fake Exotel on 127.0.0.1, and multi-part
uploads through the library. Sleep and clock are replaced, so waiting costs nothing."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from pytest_httpserver import HTTPServer

import csvcheck.client
from csvcheck import ExotelClient, Part, Stats
from csvcheck.upload import upload_parts

from .fake_exotel import (
    ENV,
    TOKEN,
    UPLOAD_PATH,
    FakeExotel,
    FakeTime,
    counts,
    status_body,
    status_path,
)

CONTACTS = (
    "Mobile,First Name\n"
    "98765 43210,Asha\n"  # fixed to +919876543210
    "+919876543211,Ravi\n"
    "12345,Bad\n"  # invalid: rejected, not uploaded
    "9876543210,Asha again\n"  # duplicate: rejected, not uploaded
)
CLEAN = b"number,first_name\n+919876543210,Asha\n+919876543211,Ravi\n"


@pytest.fixture
def exotel(httpserver_ipv4: HTTPServer) -> Iterator[FakeExotel]:
    yield FakeExotel(httpserver_ipv4)
    httpserver_ipv4.clear()


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    """The CLI's clients sleep and read the clock through these."""
    fake = FakeTime()
    monkeypatch.setattr(csvcheck.client, "SLEEP", fake.sleep)
    monkeypatch.setattr(csvcheck.client, "CLOCK", fake.clock)
    return fake


@pytest.fixture
def env(exotel: FakeExotel, fake_time: FakeTime) -> dict[str, str]:
    return {**ENV, "EXOTEL_BASE_URL": exotel.base_url}


@pytest.fixture
def contacts(write_csv: Callable[..., Path]) -> Path:
    return write_csv(CONTACTS)


def shows_no_token(result: Result) -> bool:
    return TOKEN not in result.stdout and TOKEN not in result.stderr


def completes(exotel: FakeExotel, upload_id: str = "up-1", **final: int) -> None:
    exotel.accept_uploads(upload_id)
    stats = counts(**final) if final else counts(2, 2)
    exotel.statuses(
        upload_id, status_body("in-progress", counts(2, 0)), status_body("completed", stats)
    )


# --- upload ---------------------------------------------------------------------------------


def test_upload_sends_only_the_clean_rows_and_shows_both_stats(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str], contacts: Path
) -> None:
    completes(exotel)
    result = cli("upload", contacts, "--list-name", "spring", env=env)
    assert result.exit_code == 0, result.stderr
    [seen] = exotel.uploads
    assert seen.content == CLEAN
    assert (seen.list_name, seen.list_type, seen.filename) == (
        "spring",
        "static",
        "contacts.clean.csv",
    )
    assert "part 1: contacts.clean.csv -> list spring: completed (upload id up-1)" in result.stdout
    assert "Exotel:   total 2, success 2, duplicate 0, failed 0" in result.stdout
    assert "csvcheck: total 2, success 2, duplicate 0, failed 0" in result.stdout
    assert "upload up-1: in-progress (0 of 2 processed)" in result.stderr
    assert "upload up-1: completed" in result.stderr
    assert shows_no_token(result)


def test_upload_json_has_the_report_and_each_part(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str], contacts: Path
) -> None:
    completes(exotel)
    result = cli("upload", contacts, "--list-name", "spring", "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["stats"] == {"total": 4, "success": 2, "duplicate": 1, "failed": 1}
    [part] = output["upload"]["parts"]
    assert output["upload"]["completed"] is True
    assert part["state"] == "completed"
    assert part["upload_id"] == "up-1"
    assert part["predicted"] == counts(2, 2)
    assert part["exotel"]["stats"] == counts(2, 2)
    assert part["differences"] == []


def test_a_difference_from_the_prediction_is_flagged(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str], contacts: Path
) -> None:
    completes(exotel, total=2, success=1, duplicate=1)
    result = cli("upload", contacts, "--list-name", "spring", env=env)
    assert result.exit_code == 0
    assert "differs (Exotel vs csvcheck): success 1 vs 2, duplicate 1 vs 0" in result.stdout


def test_upload_with_out_keeps_the_clean_file(
    cli: Callable[..., Result],
    exotel: FakeExotel,
    env: dict[str, str],
    contacts: Path,
    tmp_path: Path,
) -> None:
    completes(exotel)
    out = tmp_path / "out"
    result = cli("upload", contacts, "--list-name", "spring", "--out", out, env=env)
    assert result.exit_code == 0, result.stderr
    assert (out / "contacts.clean.csv").read_bytes() == CLEAN
    assert (out / "contacts.rejects.csv").exists()


def test_no_wait_prints_the_upload_id_and_reads_no_status(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str], contacts: Path
) -> None:
    exotel.accept_uploads("up-7")
    result = cli("upload", contacts, "--list-name", "spring", "--no-wait", env=env)
    assert result.exit_code == 0, result.stderr
    assert "uploaded (upload id up-7)" in result.stdout
    assert exotel.requests_to(status_path("up-7")) == 0


def test_file_level_errors_refuse_the_upload(
    cli: Callable[..., Result],
    exotel: FakeExotel,
    env: dict[str, str],
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv("name,city\nAsha,Pune\n")
    result = cli("upload", path, "--list-name", "spring", env=env)
    assert result.exit_code == 1
    assert "not uploaded" in result.stdout
    assert "missing-number-column" in result.stdout
    assert exotel.requests_to(UPLOAD_PATH) == 0


def test_a_refused_upload_still_writes_the_outputs_and_says_why_in_json(
    cli: Callable[..., Result],
    exotel: FakeExotel,
    env: dict[str, str],
    write_csv: Callable[..., Path],
    tmp_path: Path,
) -> None:
    path = write_csv("number,number\n+919876543210,+919876543211\n")
    out = tmp_path / "out"
    result = cli("upload", path, "--list-name", "spring", "--out", out, "--format", "json", env=env)
    assert result.exit_code == 1
    upload = json.loads(result.stdout)["upload"]
    assert upload["refused_codes"] == ["duplicate-header"]
    assert "duplicate-header" in upload["refused"]
    assert upload["parts"] == []
    assert (out / "contacts.rejects.csv").exists()
    assert exotel.requests_to(UPLOAD_PATH) == 0


def test_strict_refuses_a_file_that_is_not_upload_ready_as_is(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str], contacts: Path
) -> None:
    result = cli("upload", contacts, "--list-name", "spring", "--strict", env=env)
    assert result.exit_code == 1
    assert exotel.requests_to(UPLOAD_PATH) == 0


def test_a_file_with_no_clean_contacts_is_not_uploaded(
    cli: Callable[..., Result],
    exotel: FakeExotel,
    env: dict[str, str],
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv("number\n12345\n")
    result = cli("upload", path, "--list-name", "spring", env=env)
    assert result.exit_code == 1
    assert "not uploaded: no clean contacts" in result.stderr
    assert exotel.requests_to(UPLOAD_PATH) == 0


def test_a_missing_credential_is_one_line_naming_it(
    cli: Callable[..., Result], env: dict[str, str], contacts: Path
) -> None:
    result = cli("upload", contacts, "--list-name", "spring", env={**env, "EXOTEL_API_TOKEN": ""})
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "EXOTEL_API_TOKEN is not set" in result.stderr


def test_plain_http_base_url_to_a_remote_host_is_a_usage_error(
    cli: Callable[..., Result], env: dict[str, str], contacts: Path
) -> None:
    result = cli(
        "upload", contacts, "--list-name", "spring", "--base-url", "http://example.com", env=env
    )
    assert result.exit_code == 2
    assert "https is required" in result.stderr


def test_list_name_is_required(
    cli: Callable[..., Result], env: dict[str, str], contacts: Path
) -> None:
    result = cli("upload", contacts, env=env)
    assert result.exit_code == 2
    assert "--list-name" in result.stderr


def test_a_401_exits_3_and_mentions_the_region(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str], contacts: Path
) -> None:
    exotel.answer_once(UPLOAD_PATH, 401, {"response": {"code": 401}})
    result = cli("upload", contacts, "--list-name", "spring", env=env)
    assert result.exit_code == 3
    assert "HTTP 401" in result.stderr
    assert "region" in result.stderr
    assert shows_no_token(result)


def test_connection_refused_exits_3_after_the_retries(
    cli: Callable[..., Result], env: dict[str, str], contacts: Path, fake_time: FakeTime
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        env = {**env, "EXOTEL_BASE_URL": f"http://127.0.0.1:{port}"}
        result = cli("upload", contacts, "--list-name", "spring", env=env)
    assert result.exit_code == 3
    assert "cannot connect to 127.0.0.1" in result.stderr
    assert result.stderr.count("; try ") == 4  # five tries in all, each retry announced
    assert len(fake_time.sleeps) == 4


def test_a_failed_upload_exits_3_with_exotels_message_and_the_id(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str], contacts: Path
) -> None:
    exotel.accept_uploads("up-1")
    exotel.statuses("up-1", status_body("failed", error_data={"message": "the list is locked"}))
    result = cli("upload", contacts, "--list-name", "spring", env=env)
    assert result.exit_code == 3
    assert "part 1 (spring): failed: the list is locked" in result.stderr
    assert "csvcheck status up-1" in result.stderr


def test_an_upload_that_never_completes_times_out_with_the_id_to_resume(
    cli: Callable[..., Result],
    exotel: FakeExotel,
    env: dict[str, str],
    contacts: Path,
    fake_time: FakeTime,
) -> None:
    exotel.accept_uploads("up-1")
    exotel.statuses("up-1", status_body("in-progress", counts(2, 1)))
    result = cli("upload", contacts, "--list-name", "spring", "--timeout", "120", env=env)
    assert result.exit_code == 3
    assert "timeout (upload id up-1)" in result.stdout
    assert "follow it with: csvcheck status up-1" in result.stderr
    assert sum(fake_time.sleeps) == 120


@pytest.mark.parametrize(
    "fault",
    ["refused", "401", "500-with-echo", "not-json", "failed-status"],
)
def test_the_token_never_reaches_the_user(
    cli: Callable[..., Result],
    exotel: FakeExotel,
    env: dict[str, str],
    contacts: Path,
    fault: str,
) -> None:
    def arrange() -> None:
        if fault == "401":
            exotel.answer_once(UPLOAD_PATH, 401, {"response": {"error_data": {"message": TOKEN}}})
        elif fault == "500-with-echo":
            echo = {"response": {"code": 500, "error_data": {"message": f"bad auth Basic {TOKEN}"}}}
            exotel.answer_once(UPLOAD_PATH, 500, echo)
        elif fault == "not-json":
            exotel.answer_once(UPLOAD_PATH, 200, f"<html>{TOKEN}</html>")
        elif fault == "failed-status":
            exotel.server.clear()
            exotel.accept_uploads("up-1")
            exotel.statuses("up-1", status_body("failed", error_data={"message": TOKEN}))

    if fault == "refused":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            env = {**env, "EXOTEL_BASE_URL": f"http://127.0.0.1:{sock.getsockname()[1]}"}
    for output_format in ("text", "json"):
        arrange()
        result = cli(
            "upload", contacts, "--list-name", "spring", "--format", output_format, env=env
        )
        assert result.exit_code == 3
        assert shows_no_token(result)


# --- status -----------------------------------------------------------------------------------


def test_status_follows_an_earlier_upload_to_completion(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str]
) -> None:
    exotel.statuses("up-3", status_body("in-progress"), status_body("completed", counts(4, 3, 1)))
    result = cli("status", "up-3", env=env)
    assert result.exit_code == 0, result.stderr
    assert "upload up-3: completed" in result.stdout
    assert "Exotel: total 4, success 3, duplicate 1, failed 0" in result.stdout


def test_status_json(cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str]) -> None:
    exotel.statuses("up-3", status_body("completed", counts(4, 4)))
    result = cli("status", "up-3", "--format", "json", env=env)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "upload_id": "up-3",
        "status": "completed",
        "stats": counts(4, 4),
        "messages": [],
    }


def test_status_no_wait_shows_in_progress_and_exits_0(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str]
) -> None:
    exotel.statuses("up-3", status_body("in-progress"))
    result = cli("status", "up-3", "--no-wait", env=env)
    assert result.exit_code == 0
    assert "upload up-3: in-progress" in result.stdout
    assert exotel.requests_to(status_path("up-3")) == 1


def test_status_of_a_failed_upload_exits_3(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str]
) -> None:
    exotel.statuses("up-3", status_body("error", error_data={"message": "storage unavailable"}))
    result = cli("status", "up-3", env=env)
    assert result.exit_code == 3
    assert "storage unavailable" in result.stdout


def test_status_that_never_completes_times_out(
    cli: Callable[..., Result], exotel: FakeExotel, env: dict[str, str]
) -> None:
    exotel.statuses("up-3", status_body("in-progress", counts(9, 2)))
    result = cli("status", "up-3", "--timeout", "30", env=env)
    assert result.exit_code == 3
    assert "upload up-3: in-progress" in result.stdout
    assert "csvcheck status up-3" in result.stderr


# --- several parts (through the library: the split into parts is built elsewhere) -----------


def two_parts(tmp_path: Path) -> list[Part]:
    paths = []
    for k, rows in ((1, "+919876543210\n+919876543211\n"), (2, "+919876543212\n")):
        path = tmp_path / f"contacts.part-00{k}.csv"
        path.write_text("number\n" + rows)
        paths.append(path)
    return [
        Part(str(paths[0]), 2, paths[0].stat().st_size),
        Part(str(paths[1]), 1, paths[1].stat().st_size, "_2"),
    ]


def library_client(exotel: FakeExotel, fake_time: FakeTime) -> ExotelClient:
    return ExotelClient(
        base_url=exotel.base_url, environ=ENV, sleep=fake_time.sleep, clock=fake_time.clock
    )


def test_each_part_goes_to_its_own_list_and_is_followed(
    exotel: FakeExotel, fake_time: FakeTime, tmp_path: Path
) -> None:
    exotel.accept_uploads("up-1", "up-2")
    exotel.statuses("up-1", status_body("in-progress"), status_body("completed", counts(2, 2)))
    exotel.statuses("up-2", status_body("completed", counts(1, 1)))
    parts = two_parts(tmp_path)
    results = upload_parts(library_client(exotel, fake_time), parts, "spring", "static")
    assert [(u.list_name, u.filename) for u in exotel.uploads] == [
        ("spring", "contacts.part-001.csv"),
        ("spring_2", "contacts.part-002.csv"),
    ]
    assert [u.content for u in exotel.uploads] == [Path(p.path).read_bytes() for p in parts]
    assert [(r.state, r.upload_id) for r in results] == [
        ("completed", "up-1"),
        ("completed", "up-2"),
    ]
    assert [r.predicted for r in results] == [Stats(2, 2, 0, 0), Stats(1, 1, 0, 0)]
    assert exotel.requests_to(status_path("up-1")) == 2
    assert exotel.requests_to(status_path("up-2")) == 1


def test_a_failed_part_stops_the_parts_after_it(
    exotel: FakeExotel, fake_time: FakeTime, tmp_path: Path
) -> None:
    exotel.accept_uploads("up-1", "up-2")
    exotel.statuses("up-1", status_body("failed"))
    results = upload_parts(library_client(exotel, fake_time), two_parts(tmp_path), "spring")
    assert [r.state for r in results] == ["failed", "not-uploaded"]
    assert len(exotel.uploads) == 1


def test_the_timeout_bounds_the_wait_across_parts(
    exotel: FakeExotel, fake_time: FakeTime, tmp_path: Path
) -> None:
    exotel.accept_uploads("up-1", "up-2")
    exotel.statuses("up-1", status_body("in-progress"), status_body("completed", counts(2, 2)))
    exotel.statuses("up-2", status_body("in-progress"))
    client = library_client(exotel, fake_time)
    results = upload_parts(client, two_parts(tmp_path), "spring", timeout=10)
    assert [r.state for r in results] == ["completed", "timeout"]
    assert fake_time.now == 10


# --- split files through the command line ---------------------------------------------------


def test_a_split_file_uploads_each_part_to_its_own_list(
    cli: Callable[..., Result],
    exotel: FakeExotel,
    env: dict[str, str],
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv("number\n+919876543210\n+919876543211\n+919876543212\n")
    exotel.accept_uploads("up-1", "up-2")
    exotel.statuses("up-1", status_body("completed", counts(2, 2)))
    exotel.statuses("up-2", status_body("completed", counts(1, 1)))
    result = cli("upload", path, "--list-name", "spring", "--max-rows", "2", env=env)
    assert result.exit_code == 0, result.stderr
    assert [(u.list_name, u.filename) for u in exotel.uploads] == [
        ("spring", "contacts.part-001.csv"),
        ("spring_2", "contacts.part-002.csv"),
    ]
    assert [u.content for u in exotel.uploads] == [
        b"number\n+919876543210\n+919876543211\n",
        b"number\n+919876543212\n",
    ]
    assert shows_no_token(result)


def test_a_full_static_list_is_not_uploaded_to(
    cli: Callable[..., Result],
    exotel: FakeExotel,
    env: dict[str, str],
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv("number\n+919876543210\n")
    result = cli(
        "upload", path, "--list-name", "spring", "--max-rows", "2", "--existing", "2", env=env
    )
    assert result.exit_code == 1
    assert "too-many-rows" in result.stderr
    assert exotel.uploads == []
