"""The billing run: drafts and their lines, posted document lines, gap-less series,
exclusions, settings; invoices and credit notes gain series, folio, origin and the
exchange rate fixed at posting (docs/billing-run.md).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from operational_app.store.types import ExactDecimal

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MESSAGE = "posted financial records are immutable: issue a reversing document"
NEW_IMMUTABLE = ("invoice_lines", "credit_note_lines")
LINE_KINDS = "kind in ('fixed_fee','overage','true_up','adjustment')"


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def _soft_delete() -> list[sa.Column]:
    return [sa.Column("deleted_at", sa.DateTime(), nullable=True),
            sa.Column("deleted_by", sa.String(length=64), nullable=True)]


def _line_columns() -> list[sa.Column]:
    return [
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("meter", sa.String(length=5), nullable=True),
        sa.Column("tier_from_page", sa.BigInteger(), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("quantity", ExactDecimal(18, 6), nullable=False),
        sa.Column("unit_price", ExactDecimal(18, 6), nullable=False),
        sa.Column("amount", ExactDecimal(18, 2), nullable=False),
        sa.Column("tax_amount", ExactDecimal(18, 2), nullable=False),
        sa.Column("is_estimated", sa.Boolean(), nullable=False),
    ]


def _index_updated_at(table: str) -> None:
    op.create_index(f"ix_{table}_updated_at", table, ["updated_at"])


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy on SQLite: the copy would drop the immutability triggers)
    for table in ("invoices", "credit_notes"):
        op.add_column(table, sa.Column("series", sa.String(length=25), nullable=True))
        op.add_column(table, sa.Column("folio", sa.BigInteger(), nullable=True))
        op.add_column(table, sa.Column("origin", sa.String(length=20), nullable=False,
                                       server_default="manual"))
        op.add_column(table, sa.Column("exchange_rate", ExactDecimal(18, 6), nullable=True))
        # NULLs are distinct in a unique index on both backends: only posted folios collide
        op.create_index(f"uq_{table}_series_folio", table, ["series", "folio"], unique=True)
    if op.get_bind().dialect.name == "sqlite":  # SQLite takes a REFERENCES in ADD COLUMN
        op.execute("ALTER TABLE invoices ADD COLUMN adjusts_invoice_id INTEGER "
                   "REFERENCES invoices (id)")
    else:
        op.add_column("invoices", sa.Column("adjusts_invoice_id", sa.Integer(),
                                            sa.ForeignKey("invoices.id"), nullable=True))

    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    _index_updated_at("app_settings")

    op.create_table(
        "invoice_series",
        sa.Column("series", sa.String(length=25), nullable=False),
        sa.Column("document_type", sa.String(length=12), nullable=False),
        sa.Column("next_folio", sa.BigInteger(), nullable=False),
        *_tracked(),
        sa.CheckConstraint("document_type in ('invoice','credit_note')",
                           name="ck_invoice_series_document_type"),
        sa.CheckConstraint("next_folio >= 1", name="ck_invoice_series_next_folio"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("series"),
    )
    _index_updated_at("invoice_series")

    for table, parent, fk in (("invoice_lines", "invoices", "invoice_id"),
                              ("credit_note_lines", "credit_notes", "credit_note_id")):
        op.create_table(
            table,
            sa.Column(fk, sa.Integer(), nullable=False),
            *_line_columns(),
            *_tracked(),
            sa.ForeignKeyConstraint([fk], [f"{parent}.id"]),
            sa.CheckConstraint(LINE_KINDS, name=f"ck_{table}_kind"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint(fk, "line_number"),
        )
        op.create_index(f"ix_{table}_{fk}", table, [fk])
        _index_updated_at(table)

    op.create_table(
        "invoice_drafts",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("document_type", sa.String(length=12), nullable=False),
        sa.Column("purpose", sa.String(length=12), nullable=False),
        sa.Column("related_invoice_id", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("subtotal", ExactDecimal(18, 2), nullable=False),
        sa.Column("tax_amount", ExactDecimal(18, 2), nullable=False),
        sa.Column("total", ExactDecimal(18, 2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tax_rate", ExactDecimal(6, 4), nullable=False),
        sa.Column("charge_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("posted_invoice_id", sa.Integer(), nullable=True),
        sa.Column("posted_credit_note_id", sa.Integer(), nullable=True),
        sa.Column("posted_at", sa.DateTime(), nullable=True),
        sa.Column("posted_by", sa.String(length=64), nullable=True),
        *_tracked(),
        *_soft_delete(),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"]),
        sa.ForeignKeyConstraint(["related_invoice_id"], ["invoices.id"]),
        sa.ForeignKeyConstraint(["posted_invoice_id"], ["invoices.id"]),
        sa.ForeignKeyConstraint(["posted_credit_note_id"], ["credit_notes.id"]),
        sa.CheckConstraint("document_type in ('invoice','credit_note')",
                           name="ck_invoice_drafts_document_type"),
        sa.CheckConstraint("purpose in ('charge','adjustment')",
                           name="ck_invoice_drafts_purpose"),
        sa.CheckConstraint("status in ('draft','posted')", name="ck_invoice_drafts_status"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_invoice_drafts_contract_id", "invoice_drafts", ["contract_id"])
    op.create_index("ix_invoice_drafts_period_start", "invoice_drafts", ["period_start"])
    _index_updated_at("invoice_drafts")

    op.create_table(
        "invoice_draft_lines",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        *_line_columns(),
        *_tracked(),
        sa.ForeignKeyConstraint(["draft_id"], ["invoice_drafts.id"]),
        sa.CheckConstraint(LINE_KINDS, name="ck_invoice_draft_lines_kind"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("draft_id", "line_number"),
    )
    op.create_index("ix_invoice_draft_lines_draft_id", "invoice_draft_lines", ["draft_id"])
    _index_updated_at("invoice_draft_lines")

    op.create_table(
        "billing_exclusions",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        *_tracked(),
        *_soft_delete(),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_billing_exclusions_contract_id", "billing_exclusions", ["contract_id"])
    _index_updated_at("billing_exclusions")

    # posted lines are as immutable as their documents (0002, 0003)
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
    for table in NEW_IMMUTABLE:
        if sqlite:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_{verb}")
    for table in ("billing_exclusions", "invoice_draft_lines", "invoice_drafts",
                  "credit_note_lines", "invoice_lines", "invoice_series", "app_settings"):
        op.drop_table(table)
    # the added columns stay on SQLite (dropping them would copy the tables and their
    # triggers away); PostgreSQL drops them
    if not sqlite:
        op.drop_column("invoices", "adjusts_invoice_id")
        for table in ("invoices", "credit_notes"):
            op.drop_index(f"uq_{table}_series_folio", table_name=table)
            for column in ("exchange_rate", "origin", "folio", "series"):
                op.drop_column(table, column)
