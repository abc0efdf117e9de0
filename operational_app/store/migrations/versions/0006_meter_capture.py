"""Meter capture: readings gain a review status (held readings wait for the billing area's
decision), import profiles for fleet-agent exports, a device-model reference (mono or
colour, rated monthly volume), test pages on tickets and maintenance visits
(docs/meter-readings.md).

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

REVIEW_STATUSES = "review_status in ('counted','held','approved','rejected')"


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    # plain ADD COLUMN: meter_readings, tickets and visits are mutable, but a batch copy is
    # not needed for nullable or defaulted columns on either backend
    op.add_column("meter_readings", sa.Column("review_status", sa.String(length=10),
                                              nullable=False, server_default="counted"))
    op.add_column("meter_readings", sa.Column("review_reason", sa.String(length=500)))
    op.add_column("meter_readings", sa.Column("review_note", sa.String(length=500)))
    op.add_column("meter_readings", sa.Column("decided_by", sa.String(length=64)))
    op.add_column("meter_readings", sa.Column("decided_at", sa.DateTime()))
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot add a CHECK to a table
        op.create_check_constraint("ck_meter_readings_review_status", "meter_readings",
                                   REVIEW_STATUSES)
    for table in ("tickets", "maintenance_visits"):
        op.add_column(table, sa.Column("test_mono_pages", sa.Integer()))
        op.add_column(table, sa.Column("test_color_pages", sa.Integer()))

    op.create_table(
        "meter_import_profiles",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_meter_import_profiles_updated_at", "meter_import_profiles",
                    ["updated_at"])

    op.create_table(
        "device_models",
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("is_color", sa.Boolean(), nullable=False),
        sa.Column("rated_monthly_volume", sa.Integer(), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("model"),
    )
    op.create_index("ix_device_models_updated_at", "device_models", ["updated_at"])


def downgrade() -> None:
    op.drop_table("device_models")
    op.drop_table("meter_import_profiles")
    if op.get_bind().dialect.name == "sqlite":
        return  # the added columns stay on SQLite (dropping them would copy the tables)
    op.drop_constraint("ck_meter_readings_review_status", "meter_readings")
    for table in ("tickets", "maintenance_visits"):
        op.drop_column(table, "test_color_pages")
        op.drop_column(table, "test_mono_pages")
    for column in ("decided_at", "decided_by", "review_note", "review_reason",
                   "review_status"):
        op.drop_column("meter_readings", column)
