"""Turning findings into Dagster asset-check results people can act on."""

from __future__ import annotations

import dagster as dg

from lpss_pipeline.ingestion.errors import Finding, clipped

SHOWN = 10


def check_result(asset_key, check_name: str, findings: list[Finding], metadata: dict) -> dg.AssetCheckResult:
    """Failed with severity ERROR when any finding blocks; passed with severity WARN when there are only
    warnings (they are recorded and shown, never stop anything); passed when there is nothing."""
    blocking = [f for f in findings if f.blocking]
    shown = blocking or findings
    lines = [clipped(str(f)) for f in shown[:SHOWN]]
    if len(shown) > SHOWN:
        lines.append(f"and {len(shown) - SHOWN:,} more (`lpss quality`, ops.data_quality_findings)")
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=check_name,
        passed=not blocking,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        description="\n".join(lines) if lines else "all expectations met",
        metadata={
            **metadata,
            "blocking_findings": len(blocking),
            "warnings": len(findings) - len(blocking),
            "findings": dg.MetadataValue.md("\n".join(f"- {line}" for line in lines) or "none"),
        },
    )


def docs_metadata(index) -> dict:
    return {
        "data_docs": dg.MetadataValue.url(f"file://{index}"),
        "data_docs_path": dg.MetadataValue.path(str(index)),
    }
