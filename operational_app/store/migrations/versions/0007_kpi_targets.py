"""KPI targets that directors change in the app: one row per change, effective from the
first day of a month, never edited or deleted — a later row supersedes it from its own
month, so the months before keep the target they were judged against (docs/kpis.md,
"Targets").

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

from operational_app.store.types import ExactDecimal

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MESSAGE = "KPI targets are never edited: record a new target effective from a later month"


def upgrade() -> None:
    op.create_table(
        "kpi_targets",
        sa.Column("kpi_code", sa.String(length=40), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("target", ExactDecimal(18, 6), nullable=False),
        sa.Column("amber", ExactDecimal(18, 6), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kpi_targets_updated_at", "kpi_targets", ["updated_at"])
    # the domain layer offers no edit; these make a stray UPDATE or DELETE fail as well
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS trg_kpi_targets_no_{verb.lower()} "
                f"BEFORE {verb} ON kpi_targets "
                f"BEGIN SELECT RAISE(ABORT, 'kpi_targets: {MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE OR REPLACE FUNCTION seiton_refuse_target_change() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION 'kpi_targets: {MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER trg_kpi_targets_immutable BEFORE UPDATE OR DELETE ON kpi_targets "
            "FOR EACH ROW EXECUTE FUNCTION seiton_refuse_target_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_kpi_targets_no_{verb}")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_kpi_targets_immutable ON kpi_targets")
        op.execute("DROP FUNCTION IF EXISTS seiton_refuse_target_change()")
    op.drop_table("kpi_targets")
