"""Alembic migrations of the article database (applied by `storage.database.migrate`)."""
