"""The three ways the domain layer writes a row: insert, update, withdraw — each audited.

Called only after every check of the call has passed, so a refused call never leaves a
flushed partial write behind (docs/domain-rules.md, "How a call works").
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from operational_app.domain import audit
from operational_app.domain.errors import ValidationError
from operational_app.store.models import utcnow

Row = TypeVar("Row")


def insert(session: Session, actor: str, row: Row, key: str, key_field: str) -> Row:
    """Add and flush a new row, then audit it.

    The checks before this already refused duplicates; an IntegrityError here means a
    concurrent writer committed the same business key between our check and our insert.
    """
    row.created_by = actor  # type: ignore[attr-defined]
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ValidationError(
            key_field, "'{key}' already exists (written concurrently by another user)", key=key
        ) from exc
    audit.created(session, actor, row, key)
    return row


def update(
    session: Session, actor: str, row: Row, key: str, *, action: str = "update", **changes: Any
) -> Row:
    """Apply `changes` and audit the row before and after."""
    before = audit.snapshot(row)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = utcnow()  # type: ignore[attr-defined]  # the snapshot shows the real cursor
    session.flush()
    audit.record(
        session, actor, action, row.__tablename__, key, before, audit.snapshot(row)  # type: ignore[attr-defined]
    )
    return row


def withdraw(session: Session, actor: str, row: Row, key: str) -> Row:
    """Soft delete: the row stays (the warehouse must see the deletion), flagged as withdrawn."""
    return update(
        session, actor, row, key, action="withdraw", deleted_at=utcnow(), deleted_by=actor
    )
