"""Alembic migrations of the article database (applied by `storage.migrate`)."""
