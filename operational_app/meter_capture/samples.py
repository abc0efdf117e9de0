"""Sample fleet-agent exports, generated (never committed): an FMAudit/Printanista-like
report as a Mexican dealer saves it from Excel — Windows-1252, ';', dd/mm/yyyy hh:mm,
'.' thousands, Spanish headers with accents, columns the import does not read, and
customer-owned devices the dealer does not bill — and a KMnet-like counter report.

The tests and the benchmark generate theirs; run as a script to write one for the devices
of the operational DB of $SEITON_HOME (e.g. the demo), continuing each device's history from
its latest reading up to today:

    python -m operational_app.meter_capture.samples tests/meter_capture/fmaudit-like.csv
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

FMAUDIT_HEADER = ["Cliente", "Ubicación", "Fabricante", "Modelo", "Número de serie",
                  "Dirección IP", "Fecha de auditoría", "Páginas monocromo", "Páginas color",
                  "Total de páginas", "Tóner negro %", "Estado"]
LOCATIONS = ("Recepción", "Dirección General", "Contabilidad", "Almacén", "Planta baja",
             "Área de diseño", "Recursos Humanos", "Sala de juntas")
MAKERS = (("Kyocera", "ECOSYS M3655idn"), ("Ricoh", "IM C3000"), ("HP", "LaserJet M611"),
          ("Lexmark", "CX735adse"), ("Canon", "imageRUNNER 2630i"))


@dataclass
class Fleet:
    serial: str
    mono: int
    color: int
    last: date
    per_day: int = 120
    color_per_day: int = 15


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def fmaudit_rows(fleet: list[Fleet], days: int, *, every: int = 1, seed: int = 7,
                 customer_owned: int = 3, until: date | None = None,
                 resend: bool = True) -> list[list[str]]:
    """One scan every `every` days for `days` days after each device's last reading (never
    after `until`), plus `customer_owned` devices the dealer does not bill (unknown serials);
    with `resend` the agent sends each device's first scan twice (an unchanged row)."""
    rng = random.Random(seed)
    rows = []
    strays = [Fleet(f"CLI-{rng.randint(10000, 99999)}", rng.randint(1000, 90000), 0,
                    fleet[0].last if fleet else date(2026, 1, 1)) for _ in range(customer_owned)]
    for n, f in enumerate(fleet + strays):
        maker, model = MAKERS[n % len(MAKERS)]
        where = LOCATIONS[n % len(LOCATIONS)]
        mono, color = f.mono, f.color
        for step in range(every, days + 1, every):
            day = f.last + timedelta(days=step)
            if until is not None and day > until:
                break
            mono += f.per_day * every + rng.randint(0, max(f.per_day // 5, 1))
            color += (f.color_per_day * every) if f.color_per_day else 0
            rows.append([f"Cliente {n % 40:02d}", where, maker, model, f.serial,
                         f"10.{n // 250 % 250}.{n % 250}.{rng.randint(2, 254)}",
                         f"{day:%d/%m/%Y} {rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}",
                         thousands(mono), thousands(color), thousands(mono + color),
                         f"{rng.randint(5, 100)}", "Listo"])
            if resend and step == every:
                rows.append(list(rows[-1]))
    return rows


def write_fmaudit(path: Path, rows: list[list[str]]) -> Path:
    lines = [";".join(FMAUDIT_HEADER)] + [";".join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def kmnet_text(fleet: list[Fleet], day: date) -> str:
    lines = ["Counter report - KMnet Viewer",
             "Model Name,Serial Number,IP Address,Host Name,Last Updated,Total Printed,"
             "Color Printed,Black & White Printed"]
    for n, f in enumerate(fleet):
        total = f.mono + f.color
        lines.append(f'"ECOSYS P{6000 + n}",{f.serial},10.0.0.{n + 2},KM{n:04d},'
                     f'"{day:%m/%d/%Y} 08:15 AM","{total:,}","{f.color:,}","{f.mono:,}"')
    return "\n".join(lines) + "\n"


def fleet_of(url: str) -> list[Fleet]:
    """The active devices of an operational DB with their latest counting reading and their
    usage a day over the last ~90 days (so the generated scans look like their history)."""
    from sqlalchemy import select

    from operational_app.domain import lookups
    from operational_app.store.engine import read_session
    from operational_app.store.models import Device, MeterReading

    out = []
    with read_session(url) as session:
        for d in session.scalars(select(Device).where(Device.removed_on.is_(None))
                                 .order_by(Device.serial)):
            last = lookups.latest_meter_reading(session, d.id)
            if last is None or last.meter_reset:
                continue
            old = session.scalars(select(MeterReading).where(
                MeterReading.device_id == d.id, MeterReading.deleted_at.is_(None),
                MeterReading.review_status.in_(("counted", "approved")),
                MeterReading.meter_reset.is_(False),
                MeterReading.read_on >= last.read_on - timedelta(days=90))
                .order_by(MeterReading.read_on)).first()
            days = (last.read_on - old.read_on).days if old is not None else 0
            per_day = (last.mono_counter - old.mono_counter) // days if days else 0
            color_day = (last.color_counter - old.color_counter) // days if days else 0
            out.append(Fleet(d.serial, last.mono_counter, last.color_counter, last.read_on,
                             per_day, color_day))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="e.g. tests/meter_capture/fmaudit-like.csv "
                                              "(generated files are never committed)")
    parser.add_argument("--days", type=int, default=14,
                        help="days of daily scans per device (never past today)")
    args = parser.parse_args()
    from seiton.config import load_settings

    fleet = fleet_of(load_settings().operational_url)
    from operational_app.domain import fields

    rows = fmaudit_rows(fleet, args.days, until=fields.today())
    write_fmaudit(args.out, rows)
    print(f"{args.out}: {len(rows):,} rows for {len(fleet):,} devices (+3 customer-owned)")


if __name__ == "__main__":
    main()
