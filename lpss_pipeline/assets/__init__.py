"""Dagster assets; each module is glue around logic that lives elsewhere."""
