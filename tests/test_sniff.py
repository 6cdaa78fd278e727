"""Detection before parsing: binaries refused, encoding from the whole file, delimiter, line ends."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csvcheck.errors import InputError, NotTextError, UsageError
from csvcheck.sniff import detect_delimiter, line_endings, sniff

from .conftest import SAMPLES, report_of

Cli = Callable[..., Result]
WriteCsv = Callable[..., Path]

CONTACTS = "number,first_name\n+919876543210,José\n+919876543211,Zoë\n"


# ---------------------------------------------------------------- not text


@pytest.mark.parametrize(
    ("start", "says"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook (.xlsx); save it as 'CSV UTF-8'"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel workbook (.xls)"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip-compressed file; decompress it first"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
    ],
)
def test_known_binary_formats_exit_3_with_one_line_saying_what_the_file_is(
    cli: Cli, write_csv: WriteCsv, start: bytes, says: str
) -> None:
    result = cli("check", write_csv(start + bytes(range(256)) * 4))
    assert result.exit_code == 3
    assert says in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_file_full_of_nul_and_control_bytes_is_not_text() -> None:
    with pytest.raises(NotTextError, match="binary file"):
        sniff(bytes(range(32)) * 100)


def test_a_few_nul_bytes_in_a_text_file_do_not_make_it_binary() -> None:
    sniffed = sniff(CONTACTS.encode().replace(b"Jos", b"Jo\x00s"))
    assert "\x00" in sniffed.text


def test_utf16_without_a_bom_asks_for_the_encoding_instead_of_guessing() -> None:
    data = CONTACTS.replace(",", "\t").encode("utf-16-le")
    with pytest.raises(InputError, match="--encoding utf-16-le"):
        sniff(data)
    assert sniff(data, encoding="utf-16-le").text.startswith("number\t")


# ---------------------------------------------------------------- encodings


def test_plain_utf8_is_read_as_is() -> None:
    sniffed = sniff(CONTACTS.encode())
    assert (sniffed.encoding, sniffed.bom, sniffed.text) == ("utf-8", False, CONTACTS)


def test_utf8_bom_is_removed() -> None:
    sniffed = sniff(codecs.BOM_UTF8 + CONTACTS.encode())
    assert (sniffed.encoding, sniffed.bom) == ("utf-8", True)
    assert sniffed.text == CONTACTS


@pytest.mark.parametrize(("codec", "name"), [("utf-16", "utf-16-le"), ("utf-16-be", "utf-16-be")])
def test_excel_unicode_text_utf16_with_bom_is_decoded_and_read_as_tab_separated(
    codec: str, name: str
) -> None:
    text = CONTACTS.replace(",", "\t").replace("\n", "\r\n")
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    sniffed = sniff(data)
    assert (sniffed.encoding, sniffed.bom, sniffed.delimiter) == (name, True, "\t")
    assert sniffed.text == text


def test_cp1252_punctuation_is_decoded_as_cp1252() -> None:
    data = "number;name\r\n+919876543210;\u201cJos\u00e9\u201d \u2013 5\u20ac\r\n".encode("cp1252")
    sniffed = sniff(data)
    assert sniffed.encoding == "cp1252"
    assert "\u201cJos\u00e9\u201d \u2013 5\u20ac" in sniffed.text


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1() -> None:
    data = b"number,name\n+919876543210,M\xfcller \x81\n"
    sniffed = sniff(data)
    assert sniffed.encoding == "iso-8859-1"
    assert "Müller \x81" in sniffed.text


def test_the_encoding_is_decided_from_the_whole_file_not_a_prefix() -> None:
    # 20 KB of ASCII, then one Latin-1 byte: a 10 KB sample would call this UTF-8 and fail.
    rows = "".join(f"+9198765{i:05d},Name{i}\n" for i in range(1000))
    data = ("number,name\n" + rows).encode() + b"+919876500000,Zo\xeb\n"
    sniffed = sniff(data)
    assert sniffed.encoding == "cp1252"
    assert sniffed.text.endswith("Zoë\n")


def test_utf8_is_kept_when_the_first_multibyte_character_is_far_into_the_file() -> None:
    rows = "".join(f"+9198765{i:05d},Name{i}\n" for i in range(1000))
    sniffed = sniff(("number,name\n" + rows + "+919876500000,中国人\n").encode())
    assert sniffed.encoding == "utf-8"


def test_encoding_override_is_used() -> None:
    sniffed = sniff(
        "number,name\n+919876543210,Ελένη\n".encode("iso-8859-7"), encoding="iso-8859-7"
    )
    assert "Ελένη" in sniffed.text


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"a,b\n", "no-such-codec", "unknown encoding 'no-such-codec'"),
        (b"a,b\n\xff\n", "utf-8", "not valid utf-8"),
    ],
)
def test_a_bad_encoding_override_is_a_one_line_error(
    cli: Cli, write_csv: WriteCsv, data: bytes, encoding: str, message: str
) -> None:
    result = cli("check", write_csv(data), "--encoding", encoding)
    assert result.exit_code == 3
    assert message in result.stderr


def test_accents_survive_into_the_clean_output(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path
) -> None:
    data = "number;first_name\r\n9876543210;José\r\n9876543211;Müller\r\n9876543212;Zoë\r\n"
    result = cli("check", write_csv(data.encode("cp1252")), "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stdout
    clean = (tmp_path / "out" / "contacts.clean.csv").read_bytes().decode("utf-8")
    assert clean.splitlines() == [
        "number,first_name",
        "+919876543210,José",
        "+919876543211,Müller",
        "+919876543212,Zoë",
    ]


def test_non_utf8_input_is_reported_as_converted(cli: Cli, write_csv: WriteCsv) -> None:
    path = write_csv("number,first_name\n9876543210,José\n".encode("cp1252"))
    report = report_of(cli("check", path, "--format", "json"))
    assert report["input"]["encoding"] == "cp1252"
    assert "encoding-converted" in {f["code"] for f in report["findings"]}


# ---------------------------------------------------------------- delimiters


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(delimiter: str) -> None:
    text = "number,first_name,last_name\n+919876543210,Asha,Rao\n".replace(",", delimiter)
    assert detect_delimiter(text) == delimiter


def test_commas_inside_quoted_fields_do_not_outvote_semicolons() -> None:
    text = (
        '"Name, full";Phone;Notes\n"Rao, Asha";+919876543210;"a, b, c"\n'
        '"Iyer, Ravi";+919876543211;"d, e"\n'
    )
    assert detect_delimiter(text) == ";"


def test_decimal_commas_in_a_semicolon_file_do_not_matter() -> None:
    text = "Classement;Taux;Prix\r\n3 stars;0,611;81,20\r\n4 stars;0,559;111,03\r\n"
    assert detect_delimiter(text) == ";"


def test_the_delimiter_the_records_agree_with_wins_when_the_header_has_two() -> None:
    # The header has one comma and one semicolon; every record has only the semicolon.
    text = "number;name, as written\n+919876543210;Asha\n+919876543211;Ravi\n"
    assert detect_delimiter(text) == ";"


def test_a_single_column_file_is_comma_separated() -> None:
    assert detect_delimiter("number\n+919876543210\n") == ","


def test_delimiter_override_wins_over_detection() -> None:
    assert sniff(b"a;b,c\n1;2,3\n", delimiter=",").delimiter == ","


def test_a_non_comma_delimiter_is_reported_and_the_output_uses_commas(
    cli: Cli, write_csv: WriteCsv
) -> None:
    report = report_of(
        cli("check", write_csv("number|first_name\n9876543210|Asha\n"), "--format", "json")
    )
    assert report["input"]["delimiter"] == "|"
    assert "delimiter-converted" in {f["code"] for f in report["findings"]}
    assert report["stats"]["success"] == 1


# ---------------------------------------------------------------- line endings


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("a\nb\n", "LF"),
        ("a\r\nb\r\n", "CRLF"),
        ("a\rb\r", "CR"),
        ("a\r\nb\nc\r", "mixed"),
        ("a", "none"),
    ],
)
def test_line_endings_are_named(text: str, name: str) -> None:
    assert line_endings(text) == name


# ---------------------------------------------------------------- sample files


def test_sample_latin1_semicolon_file_is_read_and_cleaned(cli: Cli, tmp_path: Path) -> None:
    result = cli("check", SAMPLES / "latin1_semicolon.csv", "--out", tmp_path, "--format", "json")
    report = report_of(result)
    assert result.exit_code == 0
    assert (report["input"]["encoding"], report["input"]["delimiter"]) == ("cp1252", ";")
    assert report["input"]["line_endings"] == "CRLF"
    clean = (tmp_path / "latin1_semicolon.clean.csv").read_text(encoding="utf-8")
    assert "José,Fernandes" in clean
    assert "Zoë,D\u2019Souza" in clean


def test_sample_excel_unicode_text_is_read_and_cleaned(cli: Cli, tmp_path: Path) -> None:
    result = cli("check", SAMPLES / "excel_unicode.txt", "--out", tmp_path, "--format", "json")
    report = report_of(result)
    assert result.exit_code == 0
    assert (report["input"]["encoding"], report["input"]["delimiter"]) == ("utf-16-le", "\t")
    assert report["stats"]["success"] == 3
    clean = (tmp_path / "excel_unicode.clean.csv").read_text(encoding="utf-8")
    assert "+919123456789,美玲,東京商事" in clean


@pytest.mark.parametrize("delimiter", ['"', "\n", ";;", ""])
def test_a_delimiter_that_cannot_work_is_a_usage_error(delimiter: str) -> None:
    with pytest.raises(UsageError, match="delimiter"):
        sniff(b"a,b\n", delimiter=delimiter)


def test_an_encoding_that_yields_text_utf8_cannot_hold_is_a_one_line_error() -> None:
    with pytest.raises(InputError, match="UTF-8 cannot hold"):
        sniff(b"number\n\\ud800\n", encoding="unicode_escape")
