"""Feeds a run is paging: a row left behind names a feed a run did not read to its end (it was killed,
or the feed failed), so the next run reads that feed past its known pages.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paging",
        sa.Column("feed", sa.String(100), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("paging")
