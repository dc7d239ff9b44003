"""The rows of an XLSX workbook's first sheet, read with lxml as they stream by.

openpyxl builds an object per cell through the standard library's XML parser (with
defusedxml active, so never lxml) and reads a sheet without a dimension twice: for an
import it was most of the reading time. Values come as the sheet stores them: strings,
numbers (int or float), booleans; dates stay numbers (no import column is a date).

The parser never resolves entities, loads a DTD or touches the network; the zip archive
was checked for bombs before (import_reader).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

OFFICE_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_RELATIONSHIPS = "http://purl.oclc.org/ooxml/officeDocument/relationships"


class SheetError(ValueError):
    """The workbook's structure or XML is broken; the message names what."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return etree.fromstring(archive.read(name), _parser())
    except KeyError:
        raise SheetError(f"the part {name} is missing") from None
    except etree.XMLSyntaxError as exc:
        raise SheetError(f"the part {name} is not XML ({exc})") from None


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of a part, targets resolved to zip names."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in archive.namelist():
        return {}
    found: dict[str, tuple[str, str]] = {}
    for relationship in _xml(archive, rels_name):
        target = relationship.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[relationship.get("Id", "")] = (
            relationship.get("Type", ""),
            posixpath.normpath(resolved),
        )
    return found


def first_sheet(archive: zipfile.ZipFile) -> tuple[str | None, str | None]:
    """The first worksheet's part and the shared strings' part, if any."""
    workbook = "xl/workbook.xml"
    relationships = _relationships(archive, workbook)
    sheet_part = None
    for element in _xml(archive, workbook).iter():
        if _local(element) == "sheet":
            rid = element.get(f"{{{OFFICE_RELATIONSHIPS}}}id") or element.get(
                f"{{{STRICT_RELATIONSHIPS}}}id"
            )
            sheet_part = relationships.get(rid or "", ("", None))[1]
            break
    strings_part = next(
        (target for kind, target in relationships.values() if kind.endswith("/sharedStrings")),
        None,
    )
    return sheet_part, strings_part


def _text(element: Any) -> str:
    """Text of a string item: its runs, without phonetic hints (rPh)."""
    return "".join(t.text or "" for t in element.iter("{*}t") if _local(t.getparent()) != "rPh")


def shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None or part not in archive.namelist():
        return []
    strings: list[str] = []
    with archive.open(part) as source:
        for _, item in _iterparse(source, "si"):
            strings.append(_text(item))
            _release(item)
    return strings


def _iterparse(source: IO[bytes], tag: str) -> Any:
    return etree.iterparse(
        source,
        events=("end",),
        tag=f"{{*}}{tag}",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )


def _release(element: Any) -> None:
    """Keep memory flat: drop what was read."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _column(reference: str | None, fallback: int) -> int:
    if not reference:
        return fallback
    index = 0
    for char in reference:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1 if index else fallback


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _value(cell: Any, strings: list[str]) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = next((child for child in cell if _local(child) == "is"), None)
        return _text(inline) if inline is not None else None
    raw = next((child.text for child in cell if _local(child) == "v"), None)
    if raw is None:
        return None
    if kind == "s":
        return strings[int(raw)]
    if kind == "b":
        return raw.strip() == "1"
    if kind in ("str", "e", "d"):
        return raw
    return _number(raw)


def sheet_rows(
    archive: zipfile.ZipFile, sheet_part: str, strings: list[str]
) -> Iterator[tuple[int, list[Any]]]:
    """(1-based sheet row, cells) for every row element of the sheet, in order."""
    with archive.open(sheet_part) as source:
        number = 0
        for _, row in _iterparse(source, "row"):
            number = int(row.get("r") or number + 1)
            cells: list[Any] = []
            for cell in row:
                if _local(cell) != "c":
                    continue
                position = _column(cell.get("r"), len(cells))
                if position >= len(cells):
                    cells.extend([None] * (position + 1 - len(cells)))
                cells[position] = _value(cell, strings)
            _release(row)
            yield number, cells
