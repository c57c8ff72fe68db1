"""Remember articles the source withdrew or lost; keep the feed and page media apart.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gone",
        sa.Column("info_code", sa.String(40), primary_key=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("media", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("page_media", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("page_media")
        batch.drop_column("media")
    op.drop_table("gone")
