"""lpss Dagster code location."""
