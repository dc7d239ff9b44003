"""Streaming XLSX writer that never lets a cell become a formula."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from spreadsheets.customer_columns import Column
from spreadsheets.customer_record import CustomerRecord

# Everything XML 1.0 cannot carry: control characters, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value: str) -> str:
    """Text as a cell can hold it: characters XML cannot carry are dropped, not fatal."""
    return _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", value))


class CustomerSheet:
    """One worksheet in write-only mode: rows go to disk as they come."""

    def __init__(self, columns: list[Column], title: str = "Kunden") -> None:
        self.columns = columns
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title)
        self.sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        bold = Font(bold=True)
        header = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, value=column.header)
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)
        self.rows = 0

    def _cell(self, column: Column, value: Any) -> Any:
        if isinstance(value, str):
            value = clean_text(value)
            if not value.startswith("="):
                return value  # openpyxl stores any other text as text
            # Typed as text, "=HYPERLINK(...)" stays the characters it is, never a formula.
            # (+, -, @, tab and CR only turn into formulas in CSV; here they are text anyway.)
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.data_type = "s"
            return cell
        if column.number_format and value is not None:
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = column.number_format
            return cell
        return value

    def append(self, records: Iterable[CustomerRecord]) -> None:
        for record in records:
            self.sheet.append([self._cell(c, c.value(record)) for c in self.columns])
            self.rows += 1

    def save(self, path: Path) -> None:
        self.workbook.save(path)
