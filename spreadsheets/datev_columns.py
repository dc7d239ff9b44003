"""The 254 columns of DATEV's "Debitoren/Kreditoren" format, version 5, in DATEV's order.

Source: DATEV, Formatbeschreibung DATEV-Format, Debitoren/Kreditoren (Formatversion 5),
developer.datev.de; cross-checked against DATEV's sample files as reproduced by public
exporters. DATEV reads columns by position; every column must be present in every row.
Lengths are given for the columns this service fills.
"""

from __future__ import annotations


def _banks(first: int, last: int) -> list[str]:
    columns: list[str] = []
    for n in range(first, last + 1):
        columns += [
            f"Bankleitzahl {n}",
            f"Bankbezeichnung {n}",
            f"Bankkonto-Nummer {n}",
            f"Länderkennzeichen {n}",
            f"IBAN {n}",
            "Leerfeld",
            f"SWIFT-Code {n}",
            f"Abw. Kontoinhaber {n}",
            f"Kennz. Haupt-Bankverb. {n}",
            f"Bankverb. {n} Gültig von",
            f"Bankverb. {n} Gültig bis",
        ]
    return columns


HEADERS: tuple[str, ...] = (
    "Konto",
    "Name (Adressatentyp Unternehmen)",
    "Unternehmensgegenstand",
    "Name (Adressatentyp natürl. Person)",
    "Vorname (Adressatentyp natürl. Person)",
    "Name (Adressatentyp keine Angabe)",
    "Adressatentyp",
    "Kurzbezeichnung",
    "EU-Land",
    "EU-UStID",
    "Anrede",
    "Titel/Akad. Grad",
    "Adelstitel",
    "Namensvorsatz",
    "Adressart",
    "Straße",
    "Postfach",
    "Postleitzahl",
    "Ort",
    "Land",
    "Versandzusatz",
    "Adresszusatz",
    "Abweichende Anrede",
    "Abw. Zustellbezeichnung 1",
    "Abw. Zustellbezeichnung 2",
    "Kennz. Korrespondenzadresse",
    "Adresse Gültig von",
    "Adresse Gültig bis",
    "Telefon",
    "Bemerkung (Telefon)",
    "Telefon GL",
    "Bemerkung (Telefon GL)",
    "E-Mail",
    "Bemerkung (E-Mail)",
    "Internet",
    "Bemerkung (Internet)",
    "Fax",
    "Bemerkung (Fax)",
    "Sonstige",
    "Bemerkung (Sonstige)",
    *_banks(1, 5),
    "Leerfeld",
    "Briefanrede",
    "Grußformel",
    "Kundennummer",
    "Steuernummer",
    "Sprache",
    "Ansprechpartner",
    "Vertreter",
    "Sachbearbeiter",
    "Diverse-Konto",
    "Ausgabeziel",
    "Währungssteuerung",
    "Kreditlimit (Debitor)",
    "Zahlungsbedingung",
    "Fälligkeit in Tagen (Debitor)",
    "Skonto in Prozent (Debitor)",
    "Kreditoren-Ziel 1 (Tage)",
    "Kreditoren-Skonto 1 (%)",
    "Kreditoren-Ziel 2 (Tage)",
    "Kreditoren-Skonto 2 (%)",
    "Kreditoren-Ziel 3 Brutto (Tage)",
    "Kreditoren-Ziel 4 (Tage)",
    "Kreditoren-Skonto 4 (%)",
    "Kreditoren-Ziel 5 (Tage)",
    "Kreditoren-Skonto 5 (%)",
    "Mahnung",
    "Kontoauszug",
    "Mahntext 1",
    "Mahntext 2",
    "Mahntext 3",
    "Kontoauszugstext",
    "Mahnlimit Betrag",
    "Mahnlimit %",
    "Zinsberechnung",
    "Mahnzinssatz 1",
    "Mahnzinssatz 2",
    "Mahnzinssatz 3",
    "Lastschrift",
    "Verfahren",
    "Mandantenbank",
    "Zahlungsträger",
    *(f"Indiv. Feld {n}" for n in range(1, 16)),
    *(
        f"{name} (Rechnungsadresse)"
        for name in (
            "Abweichende Anrede",
            "Adressart",
            "Straße",
            "Postfach",
            "Postleitzahl",
            "Ort",
            "Land",
            "Versandzusatz",
            "Adresszusatz",
            "Abw. Zustellbezeichnung 1",
            "Abw. Zustellbezeichnung 2",
            "Adresse Gültig von",
            "Adresse Gültig bis",
        )
    ),
    *_banks(6, 10),
    "Nummer Fremdsystem",
    "Insolvent",
    *(f"SEPA-Mandatsreferenz {n}" for n in range(1, 11)),
    "Verknüpftes OPOS-Konto",
    "Mahnsperre bis",
    "Lastschriftsperre bis",
    "Zahlungssperre bis",
    "Gebührenberechnung",
    "Mahngebühr 1",
    "Mahngebühr 2",
    "Mahngebühr 3",
    "Pauschalberechnung",
    "Verzugspauschale 1",
    "Verzugspauschale 2",
    "Verzugspauschale 3",
    "Alternativer Suchname",
    "Status",
    "Anschrift manuell geändert (Korrespondenzadresse)",
    "Anschrift individuell (Korrespondenzadresse)",
    "Anschrift manuell geändert (Rechnungsadresse)",
    "Anschrift individuell (Rechnungsadresse)",
    "Fristberechnung bei Debitor",
    "Mahnfrist 1",
    "Mahnfrist 2",
    "Mahnfrist 3",
    "Letzte Frist",
)
COLUMN_COUNT = 254
assert len(HEADERS) == COLUMN_COUNT, len(HEADERS)

# The columns this service fills: 1-based position and DATEV's maximum length.
KONTO = 1  # Debitorennummer, Sachkontenlänge + 1 digits
NAME_COMPANY = (2, 50)
NAME_PERSON = (4, 30)
FIRST_NAME_PERSON = (5, 30)
ADDRESSEE_TYPE = 7  # 1 natürliche Person, 2 Unternehmen
SHORT_NAME = (8, 15)
EU_COUNTRY = (9, 2)
EU_VAT_ID = (10, 13)  # without the country prefix
ADDRESS_KIND = 15  # STR = Straße
STREET = (16, 36)
ZIP = (18, 10)
CITY = (19, 30)
COUNTRY = (20, 2)
ADDRESS_ADDITION = (22, 36)
PHONE = (29, 60)
EMAIL = (33, 60)
CUSTOMER_NUMBER = (99, 15)  # Kundennummer
