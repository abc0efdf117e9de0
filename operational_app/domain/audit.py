"""Every write lands in the audit log, in the same transaction as the write itself.

A session whose `info[BUFFER]` is a list (the demo's bulk path, operational_app/demo/
bulk_ops.py) gets its audit rows appended there, as the column values `record` would add,
in write order; the bulk path writes them before the transaction commits.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from operational_app.store.models import AuditLog

_HIDDEN = {"password_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


plain = _plain  # the batch path writes the same JSON form (meter_batch.py)


BUFFER = "seiton.audit_buffer"


def snapshot(row: Any) -> dict[str, Any]:
    """The row's column values as JSON-ready data (secrets left out)."""
    mapper = inspect(row).mapper
    return {
        c.key: _plain(getattr(row, c.key)) for c in mapper.column_attrs if c.key not in _HIDDEN
    }


@cache
def _columns(model: type) -> tuple[tuple[str, str], ...]:
    return tuple((c.key, c.columns[0].name) for c in inspect(model).column_attrs
                 if c.key not in _HIDDEN)


def snapshot_of(model: type, values: dict[str, Any]) -> dict[str, Any]:
    """`snapshot` of a `model` row held as its column values {column name: value}."""
    return {key: _plain(values[name]) for key, name in _columns(model)}


def record(
    session: Session,
    username: str,
    action: str,
    entity: str,
    entity_key: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    values = {
        "username": username,
        "action": action,
        "entity": entity,
        "entity_key": str(entity_key),
        "before_json": json.dumps(before, sort_keys=True) if before is not None else None,
        "after_json": json.dumps(after, sort_keys=True) if after is not None else None,
    }
    buffer = session.info.get(BUFFER)
    if buffer is not None:
        buffer.append(values)
    else:
        session.add(AuditLog(**values))


def created(session: Session, username: str, row: Any, key: str) -> None:
    """Audit an insert (flushes so generated ids are in the record)."""
    session.flush()
    record(session, username, "create", row.__tablename__, key, None, snapshot(row))
