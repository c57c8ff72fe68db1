"""The articles table.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("info_code", sa.String(40), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("category", sa.String(200), nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("feeds", sa.JSON, nullable=False),
        sa.Column("template", sa.String(40), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("share_url", sa.Text, nullable=False),
        sa.Column("body_raw", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("post", sa.Text, nullable=False),
        sa.Column("post_path", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_index("ix_articles_category", "articles", ["category"])


def downgrade() -> None:
    op.drop_table("articles")
