"""Column types that keep money exact on every backend.

SQLite has no decimal type: a NUMERIC column silently becomes a binary float. Money and
rates are therefore stored as canonical decimal text on SQLite and as NUMERIC on
PostgreSQL; both come back to Python as `Decimal`, and the warehouse casts them to DECIMAL.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.types import TypeDecorator


class ExactDecimal(TypeDecorator):
    """A fixed-scale decimal: NUMERIC(precision, scale) on PostgreSQL, text on SQLite."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2):
        super().__init__()
        self.precision = precision
        self.scale = scale

    def __repr__(self) -> str:  # alembic renders migrations from this
        return f"ExactDecimal({self.precision}, {self.scale})"

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        quantum = Decimal(1).scaleb(-self.scale)
        exact = Decimal(str(value)).quantize(quantum)
        return str(exact) if dialect.name == "sqlite" else exact

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(str(value))


def Money() -> ExactDecimal:  # noqa: N802 - reads as a type in the models
    return ExactDecimal(18, 2)


def Rate() -> ExactDecimal:  # noqa: N802
    return ExactDecimal(18, 6)
