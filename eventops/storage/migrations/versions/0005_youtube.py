"""Schema changes for YouTube and checkpoints (issue 7): chat message kind and deletion time.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import eventops.storage.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=32), nullable=False, server_default="textMessageEvent")
        )
        batch_op.add_column(
            sa.Column("deleted_at", eventops.storage.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("kind")
