"""Great Expectations suites run as Dagster asset checks (GX is imported inside them: ~9 s)."""
