"""On PostgreSQL, `TRUNCATE` of posted financial documents or the audit log fails too.

0002's row triggers fire on UPDATE and DELETE, not on TRUNCATE, which empties a table
without touching its rows one by one (audit_log, payment_applications and
payment_reversals are referenced by nothing, so no foreign key stops it either). A
statement-level `BEFORE TRUNCATE` trigger with the same function closes that. SQLite has
no TRUNCATE: its `DELETE` without WHERE already meets 0002's row trigger.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

# The tables as they stood at this revision (later revisions protect the tables they add):
# a migration must not follow the models as they change.
IMMUTABLE_TABLES = ("invoices", "credit_notes", "payments", "payment_applications",
                    "payment_reversals", "audit_log")

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in IMMUTABLE_TABLES:
        op.execute(
            f"CREATE TRIGGER trg_{table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION seiton_refuse_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in IMMUTABLE_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_truncate ON {table}")
