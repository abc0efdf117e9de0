"""The three ways the domain layer writes a row: insert, update, withdraw — each audited.

Called only after every check of the call has passed, so a refused call never leaves a
flushed partial write behind (docs/domain-rules.md, "How a call works").

`Writer` is how the operations of operation.py and billing.py write (docs/domain-api.md,
"Lookups and writers"): `SessionWriter` through the functions below, the bulk demo path
through a buffer of the same rows and audit rows. `on_session` makes an operation written
against `Lookups` and a `Writer` the `fn(session, actor, **fields)` the app calls.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import update_wrapper
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from operational_app.domain import audit
from operational_app.domain.errors import ValidationError
from operational_app.domain.lookups import SessionLookups
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


class Writer(Protocol):
    """Where an operation writes, once every check of the call passed: each write is its row
    and one audit row (`audit.created` / `audit.record`'s)."""

    def insert(self, actor: str, model: type, values: dict[str, Any], key: str,
               key_field: str) -> Any:
        """A new `model` row with `values` (`insert`): the written row."""

    def update(self, actor: str, row: Any, key: str, **changes: Any) -> Any:
        """`changes` to a row the lookups returned (`update`): the row."""


class SessionWriter:
    """`Writer` through the session: `insert` and `update` above, one flush each."""

    __slots__ = ("session",)

    def __init__(self, session: Session) -> None:
        self.session = session

    def insert(self, actor: str, model: type, values: dict[str, Any], key: str,
               key_field: str) -> Any:
        return insert(self.session, actor, model(**values), key, key_field)

    def update(self, actor: str, row: Any, key: str, **changes: Any) -> Any:
        return update(self.session, actor, row, key, **changes)


Op = Callable[..., Any]


def on_session(op: Op) -> Op:
    """`op(lookups, writer, actor, **fields)` as `fn(session, actor, **fields)`: the
    session's lookups and writer (`SessionLookups`, `SessionWriter`). The function keeps
    `op`'s name, docstring and fields (its signature shows `session` first, as the forms'
    and the imports' callers see it); `fn.op` is `op`, for callers with other lookups and
    writers (the bulk demo path)."""

    def fn(session: Session, actor: str, **fields: Any) -> Any:
        return op(SessionLookups(session), SessionWriter(session), actor, **fields)

    update_wrapper(fn, op)
    del fn.__wrapped__  # type: ignore[attr-defined]  # the signature is set below
    params = list(inspect.signature(op).parameters.values())
    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("session", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                           annotation="Session"), *params[2:]],
        return_annotation=inspect.signature(op).return_annotation)
    fn.op = op  # type: ignore[attr-defined]
    return fn

