"""CFDI 4.0: accounts gain the Receptor's fiscal data; the stamped CFDI imported from their
XML, the payments their Pagos prove, and the SAT's cancellations (docs/cfdi.md).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

from operational_app.store.types import ExactDecimal

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MESSAGE = "posted financial records are immutable: issue a reversing document"
# The tables this revision adds and protects (frozen here, not read from the models).
NEW_IMMUTABLE = ("cfdi_documents", "cfdi_payments", "cfdi_cancellations")


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    # plain ADD COLUMN: accounts carry no triggers, but batch mode is avoided everywhere
    op.add_column("accounts", sa.Column("fiscal_postal_code", sa.String(length=5)))
    op.add_column("accounts", sa.Column("fiscal_regime", sa.String(length=3)))
    op.add_column("accounts", sa.Column("cfdi_use", sa.String(length=4)))

    op.create_table(
        "cfdi_documents",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("cfdi_type", sa.String(length=1), nullable=False),
        sa.Column("version", sa.String(length=3), nullable=False),
        sa.Column("series", sa.String(length=25), nullable=True),
        sa.Column("folio", sa.String(length=40), nullable=True),
        sa.Column("issuer_rfc", sa.String(length=13), nullable=False),
        sa.Column("receiver_rfc", sa.String(length=13), nullable=False),
        sa.Column("receiver_name", sa.String(length=300), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("stamped_at", sa.DateTime(), nullable=False),
        sa.Column("pac_rfc", sa.String(length=13), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", ExactDecimal(18, 6), nullable=True),
        sa.Column("payment_method", sa.String(length=3), nullable=True),
        sa.Column("subtotal", ExactDecimal(18, 2), nullable=False),
        sa.Column("tax_amount", ExactDecimal(18, 2), nullable=False),
        sa.Column("total", ExactDecimal(18, 2), nullable=False),
        sa.Column("relation_type", sa.String(length=2), nullable=True),
        sa.Column("related_uuids", sa.String(length=400), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("credit_note_id", sa.Integer(), nullable=True),
        sa.Column("import_outcome", sa.String(length=10), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("xml_sha256", sa.String(length=64), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"]),
        sa.ForeignKeyConstraint(["credit_note_id"], ["credit_notes.id"]),
        sa.CheckConstraint("cfdi_type in ('I','E','P')", name="ck_cfdi_documents_type"),
        sa.CheckConstraint("import_outcome in ('matched','created','history')",
                           name="ck_cfdi_documents_outcome"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("ix_cfdi_documents_invoice_id", "cfdi_documents", ["invoice_id"])
    op.create_index("ix_cfdi_documents_credit_note_id", "cfdi_documents", ["credit_note_id"])
    op.create_index("ix_cfdi_documents_updated_at", "cfdi_documents", ["updated_at"])

    op.create_table(
        "cfdi_payments",
        sa.Column("cfdi_document_id", sa.Integer(), nullable=False),
        sa.Column("pago_number", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=False),
        sa.Column("import_outcome", sa.String(length=10), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(["cfdi_document_id"], ["cfdi_documents.id"]),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"]),
        sa.CheckConstraint("import_outcome in ('matched','created')",
                           name="ck_cfdi_payments_outcome"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cfdi_document_id", "pago_number"),
    )
    op.create_index("ix_cfdi_payments_cfdi_document_id", "cfdi_payments", ["cfdi_document_id"])
    op.create_index("ix_cfdi_payments_payment_id", "cfdi_payments", ["payment_id"])
    op.create_index("ix_cfdi_payments_updated_at", "cfdi_payments", ["updated_at"])

    op.create_table(
        "cfdi_cancellations",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("issuer_rfc", sa.String(length=13), nullable=False),
        sa.Column("receiver_rfc", sa.String(length=13), nullable=False),
        sa.Column("pac_rfc", sa.String(length=13), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("certified_at", sa.DateTime(), nullable=True),
        sa.Column("amount", ExactDecimal(18, 2), nullable=False),
        sa.Column("effect", sa.String(length=1), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("ix_cfdi_cancellations_updated_at", "cfdi_cancellations", ["updated_at"])

    # as immutable as the documents they prove (0002, 0003, 0004)
    if op.get_bind().dialect.name == "sqlite":
        for table in NEW_IMMUTABLE:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER IF NOT EXISTS trg_{table}_no_{verb.lower()} "
                    f"BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END"
                )
    else:
        for table in NEW_IMMUTABLE:
            op.execute(
                f"CREATE TRIGGER trg_{table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION seiton_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER trg_{table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION seiton_refuse_change()"
            )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for table in NEW_IMMUTABLE:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_{verb}")
    for table in ("cfdi_payments", "cfdi_cancellations", "cfdi_documents"):
        op.drop_table(table)
    # SQLite keeps the added account columns (dropping them would copy the table)
    if not sqlite:
        for column in ("cfdi_use", "fiscal_regime", "fiscal_postal_code"):
            op.drop_column("accounts", column)
