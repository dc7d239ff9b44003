"""Benchmark: importing a customer XLSX of N rows (the export's columns).

    python -m bench.bench_import [--rows 10000] [--database-url URL]

Prints seconds, rows per second and peak RSS for a dry run and for the real import.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import resource
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from tortoise import Tortoise

from database import apply_migrations, tortoise_config
from domain.customers.importing import import_customers
from domain.organizations import create_organization
from domain.principal import Actor
from models.enums import ActorType, ImportMode


def workbook(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Kunden")
    sheet.append(
        [
            "Kundentyp",
            "Firmenname",
            "Kunden-E-Mail-Adresse",
            "USt-IdNr.",
            "Standard-Kundenadresse: Straße",
            "Standard-Kundenadresse: Hausnummer",
            "Standard-Kundenadresse: PLZ",
            "Standard-Kundenadresse: Ort",
            "Standard-Kundenadresse: Land",
            "Standard-Zahlungsart",
        ]
    )
    for n in range(rows):
        sheet.append(
            [
                "Unternehmen",
                f"Firma {n} GmbH",
                f"kontakt{n}@example.com",
                "DE136695976",
                "Hauptstraße",
                str(n % 200 + 1),
                "10115",
                "Berlin",
                "DE",
                "SEPA-Lastschrift",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(rows: int, database_url: str) -> None:
    await apply_migrations(database_url)
    # As the import worker connects (workers/import_worker.py).
    await Tortoise.init(config=tortoise_config(database_url, batch_writer=True))
    try:
        organization, key = await create_organization(name="Bench GmbH")
        actor = Actor(ActorType.API_KEY, key.id)
        data = workbook(rows)
        print(f"{rows} rows, file {len(data) / 1e6:.1f} MB, peak RSS {_peak_mib():.0f} MiB")
        for dry_run in (True, False):
            started = time.perf_counter()
            outcome = await import_customers(
                organization=organization,
                actor=actor,
                data=data,
                dry_run=dry_run,
                mode=ImportMode.UPSERT,
            )
            seconds = time.perf_counter() - started
            print(
                f"{'dry run' if dry_run else 'import '}: {outcome.created} created, "
                f"{len(outcome.errors)} errors, {seconds:.1f} s, {rows / seconds:.0f} rows/s, "
                f"peak RSS {_peak_mib():.0f} MiB"
            )
    finally:
        await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite://{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    asyncio.run(run(args.rows, url))


if __name__ == "__main__":
    main()
