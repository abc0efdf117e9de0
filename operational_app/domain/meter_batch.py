"""Many meter readings at once (an agent's export read through an import profile): the
same rules as `billing.record_meter_reading`, checked against every device's history read
once, and written with one statement per table.

A 50 MB export holds a few hundred thousand readings; one domain call per row (its own
queries, flush and audit insert) takes minutes. Here the devices, models and existing
readings of the file are read in a few queries, each row goes through the very check
functions the single-reading path uses (billing.check_reading_date, check_same_key,
meter_rules.check_fits and hold_reasons, on a `History` kept up to date as rows are
accepted), and only when no row failed are the new readings inserted and audited row by
row, like writes.insert does (docs/meter-readings.md, "The fast path").
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from operational_app.domain import audit, billing, fields, meter_rules
from operational_app.domain.fields import Checker, check_actor
from operational_app.domain.messages import Msg, msg
from operational_app.store.models import AuditLog, Device, DeviceModel, MeterReading, utcnow

CHUNK = 500  # keys per IN (…) list: SQLite's parameter limit is far above, plans stay small


@dataclass(slots=True)
class Row:
    """One reading to record; `line` says where it came from (errors name it)."""

    line: int
    serial: str
    read_on: date
    mono: int
    color: int
    source: str = "agent"
    reset: bool = False


@dataclass
class RowError:
    line: int
    field: str  # the domain field (serial, read_on, mono_counter, color_counter, meter_reset)
    message: Msg  # docs/conventions.md "Messages"

    @property
    def reason(self) -> str:
        """The English text."""
        return str(self.message)


@dataclass
class BatchResult:
    inserted: int = 0
    held: int = 0  # of the inserted (and revived), those held for review
    unchanged: int = 0
    revived: int = 0
    unknown_serials: dict[str, list[int]] = field(default_factory=dict)  # serial → lines
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    statuses: dict[int, str] = field(default_factory=dict)  # line → inserted/held/unchanged/…

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Stored:
    id: int
    mono: int
    color: int
    source: str
    review_status: str
    deleted: bool


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]


def record_meter_readings(
    session: Session, actor: str, rows: list[Row], *, review: bool = True,
    unknown_serials: str = "error", commit: bool = True,
) -> BatchResult:
    """Check every row; write them all (commit=True) only when none failed. Unknown serials
    are errors, or with `unknown_serials="skip"` listed and left out."""
    actor = check_actor(actor)
    result = BatchResult()
    serials = sorted({r.serial for r in rows})
    devices: dict[str, Device] = {}
    for chunk in _chunks(serials):
        for device in session.scalars(select(Device).where(Device.serial.in_(chunk))
                                      .with_for_update()):
            devices[device.serial] = device
    known = []
    for r in rows:
        if r.serial in devices:
            known.append(r)
        elif unknown_serials == "skip":
            result.unknown_serials.setdefault(r.serial, []).append(r.line)
            result.statuses[r.line] = "skipped"
        else:
            result.errors.append(RowError(r.line, "serial", msg("unknown {what} '{key}'", what="device",
                                                                        key=r.serial)))
    models = _models(session, {d.model for d in devices.values() if d.model})
    stored, histories = _histories(session, list(devices.values()))
    t = meter_rules.thresholds(session) if review else None
    today = fields.today()

    seen: dict[tuple[int, date, bool], Row] = {}
    new: list[dict[str, Any]] = []
    revive: list[tuple[int, dict[str, Any]]] = []
    # in reading order per device, as the single-reading path would be fed
    known.sort(key=lambda r: (r.serial, meter_rules.order_key(r.read_on, r.reset), r.line))
    for r in known:
        device = devices[r.serial]
        key = (device.id, r.read_on, r.reset)
        first = seen.get(key)
        if first is not None:
            if (first.mono, first.color) != (r.mono, r.color):
                result.errors.append(RowError(
                    r.line, "mono_counter" if first.mono != r.mono else "color_counter",
                    msg("line {line} has another reading of device {serial} on {read_on} with "
                        "different counters (mono {mono}, color {color}; here mono {mono2}, "
                        "color {color2})", line=first.line, serial=r.serial, read_on=r.read_on,
                        mono=first.mono, color=first.color, mono2=r.mono, color2=r.color)))
            else:
                result.unchanged += 1
                result.statuses[r.line] = "unchanged"
            continue
        seen[key] = r
        v = Checker()
        billing.check_reading_date(v, device, r.read_on, today)
        same = stored.get(key)
        if same is not None and (same.mono, same.color) == (r.mono, r.color) and (
                not same.deleted or same.review_status == "rejected"):
            # agents re-send what they sent before; a rejected reading stays rejected
            result.unchanged += 1
            result.statuses[r.line] = "unchanged"
            continue
        billing.check_same_key(
            v, r.serial, None if same is None or same.deleted else
            (same.review_status, same.mono, same.color), r.read_on, r.reset)
        reasons: list[str] = []
        history = histories[device.id]
        if not v.has_error("read_on"):
            before, after = history.neighbours(r.read_on, r.reset)
            meter_rules.check_fits(v, r.serial, before, after, r.mono, r.color, r.reset)
            if t is not None and not v.errors:
                info = models.get(device.model or "", meter_rules.ModelInfo())
                reasons = meter_rules.hold_reasons(
                    history, history.previous(r.read_on, r.reset), r.read_on, r.mono,
                    r.color, r.reset, info, t)
        if v.errors:
            result.errors += [RowError(r.line, e.field, e.message) for e in v.errors]
            continue
        values = {"mono_counter": r.mono, "color_counter": r.color, "source": r.source,
                  **billing.review_fields(reasons, review)}
        history.add(meter_rules.Point(r.read_on, r.reset, r.mono, r.color,
                                      counts=not reasons))
        result.held += bool(reasons)
        result.statuses[r.line] = "held" if reasons else "inserted"
        if same is not None:
            revive.append((same.id, values))
        else:
            new.append({"device_id": device.id, "read_on": r.read_on, "meter_reset": r.reset,
                        **values})
    result.inserted = len(new) + len(revive)
    result.revived = len(revive)
    if result.errors or not commit:
        return result
    _write(session, actor, devices, new, revive)
    result.written = True
    return result


def _models(session: Session, names: set[str]) -> dict[str, meter_rules.ModelInfo]:
    out = {}
    for chunk in _chunks(sorted(names)):
        for m in session.scalars(select(DeviceModel).where(DeviceModel.model.in_(chunk))):
            out[m.model] = meter_rules.ModelInfo(not m.is_color, m.rated_monthly_volume)
    return out


def _histories(session: Session, devices: list[Device]
               ) -> tuple[dict[tuple[int, date, bool], _Stored], dict[int, meter_rules.History]]:
    """Every stored reading of these devices by key, and their counting histories."""
    stored: dict[tuple[int, date, bool], _Stored] = {}
    points: dict[int, list[meter_rules.Point]] = defaultdict(list)
    m = MeterReading
    for chunk in _chunks([d.id for d in devices]):
        for row in session.execute(select(
                m.id, m.device_id, m.read_on, m.meter_reset, m.mono_counter, m.color_counter,
                m.source, m.review_status, m.deleted_at).where(m.device_id.in_(chunk))):
            deleted = row.deleted_at is not None
            stored[(row.device_id, row.read_on, row.meter_reset)] = _Stored(
                row.id, row.mono_counter, row.color_counter, row.source, row.review_status,
                deleted)
            if not deleted:  # counted, approved and held: what the rules look at
                points[row.device_id].append(meter_rules.Point(
                    row.read_on, row.meter_reset, row.mono_counter, row.color_counter,
                    counts=row.review_status in meter_rules.COUNTING))
    histories = {d.id: meter_rules.History([billing.install_point(d), *points[d.id]])
                 for d in devices}
    return stored, histories


READING_COLUMNS = ("device_id", "read_on", "meter_reset", "mono_counter", "color_counter",
                   "source", "review_status", "review_reason", "created_at", "created_by",
                   "updated_at")
AUDIT_COLUMNS = ("at", "username", "action", "entity", "entity_key", "before_json",
                 "after_json", "updated_at")


def _write(session: Session, actor: str, devices: dict[str, Device],
           new: list[dict[str, Any]], revive: list[tuple[int, dict[str, Any]]]) -> None:
    """Insert (and revive) the readings and audit each as writes.insert/update would, with
    one executemany per table (the DBAPI's own on SQLite: ~10× SQLAlchemy's per-row
    parameter processing, as the demo's bulk path measured)."""
    now = utcnow()
    serial_of = {d.id: d.serial for d in devices.values()}
    audits: list[tuple[Any, ...]] = []
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    table = MeterReading.__table__
    if new:
        start = session.scalar(select(func.max(MeterReading.id))) or 0
        if sqlite:
            stamp = table.c.created_at.type.dialect_impl(conn.dialect).bind_processor(
                conn.dialect)(now)
            conn.exec_driver_sql(
                f"insert into meter_readings ({', '.join(READING_COLUMNS)}) "  # noqa: S608
                f"values ({', '.join('?' * len(READING_COLUMNS))})",
                [(r["device_id"], r["read_on"].isoformat(), int(r["meter_reset"]),
                  r["mono_counter"], r["color_counter"], r["source"], r["review_status"],
                  r["review_reason"], stamp, actor, stamp) for r in new])
        else:
            conn.execute(insert(table), [{**{k: r[k] for k in READING_COLUMNS[:8]},
                                          "created_at": now, "created_by": actor,
                                          "updated_at": now} for r in new])
        # the unique key finds each new row's id (a concurrent writer's rows are not ours);
        # on SQLite read as stored (ISO text, 0/1), without per-row type processing
        if sqlite:
            found = conn.exec_driver_sql(
                "select id, device_id, read_on, meter_reset from meter_readings where id > ?",
                (start,)).all()
            ids = {(d, date.fromisoformat(on), bool(reset)): id_ for id_, d, on, reset in found}
        else:
            ids = {(d, on, bool(reset)): id_ for id_, d, on, reset in session.execute(
                select(MeterReading.id, MeterReading.device_id, MeterReading.read_on,
                       MeterReading.meter_reset).where(MeterReading.id > start))}
        # the JSON audit.snapshot would give, keys sorted, spelled out once (json.dumps of
        # each of 10⁵–10⁶ rows was a fifth of the import): only the texts are escaped
        stamp_json = json.dumps(audit.plain(now))
        actor_json = json.dumps(actor)
        for r in new:
            id_ = ids[(r["device_id"], r["read_on"], r["meter_reset"])]
            after = (
                f'{{"color_counter": {r["color_counter"]}, "created_at": {stamp_json}, '
                f'"created_by": {actor_json}, "decided_at": null, "decided_by": null, '
                f'"deleted_at": null, "deleted_by": null, "device_id": {r["device_id"]}, '
                f'"id": {id_}, "meter_reset": {"true" if r["meter_reset"] else "false"}, '
                f'"mono_counter": {r["mono_counter"]}, "read_on": "{r["read_on"].isoformat()}", '
                f'"review_note": null, "review_reason": {json.dumps(r["review_reason"])}, '
                f'"review_status": "{r["review_status"]}", "source": {json.dumps(r["source"])}, '
                f'"updated_at": {stamp_json}}}')
            key = f"{serial_of[r['device_id']]}:{r['read_on'].isoformat()}" + (
                ":reset" if r["meter_reset"] else "")
            audits.append((actor, "create", "meter_readings", key, None, after))
    for id_, values in revive:
        existing = session.get(MeterReading, id_)
        before = audit.snapshot(existing)
        session.execute(update(MeterReading).where(MeterReading.id == id_).values(
            deleted_at=None, deleted_by=None, updated_at=now, **values))
        session.expire(existing)
        audits.append(_audit(now, actor, "update", serial_of, audit.snapshot(existing), before))
    if not audits:
        return
    if sqlite:
        stamp = AuditLog.__table__.c.at.type.dialect_impl(conn.dialect).bind_processor(
            conn.dialect)(now)
        conn.exec_driver_sql(
            f"insert into audit_log ({', '.join(AUDIT_COLUMNS)}) "  # noqa: S608
            f"values ({', '.join('?' * len(AUDIT_COLUMNS))})",
            [(stamp, *a, stamp) for a in audits])
    else:
        conn.execute(insert(AuditLog.__table__), [
            dict(zip(AUDIT_COLUMNS, (now, *a, now), strict=True)) for a in audits])


def _audit(now: Any, actor: str, action: str, serial_of: dict[int, str],
           after: dict[str, Any], before: dict[str, Any] | None) -> tuple[Any, ...]:
    """(username, action, entity, entity_key, before_json, after_json) of one write."""
    key = f"{serial_of[after['device_id']]}:{after['read_on']}" + (
        ":reset" if after["meter_reset"] else "")
    return (actor, action, "meter_readings", key,
            json.dumps(before, sort_keys=True) if before is not None else None,
            json.dumps(after, sort_keys=True))
