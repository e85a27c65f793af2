"""Schema changes for hostile input (issue 12): Zoom deliveries the worker could not process are quarantined.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import eventops.storage.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

QUARANTINED = "quarantined_at IS NOT NULL"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("zoom_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("quarantined_at", eventops.storage.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_zoom_events_quarantined",
            ["id"],
            unique=False,
            sqlite_where=sa.text(QUARANTINED),
            postgresql_where=sa.text(QUARANTINED),
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("zoom_events", schema=None) as batch_op:
        batch_op.drop_index("ix_zoom_events_quarantined")
        batch_op.drop_column("quarantined_at")
