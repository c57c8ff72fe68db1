"""The title an article first ran under, where its page names one (`原标题：…`, SOURCE-SITE.md §6a).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("original_title", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("original_title")
