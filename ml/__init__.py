"""Promotion-readiness model: features, training, evaluation and prediction (no Dagster imports)."""
