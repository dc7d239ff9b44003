"""DATEV master data file "Debitoren/Kreditoren" (DATEV-Format, EXTF, category 16).

Header line and columns follow DATEV's format description (developer.datev.de, DATEV-
Format: Header, Debitoren/Kreditoren Formatversion 5; see spreadsheets/datev_columns.py).
Written: Konto (DATEV debtor number), company name or last and first name, Adressatentyp
(1 natürliche Person, 2 Unternehmen), Kurzbezeichnung, EU-Land and EU-UStID (split from
the VAT id), the invoice address (Adressart STR, Straße with house number, Postleitzahl,
Ort, Land, Adresszusatz), Telefon, E-Mail (the billing e-mail) and Kundennummer, each cut
to DATEV's field length. Every row has all 254 columns. Semicolon-separated, text in
double quotes with inner quotes doubled, no line breaks in fields, Windows-1252, CRLF.
Customers without a debtor number are not written: DATEV needs the Konto. Text that a
spreadsheet program would run as a formula (starting with =, @, or + and - not followed
by a phone number) gets a leading apostrophe, as spreadsheet programs expect for text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from models import Organization
from models.enums import CustomerType
from spreadsheets import datev_columns as col
from spreadsheets.customer_record import CustomerRecord

FORMAT_CATEGORY = 16
FORMAT_NAME = "Debitoren/Kreditoren"
FORMAT_VERSION = 5
HEADER_VERSION = 700

NATURAL_PERSON, COMPANY = "1", "2"
# Countries whose VAT ids DATEV splits into EU-Land and EU-UStID ("EL" is Greece's prefix).
EU_VAT_PREFIXES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "XI",
    }
)


# Text a spreadsheet program would run as a formula when someone opens the CSV; phone
# numbers like "+49 30 1234567" are left alone.
_FORMULA_START = re.compile(r"[=@\t\r]|[+-](?![\d\s()/.-]*$)")


def _text(value: str | None, limit: int) -> str:
    if not value:
        return ""
    if _FORMULA_START.match(value):
        value = "'" + value
    # Windows-1252 cannot carry every character; DATEV gets "?" rather than a failed export.
    cut = value.replace("\r", " ").replace("\n", " ")[:limit]
    cut = cut.encode("cp1252", errors="replace").decode("cp1252")
    return '"' + cut.replace('"', '""') + '"'


def header_line(organization: Organization, created: dt.datetime) -> list[str]:
    """The 31 fields of line 1, as in DATEV's example for Debitoren/Kreditoren."""
    fields = [""] * 31
    fields[0] = '"EXTF"'
    fields[1] = str(HEADER_VERSION)
    fields[2] = str(FORMAT_CATEGORY)
    fields[3] = f'"{FORMAT_NAME}"'
    fields[4] = str(FORMAT_VERSION)
    fields[5] = created.strftime("%Y%m%d%H%M%S") + f"{created.microsecond // 1000:03d}"
    fields[7] = '"RE"'  # Herkunft
    fields[8] = '"Kundenstamm"'  # Exportiert von
    fields[9] = '""'
    fields[10] = organization.datev_consultant_number or ""  # Beraternummer
    fields[11] = organization.datev_client_number or ""  # Mandantennummer
    fields[12] = f"{created.year}0101"  # WJ-Beginn
    fields[13] = str(organization.datev_account_length)  # Sachkontenlänge
    for quoted_empty in (16, 17, 21, 23, 26, 29, 30):
        fields[quoted_empty] = '""'
    return fields


def record_fields(record: CustomerRecord) -> list[str]:
    customer = record.customer
    address = record.invoice_address
    person = customer.type is CustomerType.PERSON
    vat = customer.vat_id or ""
    eu_country, eu_vat = (vat[:2], vat[2:]) if vat[:2] in EU_VAT_PREFIXES else ("", "")
    street = " ".join(part for part in (address.street, address.house_number) if part)
    fields = [""] * col.COLUMN_COUNT

    def put(column: tuple[int, int], value: str | None) -> None:
        position, limit = column
        fields[position - 1] = _text(value, limit)

    fields[col.KONTO - 1] = customer.datev_debtor_number or ""
    if person:
        put(col.NAME_PERSON, customer.last_name)
        put(col.FIRST_NAME_PERSON, customer.first_name)
    else:
        put(col.NAME_COMPANY, customer.company_name)
    fields[col.ADDRESSEE_TYPE - 1] = _text(NATURAL_PERSON if person else COMPANY, 1)
    put(col.SHORT_NAME, customer.display_name)
    put(col.EU_COUNTRY, eu_country)
    put(col.EU_VAT_ID, eu_vat)
    if street:
        fields[col.ADDRESS_KIND - 1] = _text("STR", 3)
    put(col.STREET, street)
    put(col.ZIP, address.zip)
    put(col.CITY, address.city)
    put(col.COUNTRY, address.country_code)
    put(col.ADDRESS_ADDITION, address.addition)
    put(col.PHONE, customer.phone)
    put(col.EMAIL, record.invoice_email)
    put(col.CUSTOMER_NUMBER, customer.customer_number)
    return fields


class DatevDebtorFile:
    """Writes the file line by line; customers without a debtor number are left out."""

    def __init__(self, path: Path, organization: Organization) -> None:
        self.path = path
        self.organization = organization
        self.rows = 0
        self._file: IO[str] | None = None

    def __enter__(self) -> Self:
        self._file = self.path.open("w", encoding="cp1252", newline="")
        self._line(header_line(self.organization, dt.datetime.now(dt.UTC)))
        # DATEV's own files leave the column headings unquoted.
        self._line(list(col.HEADERS))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.close()

    def _line(self, fields: list[str]) -> None:
        assert self._file is not None
        self._file.write(";".join(fields) + "\r\n")

    def append(self, records: Iterable[CustomerRecord]) -> None:
        for record in records:
            if record.customer.datev_debtor_number:
                self._line(record_fields(record))
                self.rows += 1
