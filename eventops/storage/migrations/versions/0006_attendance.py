"""Schema changes for matching and attendance (issue 6): what the evidence said before an override.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("attendance_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("computed_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("computed_mode", sa.String(length=16), nullable=True))
    # The matcher's verdict on pending Zoom connections, for the review queue (eventops.review).
    with op.batch_alter_table("online_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("suggestions", sa.Text(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("online_sessions", schema=None) as batch_op:
        batch_op.drop_column("suggestions")
        batch_op.drop_column("match_reason")
    with op.batch_alter_table("attendance_records", schema=None) as batch_op:
        batch_op.drop_column("computed_mode")
        batch_op.drop_column("computed_status")
