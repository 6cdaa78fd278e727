"""Exotel's bulk contact upload: send a clean CSV, read the upload's status, wait for its end.

The only module that imports httpx. Every httpx exception is translated in one place
(``ExotelClient._send``) into ``UploadError``, with a message scrubbed of the credentials
and without chaining the foreign exception, so the API token can never reach a message,
a log line or a traceback.

Errors raised here::

    CsvcheckError
     ├── ConfigError          a credential is missing, or the host / base URL cannot be used
     ├── UsageError           --base-url / --subdomain given with a value that cannot be used
     └── UploadError          a request failed, or Exotel refused it
          └── UploadTimeoutError   an upload did not reach a final status in time
"""

from __future__ import annotations

import base64
import ipaddress
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import tenacity

from .answers import (
    UploadReceipt,
    UploadStatus,
    as_int,
    data_of,
    error_messages,
    first_item,
    stats_in,
    status_word,
    summary_url,
    upload_id_in,
)
from .errors import ConfigError, InputError, UploadError, UploadTimeoutError, UsageError

ENV_KEY, ENV_TOKEN, ENV_SID = "EXOTEL_API_KEY", "EXOTEL_API_TOKEN", "EXOTEL_ACCOUNT_SID"
ENV_SUBDOMAIN, ENV_BASE_URL = "EXOTEL_SUBDOMAIN", "EXOTEL_BASE_URL"
DEFAULT_HOST = "api.exotel.com"
HOSTS = {"api.exotel.com": "Singapore", "api.in.exotel.com": "Mumbai"}
RETRY_STATUSES = frozenset({429, 502, 503, 504})
POST_RETRY_STATUSES = frozenset({429, 503})
"""A 502 or 504 to a POST may come after the server took the file: never sent twice."""
SLEEP: Callable[[float], None] = time.sleep
CLOCK: Callable[[], float] = time.monotonic
"""Defaults for a client made without ``sleep``/``clock`` (the CLI's); tests replace them."""
_UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Failures where the request cannot have reached the server."""
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$")
_UPLOAD_ID = re.compile(r"[^/?#%\s]{1,200}")
"""An upload id or account sid: nothing that would change the URL it is put in."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a request is retried on 429/502/503/504 or no connection."""

    attempts: int = 5
    """Tries in all, the first one included."""
    initial: float = 1.0
    """Seconds before the first retry; doubles after each."""
    maximum: float = 30.0
    """Longest wait between two tries, a server's Retry-After included."""
    jitter: float = 1.0
    """Up to this many random seconds added to each wait, so clients do not retry in step."""


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """How often the status of an upload is read while waiting for it."""

    initial: float = 2.0
    """Seconds before the second look."""
    factor: float = 1.5
    """Each wait is this much longer than the one before."""
    maximum: float = 30.0
    """Longest wait between two looks."""


@dataclass(frozen=True, slots=True)
class _Credentials:
    api_key: str = field(repr=False)
    api_token: str = field(repr=False)
    account_sid: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> _Credentials:
        values = {name: environ.get(name, "").strip() for name in (ENV_KEY, ENV_TOKEN, ENV_SID)}
        missing = [name for name, value in values.items() if not value]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            raise ConfigError(
                f"{' and '.join(missing)} {verb} not set: Exotel credentials are read from "
                f"the environment ({ENV_KEY}, {ENV_TOKEN}, {ENV_SID})"
            )
        if not _UPLOAD_ID.fullmatch(values[ENV_SID]):
            raise ConfigError(
                f"{ENV_SID} has characters an account sid cannot have (/ ? # % space)"
            )
        return cls(values[ENV_KEY], values[ENV_TOKEN], values[ENV_SID])

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every string that must never be shown: the key, the token, the Basic header."""
        pair = f"{self.api_key}:{self.api_token}".encode()
        return (self.api_token, self.api_key, base64.b64encode(pair).decode())


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _checked_base_url(text: str, source: str) -> str:
    error = UsageError if source.startswith("--") else ConfigError
    try:
        url = httpx.URL(text.strip())
    except (httpx.InvalidURL, TypeError):
        raise error(f"{source}: not a URL; give one like https://proxy.example.com") from None
    if url.scheme not in {"http", "https"} or not url.host:
        raise error(f"{source}: give an http(s) URL with a host, like https://proxy.example.com")
    if url.userinfo:
        raise error(
            f"{source}: must not hold a user name or password; credentials are read from "
            f"{ENV_KEY} and {ENV_TOKEN} and sent in the Authorization header"
        )
    if url.scheme == "http" and not is_loopback(url.host):
        raise error(
            f"{source}: plain http to {url.host} is refused: https is required "
            "(http is allowed only for a loopback host: 127.0.0.0/8, ::1, localhost)"
        )
    port = f":{url.port}" if url.port else ""
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}{port}{url.path.rstrip('/')}"


def resolve_base_url(
    subdomain: str | None, base_url: str | None, environ: Mapping[str, str]
) -> str:
    """Scheme and host (and any proxy path) requests go to; options first, then environment."""
    if base_url:
        return _checked_base_url(base_url, "--base-url")
    if not subdomain and environ.get(ENV_BASE_URL, "").strip():
        return _checked_base_url(environ[ENV_BASE_URL], ENV_BASE_URL)
    source = "--subdomain" if subdomain else ENV_SUBDOMAIN
    host = (subdomain or environ.get(ENV_SUBDOMAIN, "").strip() or DEFAULT_HOST).lstrip("@")
    if not _HOST.match(host):
        error = UsageError if subdomain else ConfigError
        raise error(
            f"{source}: {host!r} is not a host name; use api.exotel.com (Singapore) or "
            "api.in.exotel.com (Mumbai)"
        )
    return f"https://{host.lower()}"


class ExotelClient:
    """Upload a CSV to an Exotel contact list, read the upload's status, wait for its end.

    Credentials come from the environment only (``EXOTEL_API_KEY``, ``EXOTEL_API_TOKEN``,
    ``EXOTEL_ACCOUNT_SID``) and go in the Authorization header, never in a URL. ``transport``,
    ``sleep`` and ``clock`` can be replaced, so tests need neither a network nor real time.
    """

    def __init__(
        self,
        *,
        subdomain: str | None = None,
        base_url: str | None = None,
        environ: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        request_timeout: float = 60.0,
        retry: RetryPolicy = RetryPolicy(),
        poll: PollPolicy = PollPolicy(),
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        environ = os.environ if environ is None else environ
        self._credentials = _Credentials.from_env(environ)
        self.base_url = resolve_base_url(subdomain, base_url, environ)
        self.sleep = sleep or SLEEP
        self.clock = clock or CLOCK
        self.request_timeout, self.retry, self.poll = request_timeout, retry, poll
        self._on_retry = on_retry
        self._status_urls: dict[str, str] = {}
        self._http = httpx.Client(
            auth=httpx.BasicAuth(self._credentials.api_key, self._credentials.api_token),
            transport=transport,
            timeout=httpx.Timeout(request_timeout, connect=min(request_timeout, 15.0)),
            follow_redirects=False,
            # A loopback base URL (a test server, a local tunnel) never goes through a proxy.
            trust_env=not is_loopback(self.host),
            headers={"Accept": "application/json", "User-Agent": "csvcheck"},
        )

    def __repr__(self) -> str:
        return f"ExotelClient(base_url={self.base_url!r})"

    def __enter__(self) -> ExotelClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def host(self) -> str:
        return httpx.URL(self.base_url).host

    def _account_url(self, tail: str) -> str:
        return f"{self.base_url}/v2/accounts/{self._credentials.account_sid}/{tail}"

    def upload(self, path: str | Path, list_name: str, list_type: str = "static") -> UploadReceipt:
        """POST a clean CSV to ``/contacts/csv-upload`` for the list; return Exotel's receipt."""
        path = Path(path)
        if not list_name.strip():
            raise UsageError("the list name is empty")
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
        response = self._send(
            "POST",
            self._account_url("contacts/csv-upload"),
            data={"list_name": list_name, "type": str(list_type)},
            files={"file_name": (f"{path.stem}.csv", content, "text/csv")},
        )
        body = self._checked_body(response, f"upload of {path.name}")
        item = first_item(body)
        data = data_of(item)
        upload_id = upload_id_in(body, item, data)
        if upload_id is None:
            raise UploadError(
                f"upload of {path.name}: Exotel took the request but sent no upload id; "
                f"check the list {list_name!r} in Exotel before uploading again"
            )
        if not _UPLOAD_ID.fullmatch(upload_id):
            raise UploadError(
                f"upload of {path.name}: Exotel sent an upload id csvcheck cannot follow "
                f"({self._scrub(upload_id)[:40]!r}); check the list {list_name!r} in Exotel"
            )
        status_url = self._status_url(body, upload_id)
        self._status_urls[upload_id] = status_url
        status = self._scrub(status_word(item, data))
        return UploadReceipt(upload_id, list_name, str(list_type), str(path), status, status_url)

    def status(self, upload_id: str) -> UploadStatus:
        """Read the status of an upload once."""
        upload_id = upload_id.strip()
        if not _UPLOAD_ID.fullmatch(upload_id):
            raise UsageError(f"{upload_id!r} is not an upload id")
        url = self._status_urls.get(upload_id) or self._account_url(f"csv-status/{upload_id}")
        response = self._send("GET", url)
        body = self._checked_body(response, f"status of upload {upload_id}")
        item = first_item(body)
        data = data_of(item)
        messages = tuple(self._scrub(message) for message in error_messages(body))
        return UploadStatus(
            upload_id, self._scrub(status_word(item, data)), stats_in(item, data), messages
        )

    def wait(
        self,
        upload_id: str,
        timeout: float = 1800.0,
        on_progress: Callable[[UploadStatus], None] | None = None,
    ) -> UploadStatus:
        """Read the status with growing pauses until it is final; UploadTimeoutError past timeout."""
        deadline = self.clock() + timeout
        delay = self.poll.initial
        while True:
            status = self.status(upload_id)
            if on_progress is not None:
                on_progress(status)
            if status.finished:
                return status
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise UploadTimeoutError(upload_id, status.status, timeout)
            self.sleep(min(delay, remaining))
            delay = min(delay * self.poll.factor, self.poll.maximum)

    def _status_url(self, body: dict[str, Any], upload_id: str) -> str:
        """summary.url when it points at our own host; otherwise csv-status/<id> on it."""
        url = summary_url(body)
        if url:
            target = httpx.URL(self.base_url + "/").join(url)
            ours = httpx.URL(self.base_url)
            if (target.scheme, target.host, target.port) == (ours.scheme, ours.host, ours.port):
                return str(target)
        return self._account_url(f"csv-status/{upload_id}")

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request with bounded retries; every httpx error becomes a scrubbed UploadError."""
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(self.retry.attempts, 1)),
            wait=self._retry_wait,
            retry=tenacity.retry_if_exception(lambda exc: _retryable_error(exc, method))
            | tenacity.retry_if_result(lambda response: _retryable_response(response, method)),
            sleep=self.sleep,
            before_sleep=self._tell_retry,
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
        )
        try:
            response: httpx.Response = retrying(self._http.request, method, url, **kwargs)
        except httpx.HTTPError as exc:
            # Not chained (from None): the foreign exception is never shown, only our text.
            raise UploadError(self._scrub(self._describe(exc, method))) from None
        return response

    def _retry_wait(self, state: tenacity.RetryCallState) -> float:
        policy = self.retry
        backoff = tenacity.wait_exponential_jitter(
            initial=policy.initial, max=policy.maximum, jitter=policy.jitter
        )(state)
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            asked = _retry_after(outcome.result())
            if asked is not None:
                return min(max(backoff, asked), policy.maximum)
        return float(backoff)

    def _tell_retry(self, state: tenacity.RetryCallState) -> None:
        if self._on_retry is None or state.outcome is None:
            return
        if state.outcome.failed:
            exc = state.outcome.exception()
            reason = self._describe(exc, "") if isinstance(exc, httpx.HTTPError) else str(exc)
        else:
            reason = f"Exotel answered HTTP {state.outcome.result().status_code}"
        pause = state.next_action.sleep if state.next_action else 0.0
        message = (
            f"{reason}; try {state.attempt_number + 1} of {self.retry.attempts} in {pause:.1f} s"
        )
        self._on_retry(self._scrub(message))

    def _describe(self, exc: httpx.HTTPError, method: str) -> str:
        if isinstance(exc, _UNSENT):
            return f"cannot connect to {self.host} ({_reason(exc)})"
        if isinstance(exc, httpx.TimeoutException):
            text = f"no answer from {self.host} within {self.request_timeout:g} s"
            if method == "POST":
                text += (
                    "; the file may have been received: check the list in Exotel "
                    "before uploading again"
                )
            return text
        return f"request to {self.host} failed ({type(exc).__name__}: {_reason(exc)})"

    def _checked_body(self, response: httpx.Response, what: str) -> dict[str, Any]:
        body = _json_object(response)
        messages = error_messages(body or {})
        detail = "; ".join(messages)
        code = response.status_code
        if code == 401:
            raise UploadError(self._scrub(f"{what}: {self._unauthorized(detail)}"))
        if not response.is_success:
            text = detail or response.reason_phrase or "no detail"
            raise UploadError(self._scrub(f"{what}: Exotel answered HTTP {code} ({text})"))
        if body is None:
            kind = response.headers.get("content-type", "no content type")
            snippet = response.text[:80].strip()
            raise UploadError(
                self._scrub(
                    f"{what}: Exotel's answer is not JSON (HTTP {code}, {kind}): {snippet!r}"
                )
            )
        item_code = as_int(first_item(body).get("code"))
        if item_code is not None and item_code >= 400:
            raise UploadError(
                self._scrub(f"{what}: Exotel refused it ({item_code}: {detail or 'no detail'})")
            )
        return body

    def _unauthorized(self, detail: str) -> str:
        region = HOSTS.get(self.host)
        other = "api.in.exotel.com" if self.host == DEFAULT_HOST else DEFAULT_HOST
        where = f"{self.host} ({region})" if region else self.host
        said = f" Exotel said: {detail}." if detail else ""
        return (
            f"Exotel refused the credentials (HTTP 401) at {where}. Check {ENV_KEY} and "
            f"{ENV_TOKEN}, and the region: an account on the other cluster needs "
            f"--subdomain {other} (or {ENV_SUBDOMAIN}).{said}"
        )

    def _scrub(self, text: str) -> str:
        for secret in self._credentials.secrets:
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text


def _retryable_error(exc: BaseException, method: str) -> bool:
    if isinstance(exc, _UNSENT):
        return True
    # A GET changes nothing, so any transport failure (read timeout, reset) may be retried.
    return method == "GET" and isinstance(exc, httpx.TransportError)


def _retryable_response(response: httpx.Response, method: str) -> bool:
    statuses = RETRY_STATUSES if method == "GET" else POST_RETRY_STATUSES
    return response.status_code in statuses


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date, or nothing: the exponential backoff decides
    return max(seconds, 0.0)


def _reason(exc: httpx.HTTPError) -> str:
    return str(exc).strip() or type(exc).__name__


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
