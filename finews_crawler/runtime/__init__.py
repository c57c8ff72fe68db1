"""A run's plumbing: helper processes, the run lock, preflight, stats, the summary and the log."""
