"""The database: its model, engine and migrations, and what the spider asks it."""
