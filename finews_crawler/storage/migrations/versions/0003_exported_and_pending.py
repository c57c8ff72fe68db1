"""What a killed run leaves to finish: posts not yet exported, articles dispatched but not stored.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending",
        sa.Column("info_code", sa.String(40), primary_key=True),
        sa.Column("entry", sa.JSON, nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("post_exported", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.create_index("ix_articles_post_exported", ["post_exported"])


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_post_exported")
        batch.drop_column("post_exported")
    op.drop_table("pending")
