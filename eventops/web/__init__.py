"""HTTP handlers, grouped by audience."""
