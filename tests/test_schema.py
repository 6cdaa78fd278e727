"""contact_schema: every clean frame passes it; a bad number, a duplicate or a stray column fail."""

from __future__ import annotations

from pathlib import Path

import pandera.errors
import polars as pl
import pytest

import csvcheck

from .conftest import SAMPLES


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.csv")), ids=lambda p: p.name)
@pytest.mark.parametrize("list_type", ["static", "dynamic"])
def test_clean_output_of_every_sample_passes_the_schema(sample: Path, list_type: str) -> None:
    result = csvcheck.check_file(sample, list_type=list_type)
    schema = csvcheck.contact_schema(list_type)
    schema.validate(result.clean)  # type: ignore[attr-defined]


def test_written_clean_file_passes_the_schema(tmp_path: Path) -> None:
    report = csvcheck.check_file(SAMPLES / "contacts.csv").write(tmp_path)
    assert report.outputs is not None
    clean = pl.read_csv(report.outputs.clean[0].path, infer_schema=False)
    csvcheck.contact_schema("static").validate(clean)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("frame", "list_type"),
    [
        (pl.DataFrame({"number": ["+911234"]}), "static"),
        (pl.DataFrame({"number": ["9876543210"]}), "static"),
        (pl.DataFrame({"number": ["+919876543210", "+919876543210"]}), "static"),
        (pl.DataFrame({"number": ["+919876543210"], "city": ["Pune"]}), "static"),
        (pl.DataFrame({"first_name": ["A"], "number": ["+919876543210"]}), "static"),
        (pl.DataFrame({"number": ["+919876543210"], "bad name": ["x"]}), "dynamic"),
        (
            pl.DataFrame({"number": ["+919876543210"]} | {f"v{i}": ["x"] for i in range(6)}),
            "dynamic",
        ),
    ],
    ids=[
        "invalid",
        "not-e164",
        "duplicate",
        "stray-column",
        "number-not-first",
        "bad-variable",
        "six-variables",
    ],
)
def test_schema_rejects_frames_exotel_would_reject(frame: pl.DataFrame, list_type: str) -> None:
    with pytest.raises(pandera.errors.SchemaError):
        csvcheck.contact_schema(list_type).validate(frame)  # type: ignore[attr-defined]


def test_dynamic_schema_accepts_variables() -> None:
    frame = pl.DataFrame({"number": ["+919876543210"], "due_amount": ["1500"]})
    assert csvcheck.contact_schema("dynamic").validate(frame).height == 1  # type: ignore[attr-defined]
