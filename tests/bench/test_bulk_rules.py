# ruff: noqa: S608 - table and column names come from the models, not from input
"""The bulk demo path (operational_app/demo/bulk.py) writes a business that obeys the domain
rules: the same rows as the domain path where it bypasses the domain layer (meter readings),
and every invariant the domain layer would have enforced, checked on the stored rows."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from operational_app.store.models import Base
from operational_app.store.types import ExactDecimal

UNTIL = date(2026, 10, 31)
MONEY_TEXT = re.compile(r"^-?\d+\.\d{2}$")


@pytest.fixture(scope="module")
def dbs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from operational_app.demo import bulk, generator
    from operational_app.store.engine import dispose_engines

    base = tmp_path_factory.mktemp("bulk")
    domain_db, bulk_db = base / "domain.db", base / "bulk.db"
    generator.generate(f"sqlite:///{domain_db}", scale="tiny", until=UNTIL, progress=None)
    bulk.generate(f"sqlite:///{bulk_db}", scale="tiny", until=UNTIL, progress=None)
    dispose_engines()
    return domain_db, bulk_db


def q(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


READINGS = ("select d.serial, r.read_on, r.mono_counter, r.color_counter, r.source, "
            "r.meter_reset, r.deleted_at from meter_readings r join devices d on d.id = r.device_id "
            "order by d.serial, r.read_on, r.meter_reset")


def test_bulk_writes_the_same_business_as_the_domain_path(dbs):
    domain_db, bulk_db = dbs
    assert q(bulk_db, READINGS) == q(domain_db, READINGS)
    assert len(q(bulk_db, READINGS)) > 1000
    for table in sorted(Base.metadata.tables):
        if table in ("audit_log", "alembic_version"):
            continue
        cols = [c.name for c in Base.metadata.tables[table].columns
                if c.name not in ("id", "created_at", "updated_at", "password_hash")
                and not c.name.endswith("_id") and c.name != "deleted_at"]
        sql = f"select {', '.join(cols)} from {table} order by {', '.join(cols)}"
        assert q(bulk_db, sql) == q(domain_db, sql), table


def test_counters_never_regress_without_a_meter_reset(dbs):
    rows = q(dbs[1], "select device_id, read_on, meter_reset, mono_counter, color_counter "
                     "from meter_readings where deleted_at is null "
                     "order by device_id, read_on, meter_reset")
    prev = None
    for device, _day, reset, mono, color in rows:
        if prev is not None and prev[0] == device and not reset:
            assert mono >= prev[3] and color >= prev[4], (prev, (device, _day, mono, color))
        prev = (device, _day, reset, mono, color)


def test_no_reading_before_install_or_after_removal(dbs):
    bad = q(dbs[1], "select d.serial, r.read_on, d.installed_on, d.removed_on "
                    "from meter_readings r join devices d on d.id = r.device_id "
                    "where r.read_on < d.installed_on "
                    "or (d.removed_on is not null and r.read_on > d.removed_on)")
    assert bad == []
    assert q(dbs[1], f"select count(*) from meter_readings where read_on > '{UNTIL}'") == [(0,)]


def test_money_balances_and_applications_fit(dbs):
    db = dbs[1]
    # compared in cents, exactly (money is text on SQLite)
    cents = q(db, "select invoice_number, subtotal, tax_amount, total from invoices")
    assert [r for r in cents if _c(r[1]) + _c(r[2]) != _c(r[3])] == []
    notes = q(db, "select credit_note_number, subtotal, tax_amount, total from credit_notes")
    assert [r for r in notes if _c(r[1]) + _c(r[2]) != _c(r[3])] == []
    live = "where a.deleted_at is null" if _has(db, "payment_applications", "deleted_at") else ""
    per_invoice = q(db, "select i.invoice_number, i.total, group_concat(a.amount, '|') "
                        "from payment_applications a join invoices i on i.id = a.invoice_id "
                        f"{live} group by i.id")
    assert per_invoice, "the business has payment applications"
    assert [r for r in per_invoice if sum(_c(x) for x in r[2].split("|")) > _c(r[1])] == []
    per_payment = q(db, "select p.payment_number, p.amount, group_concat(a.amount, '|') "
                        "from payment_applications a join payments p on p.id = a.payment_id "
                        "group by p.id")
    assert [r for r in per_payment if sum(_c(x) for x in r[2].split("|")) > _c(r[1])] == []


def test_business_keys_unique_and_money_text_canonical(dbs):
    db = dbs[1]
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            cols = [c.name for c in getattr(constraint, "columns", [])]
            if not cols or constraint.__class__.__name__ not in ("UniqueConstraint",
                                                                 "PrimaryKeyConstraint"):
                continue
            dup = q(db, f"select {', '.join(cols)}, count(*) from {table.name} "
                        f"group by {', '.join(cols)} having count(*) > 1")
            assert dup == [], (table.name, cols)
        for col in table.columns:
            if col.unique:
                assert q(db, f"select {col.name} from {table.name} group by {col.name} "
                             f"having count(*) > 1") == [], (table.name, col.name)
            if isinstance(col.type, ExactDecimal) and col.type.scale == 2:
                values = [v for (v,) in q(db, f"select {col.name} from {table.name} "
                                              f"where {col.name} is not null")]
                assert [v for v in values if not MONEY_TEXT.match(str(v))] == [], \
                    (table.name, col.name)


def test_one_audit_row_per_bulk_batch_counts_every_reading(dbs):
    db = dbs[1]
    batches = q(db, "select username, entity_key, after_json from audit_log "
                    "where action = 'bulk' and entity = 'meter_readings'")
    assert batches and all(user == "operacion" for user, _, _ in batches)
    assert len({key for _, key, _ in batches}) == len(batches)
    audited = sum(json.loads(after)["rows"] for _, _, after in batches)
    assert audited == q(db, "select count(*) from meter_readings")[0][0]
    # every other write is counted too: per batch, kind of write and user
    other = q(db, "select sum(json_extract(after_json, '$.rows')) from audit_log "
                  "where action = 'bulk' and entity = 'invoices'")[0][0]
    assert other == q(db, "select count(*) from invoices")[0][0]
    assert q(db, "select count(*) from audit_log where action <> 'bulk'") == [(0,)]


def _c(text: str) -> int:
    whole, _, frac = str(text).lstrip("-").partition(".")
    value = int(whole) * 100 + int((frac + "00")[:2])
    return -value if str(text).startswith("-") else value


def _has(db: Path, table: str, column: str) -> bool:
    return any(r[1] == column for r in q(db, f"pragma table_info({table})"))
