"""What finews writes besides the database: the export folder, Jekyll and Hugo posts, rotation, rebuilds."""
