"""The report's JSON Schema: shipped in the package, and every report csvcheck makes fits it.

Every `check` run through the `cli` fixture is also validated (tests/conftest.py), so the
whole suite checks the schema; these tests add the corpora, generated inputs and the library.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csvcheck import Code, CsvcheckError, ListType, Rules, Severity, check_bytes
from csvcheck.render import combined_dict
from csvcheck.report_schema import report_schema, validate_report

ROOT = Path(__file__).resolve().parent.parent
jsonschema = pytest.importorskip("jsonschema")


def test_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(report_schema())


def test_schema_is_loaded_from_the_package_file() -> None:
    on_disk = json.loads((ROOT / "csvcheck" / "report.schema.json").read_text(encoding="utf-8"))
    assert report_schema() == on_disk


def test_wheel_ships_the_schema(tmp_path: Path) -> None:
    builders = pytest.importorskip("hatchling.builders.wheel")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "pyproject.toml", project)
    shutil.copytree(ROOT / "csvcheck", project / "csvcheck")
    readme = ROOT / "README.md"
    (project / "README.md").write_text(readme.read_text() if readme.exists() else "csvcheck\n")
    (wheel,) = builders.WheelBuilder(str(project)).build(
        directory=str(tmp_path / "dist"), versions=["standard"]
    )
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("csvcheck/report.schema.json")
    assert shipped == (ROOT / "csvcheck" / "report.schema.json").read_bytes()


def test_every_code_and_severity_fits_the_schema() -> None:
    definitions = report_schema()["$defs"]
    code = re.compile(definitions["code"]["pattern"])
    assert all(code.match(c) for c in Code)
    assert set(definitions["finding"]["properties"]["severity"]["enum"]) == set(Severity)


def report_dict(data: bytes, **rules: Any) -> dict[str, Any] | None:
    try:
        result = check_bytes(data, rules=Rules(**rules), path="input.csv")
    except CsvcheckError:
        return None  # exit 3: no report to validate
    report: dict[str, Any] = result.report.to_dict()
    return report


def corpus_files(corpora: Path) -> list[Path]:
    return sorted(p for p in corpora.rglob("*") if p.is_file() and p.suffix in {".csv", ".tsv"})


def test_reports_of_every_corpus_file_fit_the_schema(corpora: Path) -> None:
    checked = 0
    for path in corpus_files(corpora):
        for list_type in ListType:
            report = report_dict(path.read_bytes(), list_type=list_type)
            if report is not None:
                checked += 1
                assert validate_report(report) == (), path
    assert checked > 40


def test_combined_report_of_the_corpora_fits_the_schema(corpora: Path) -> None:
    from csvcheck import check_file
    from csvcheck.outcome import NotChecked, Outcome

    outcomes: list[Outcome] = []
    for path in corpus_files(corpora)[:20]:
        try:
            outcomes.append(check_file(path).report)
        except CsvcheckError as exc:
            outcomes.append(NotChecked(str(path), str(exc)))
    assert validate_report(combined_dict(outcomes)) == ()


cells = st.text(alphabet=st.sampled_from("09+ -.,\"'=@E\n\r\tabc\u00e9\ufffd"), max_size=14)
tables = st.lists(st.lists(cells, min_size=0, max_size=5), min_size=0, max_size=8)
headers = st.lists(
    st.sampled_from(["number", "Mobile", "email", "first_name", "", "x y", "tag", "Phone"]),
    max_size=5,
)


def as_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """Rows written naively (no quoting) on purpose: ragged and broken records are wanted."""
    return "\n".join(",".join(r) for r in [header, *rows]).encode("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=headers, rows=tables, list_type=st.sampled_from(list(ListType)))
def test_reports_of_generated_inputs_fit_the_schema(
    header: list[str], rows: list[list[str]], list_type: ListType
) -> None:
    report = report_dict(as_csv(header, rows), list_type=list_type, strict=True)
    if report is None:
        return
    assert validate_report(report) == ()
    stats = report["stats"]
    assert stats["total"] == stats["success"] + stats["duplicate"] + stats["failed"]


def test_the_schema_rejects_a_broken_report() -> None:
    report = report_dict(b"number\n12345\n")
    assert report is not None
    report["findings"][0]["severity"] = "fatal"
    del report["stats"]["total"]
    report["findings"][0]["examples"][0]["line"] = 0
    assert validate_report(report) == (
        "findings/0/examples/0/line: 0 is less than the minimum of 1",
        "findings/0/severity: 'fatal' is not one of ['error', 'warning', 'fix']",
        "stats: 'total' is a required property",
    )


def test_the_schema_rejects_a_broken_combined_report() -> None:
    assert validate_report({"version": 1, "reports": [{}]}) != ()
