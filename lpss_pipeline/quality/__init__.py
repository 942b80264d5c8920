"""Data quality: the daily integrity checks' data, the quarantine of bad batches and its ledger."""
