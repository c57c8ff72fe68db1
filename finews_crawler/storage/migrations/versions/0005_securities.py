"""The securities articles name, and which article names which (SOURCE-SITE.md §7).

Filled by the crawl; `scrapy reclean` back-fills the articles stored before
this revision from their raw bodies.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "securities",
        sa.Column("secid", sa.String(20), primary_key=True),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
    )
    op.create_index("ix_securities_symbol", "securities", ["symbol"])
    op.create_table(
        "article_securities",
        sa.Column("info_code", sa.String(40), sa.ForeignKey("articles.info_code", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("secid", sa.String(20), sa.ForeignKey("securities.secid"), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_article_securities_secid_published", "article_securities", ["secid", "published_at"])


def downgrade() -> None:
    op.drop_table("article_securities")
    op.drop_table("securities")
