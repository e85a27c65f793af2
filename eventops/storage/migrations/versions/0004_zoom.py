"""Schema changes for Zoom attendance (issue 5): the webhook queue's instance, connection and pending index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PENDING = "processed_at IS NULL"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("zoom_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_uuid", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("connection_key", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_zoom_events_connection_key"), ["connection_key"], unique=False)
        batch_op.create_index("ix_zoom_events_instance", ["meeting_uuid", "event"], unique=False)
        batch_op.create_index(
            "ix_zoom_events_pending",
            ["id"],
            unique=False,
            sqlite_where=sa.text(PENDING),
            postgresql_where=sa.text(PENDING),
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("zoom_events", schema=None) as batch_op:
        batch_op.drop_index("ix_zoom_events_pending")
        batch_op.drop_index("ix_zoom_events_instance")
        batch_op.drop_index(batch_op.f("ix_zoom_events_connection_key"))
        batch_op.drop_column("connection_key")
        batch_op.drop_column("meeting_uuid")
