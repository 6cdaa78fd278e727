"""The command line: parse options, call the library, render, choose the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import CsvcheckError, UsageError
from .render import render_json, render_text, summary_line
from .rules import DEFAULT_REGION, MAX_BYTES, MAX_VARIABLES, ListType, Rules

if TYPE_CHECKING:
    from .answers import UploadStatus
    from .client import ExotelClient

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_CANNOT_RUN = 0, 1, 2, 3
RENDERERS = {"text": render_text, "json": render_json}

F = TypeVar("F", bound=Callable[..., Any])


def _parse_mapping(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values:
        target, sep, source = value.partition("=")
        if not sep or not target.strip() or not source.strip():
            raise click.BadParameter(
                f"{value!r}: use TARGET=COLUMN, e.g. number=Mobile", param_hint="--map"
            )
        pairs.append((target.strip(), source.strip()))
    return tuple(pairs)


def check_options(command: F) -> F:
    """The options shared by ``check`` and ``upload``."""
    options = [
        click.option(
            "--type",
            "list_type",
            type=click.Choice([t.value for t in ListType]),
            default="static",
            show_default=True,
            help="Exotel list type.",
        ),
        click.option(
            "--region",
            default=DEFAULT_REGION,
            show_default=True,
            help="Region for numbers written without a country code.",
        ),
        click.option(
            "--existing",
            type=click.IntRange(min=0),
            default=0,
            show_default=True,
            help="Contacts already in the target static list.",
        ),
        click.option("--strict", is_flag=True, help="Warnings and fixes fail the check too."),
        click.option("--encoding", default=None, help="Input encoding (default: detected)."),
        click.option("--delimiter", default=None, help="Input delimiter (default: detected)."),
        click.option(
            "--map",
            "mapping",
            multiple=True,
            metavar="TARGET=COLUMN",
            help="Explicit header mapping, e.g. number=Mobile (repeatable).",
        ),
        click.option(
            "--max-rows",
            type=click.IntRange(min=1),
            default=None,
            help="Contacts per list (default: 100,000 static, 500,000 dynamic).",
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1),
            default=MAX_BYTES,
            show_default=True,
            help="A file must be smaller than this.",
        ),
        click.option(
            "--max-variables",
            type=click.IntRange(min=0),
            default=MAX_VARIABLES,
            show_default=True,
            help="Variables allowed in a dynamic list.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def rules_from(options: dict[str, Any]) -> Rules:
    """Rules from the parsed shared options."""
    return Rules(
        list_type=ListType(options["list_type"]),
        region=options["region"],
        existing=options["existing"],
        strict=options["strict"],
        max_rows=options["max_rows"],
        max_bytes=options["max_bytes"],
        max_variables=options["max_variables"],
        mapping=_parse_mapping(options["mapping"]),
    )


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(value.lower(), value)
    if len(value) != 1 or value in {'"', "\n", "\r"}:
        raise click.BadParameter(
            "give one character, or tab/comma/semicolon/pipe", param_hint="--delimiter"
        )
    return value


def cannot_run(exc: CsvcheckError) -> click.exceptions.Exit:
    """Print a one-line error and give the exit code for it."""
    click.echo(f"csvcheck: error: {exc}", err=True)
    return click.exceptions.Exit(EXIT_USAGE if isinstance(exc, UsageError) else EXIT_CANNOT_RUN)


def guarded(command: F) -> F:
    """Turn csvcheck errors into one line and an exit code; never show a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CsvcheckError as exc:
            raise cannot_run(exc) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except MemoryError:
            click.echo("csvcheck: error: out of memory reading the file", err=True)
            raise click.exceptions.Exit(EXIT_CANNOT_RUN) from None
        except Exception as exc:
            if os.environ.get("CSVCHECK_DEBUG"):
                raise
            click.echo(
                f"csvcheck: internal error: {type(exc).__name__}: {exc} (set CSVCHECK_DEBUG=1 for details; please report it)",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_CANNOT_RUN) from None

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="csvcheck")
def main() -> None:
    """Check, fix and split a contacts CSV for Exotel's bulk contact upload."""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@check_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write clean part(s), rejects and report.json here.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(RENDERERS)),
    default="text",
    show_default=True,
    help="Report format on stdout.",
)
@guarded
def check(file: str, out_dir: Path | None, output_format: str, **options: Any) -> None:
    """Check FILE (or - for standard input) the way Exotel will."""
    from .pipeline import check_file

    rules = rules_from(options)
    result = check_file(
        file, rules=rules, encoding=options["encoding"], delimiter=_delimiter(options["delimiter"])
    )
    report = result.write(out_dir) if out_dir is not None else result.report
    if output_format != "text":
        click.echo(summary_line(report), err=True)
    click.echo(RENDERERS[output_format](report), nl=False)
    sys.exit(EXIT_OK if report.valid else EXIT_INVALID)


def _connection_options(command: F) -> F:
    """Where requests go, and how long to wait for an upload to finish."""
    options = [
        click.option(
            "--subdomain",
            default=None,
            help="Exotel API host: api.exotel.com (Singapore, default) or api.in.exotel.com (Mumbai). Env: EXOTEL_SUBDOMAIN.",
        ),
        click.option(
            "--base-url",
            default=None,
            help="Replace scheme and host (a proxy; https, or http on loopback). Env: EXOTEL_BASE_URL.",
        ),
        click.option("--no-wait", is_flag=True, help="Do not follow the upload to its end."),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0),
            default=1800.0,
            show_default=True,
            help="Seconds to wait for the upload(s) to finish.",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            help="Result format on stdout.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


class _Progress:
    """Progress of an upload on stderr: one line when something changes."""

    def __init__(self) -> None:
        self.shown: str | None = None
        self.latest: UploadStatus | None = None
        """The last UploadStatus seen, to show when waiting ends in a timeout."""

    def retry(self, message: str) -> None:
        click.echo(f"csvcheck: {message}", err=True)

    def __call__(self, event: object) -> None:
        from .answers import UploadStatus
        from .upload import progress_line

        if isinstance(event, UploadStatus):
            self.latest = event
        line = progress_line(event)
        if line is not None and line != self.shown:
            click.echo(line, err=True)
            self.shown = line


def _client(subdomain: str | None, base_url: str | None, progress: _Progress) -> ExotelClient:
    from .client import ExotelClient

    return ExotelClient(subdomain=subdomain, base_url=base_url, on_retry=progress.retry)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@check_options
@click.option("--list-name", required=True, help="Exotel list to add the contacts to.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the clean part(s), rejects and report.json here.",
)
@_connection_options
@guarded
def upload(
    file: str,
    list_name: str,
    out_dir: Path | None,
    subdomain: str | None,
    base_url: str | None,
    no_wait: bool,
    timeout: float,
    output_format: str,
    **options: Any,
) -> None:
    """Check FILE, then upload its clean part(s) to Exotel and follow each to its end."""
    from .pipeline import check_file
    from .upload import failure_lines, render_upload_json, render_upload_text, upload_checked

    progress = _Progress()
    rules = rules_from(options)
    with _client(subdomain, base_url, progress) as client:
        result = check_file(
            file,
            rules=rules,
            encoding=options["encoding"],
            delimiter=_delimiter(options["delimiter"]),
        )
        click.echo(summary_line(result.report), err=True)
        run = upload_checked(
            result,
            client,
            list_name,
            out_dir=out_dir,
            wait=not no_wait,
            timeout=timeout,
            on_progress=progress,
        )
    render = render_upload_json if output_format == "json" else render_upload_text
    click.echo(render(run), nl=False)
    if run.reason:
        click.echo(f"csvcheck: not uploaded: {run.reason}", err=True)
        sys.exit(EXIT_INVALID)
    for line in failure_lines(run):
        click.echo(f"csvcheck: error: {line}", err=True)
    sys.exit(EXIT_OK if run.sent else EXIT_CANNOT_RUN)


@main.command()
@click.argument("upload_id")
@_connection_options
@guarded
def status(
    upload_id: str,
    subdomain: str | None,
    base_url: str | None,
    no_wait: bool,
    timeout: float,
    output_format: str,
) -> None:
    """Show the status of an earlier upload, following it to its end unless --no-wait."""
    from .errors import UploadTimeoutError
    from .upload import render_status_json, render_status_text

    progress = _Progress()
    render = render_status_json if output_format == "json" else render_status_text
    with _client(subdomain, base_url, progress) as client:
        try:
            found = (
                client.status(upload_id) if no_wait else client.wait(upload_id, timeout, progress)
            )
        except UploadTimeoutError as exc:
            if progress.latest is not None:
                click.echo(render(progress.latest), nl=False)
            raise cannot_run(exc) from None
    click.echo(render(found), nl=False)
    sys.exit(EXIT_CANNOT_RUN if found.finished and not found.completed else EXIT_OK)
