"""Streaming XLSX writer that never lets a cell become a formula."""

from __future__ import annotations

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


def clean_text(value: str) -> str:
    """Text as a cell can hold it: characters XML cannot carry are dropped, not fatal."""
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", value)
    return cleaned


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

    def _cell(self, column: Column, value: Any) -> WriteOnlyCell:
        if isinstance(value, str):
            cell = WriteOnlyCell(self.sheet, value=clean_text(value))
            # Typed as text, a value like "=HYPERLINK(...)" (or one starting with +, -, @,
            # tab or CR) stays the characters it is and never becomes a formula.
            cell.data_type = "s"
            return cell
        cell = WriteOnlyCell(self.sheet, value=value)
        if column.number_format:
            cell.number_format = column.number_format
        return cell

    def append(self, records: Iterable[CustomerRecord]) -> None:
        for record in records:
            self.sheet.append([self._cell(c, c.value(record)) for c in self.columns])
            self.rows += 1

    def save(self, path: Path) -> None:
        self.workbook.save(path)
