"""Source mappings: the files HRIS and CRM systems really write, mapped to the export contract.

A mapping is YAML configuration (docs/MAPPINGS.md), compiled to DuckDB SQL and run set-wise on a
vendor batch; the contract batch it writes is loaded by the normal ingestion. No Dagster here:
lpss_pipeline/assets/mapping.py wraps it as an asset, the CLI as `lpss check` and `lpss mappings`.
"""
