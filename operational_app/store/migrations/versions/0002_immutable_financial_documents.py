"""Posted financial documents and the audit log cannot be updated or deleted.

The domain layer already refuses such writes; these triggers make a stray SQL UPDATE or
DELETE fail too (docs/quality-targets.md, reliability 7; docs/operational-store.md,
"Immutability").

Revision ID: 0002
Revises: 0001
"""
from alembic import op

# The tables as they stood at this revision (later revisions protect the tables they add):
# a migration must not follow the models as they change.
IMMUTABLE_TABLES = ("invoices", "credit_notes", "payments", "payment_applications",
                    "payment_reversals", "audit_log")

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MESSAGE = "posted financial records are immutable: issue a reversing document"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in IMMUTABLE_TABLES:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER IF NOT EXISTS trg_{table}_no_{verb.lower()} "
                    f"BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END"
                )
    else:
        op.execute(
            "CREATE OR REPLACE FUNCTION seiton_refuse_change() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '%: {MESSAGE}', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
        for table in IMMUTABLE_TABLES:
            op.execute(
                f"CREATE TRIGGER trg_{table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION seiton_refuse_change()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in IMMUTABLE_TABLES:
        if dialect == "sqlite":
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_{verb}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_immutable ON {table}")
    if dialect != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS seiton_refuse_change()")
