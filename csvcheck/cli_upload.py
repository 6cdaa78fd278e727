"""The `upload` and `status` commands: check, upload the clean part(s), follow them to the end."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .cli import (
    EXIT_CANNOT_RUN,
    EXIT_INVALID,
    EXIT_OK,
    F,
    cannot_run,
    check_options,
    guarded,
    main,
    parse_delimiter,
    progress_bar,
    rules_from,
)
from .render import summary_line
from .report import Report

if TYPE_CHECKING:
    from .answers import UploadStatus
    from .client import ExotelClient


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
    from .stream import check_path
    from .upload import failure_lines, render_upload_json, render_upload_text, upload_written

    progress = _Progress()
    rules = rules_from(options)

    def check_and_write(folder: Path) -> Report:
        with progress_bar() as bar:
            report = check_path(
                file,
                rules=rules,
                out_dir=folder,
                encoding=options["encoding"],
                delimiter=parse_delimiter(options["delimiter"]),
                progress=bar,
            )
        click.echo(summary_line(report), err=True)
        return report

    with _client(subdomain, base_url, progress) as client:
        run = upload_written(
            check_and_write,
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
