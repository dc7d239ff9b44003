"""Reading an uploaded customer list (XLSX or CSV) defensively.

Uploads come from anyone with a key: the bytes are checked before a parser sees them.
XLSX: a zip whose entries must stay small in total and in compression ratio (zip bombs),
without macros; its first sheet is read with lxml, no entities or DTDs (xlsx_rows).
Encrypted workbooks (an OLE container) and anything else are refused. CSV: UTF-8 with
or without BOM, else Windows-1252; `;` or `,` as separator, whichever the header uses.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from spreadsheets.xlsx_rows import first_sheet, shared_strings, sheet_rows

MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(ValueError):
    """A file we will not parse; the message is for the user."""


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (1-based file row, cells)


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFile("The file is not a readable XLSX workbook.") from None
    with archive:
        total = 0
        for entry in archive.infolist():
            total += entry.file_size
            if (
                entry.compress_size
                and entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO
            ):
                raise UnreadableFile(
                    "The workbook is compressed suspiciously strongly (zip bomb?)."
                )
            if entry.filename.lower().endswith("vbaproject.bin"):
                raise UnreadableFile("Workbooks with macros are not accepted; save it as .xlsx.")
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UnreadableFile("The workbook unpacks to more than 256 MB.")
        if "xl/workbook.xml" not in archive.namelist():
            raise UnreadableFile("The file is a zip archive, not an XLSX workbook.")


def _text_header(cells: list[Any]) -> list[str]:
    return ["" if cell is None else str(cell).strip() for cell in cells]


def _xlsx(data: bytes, max_rows: int) -> Table:
    _check_zip(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        sheet_part, strings_part = first_sheet(archive)
        if sheet_part is None or sheet_part not in archive.namelist():
            raise UnreadableFile("The workbook has no worksheet.")
        strings = shared_strings(archive, strings_part)
        rows = sheet_rows(archive, sheet_part, strings)
        first = next(rows, None)
    except UnreadableFile:
        archive.close()
        raise
    except Exception as exc:
        # Broken XML, a missing part, a bad reference: the user needs one message.
        archive.close()
        raise UnreadableFile(f"The workbook cannot be read ({type(exc).__name__}).") from None
    if first is None:
        archive.close()
        raise UnreadableFile("The workbook is empty.")
    # A sheet whose first row is empty has no header (every column is then unknown).
    header = _text_header(first[1]) if first[0] == 1 else []

    def body() -> Iterator[tuple[int, list[Any]]]:
        try:
            if first[0] != 1:
                yield first
            for count, (number, cells) in enumerate(rows, start=1 + (first[0] != 1)):
                if count > max_rows:
                    raise UnreadableFile(f"More than {max_rows} rows; split the file.")
                yield number, cells
        except UnreadableFile:
            raise
        except Exception as exc:
            # Sheets are parsed while rows are read: a damaged one fails only here.
            raise UnreadableFile(f"The worksheet cannot be read ({type(exc).__name__}).") from None
        finally:
            archive.close()

    return Table(header, body())


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv(data: bytes, max_rows: int) -> Table:
    if b"\x00" in data[:4096]:
        raise UnreadableFile("The file is neither an XLSX workbook nor a CSV text file.")
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise UnreadableFile("The CSV file is not valid UTF-8.") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _text_header(next(reader))
    except StopIteration:
        raise UnreadableFile("The file is empty.") from None
    except csv.Error as exc:
        raise UnreadableFile(f"The CSV file cannot be read: {exc}.") from None

    def body() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, row in enumerate(reader, start=2):
                if number - 1 > max_rows:
                    raise UnreadableFile(f"More than {max_rows} rows; split the file.")
                yield number, [cell if cell != "" else None for cell in row]
        except csv.Error as exc:
            raise UnreadableFile(f"The CSV file cannot be read: {exc}.") from None

    return Table(header, body())


def read_table(data: bytes, *, max_rows: int) -> Table:
    if data.startswith(ZIP_MAGIC):
        return _xlsx(data, max_rows)
    if data.startswith(OLE_MAGIC):
        raise UnreadableFile(
            "Password-protected or old-format (.xls) workbooks are not accepted; "
            "save it as .xlsx without a password."
        )
    return _csv(data, max_rows)
