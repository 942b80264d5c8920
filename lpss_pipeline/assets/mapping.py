"""Vendor sources: one asset per mapped source, upstream of the raw assets of its system.

Materializing it maps every complete vendor batch under ``landing/<source>/`` that was not
handled yet into a contract batch (lpss_pipeline/mapping), which the raw ingest assets then
load as any export. A refused vendor batch is quarantined and fails the step, as a refused
contract batch fails ingestion; a broken mapping file fails it with the file and key named.
"""

from pathlib import Path

import dagster as dg

from lpss_pipeline.assets.ingest import WAREHOUSE_POOL
from lpss_pipeline.ingestion.errors import BatchRefused
from lpss_pipeline.mapping.batches import map_pending
from lpss_pipeline.mapping.spec import MappingError, load_mapping
from lpss_pipeline.resources import LandingZoneResource, QualityResource, WarehouseResource

GROUP = "sources"


def source_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["vendor", source])


def build_mapping_asset(source: str, path: Path) -> dg.AssetsDefinition:
    @dg.asset(
        key_prefix="vendor",
        name=source,
        group_name=GROUP,
        pool=WAREHOUSE_POOL,
        kinds={"duckdb"},
        description=f"Vendor exports of source {source!r} (landing/{source}/<batch>/), mapped by {path.name} "
        "into contract batches for the raw assets.",
        metadata={"mapping_file": str(path)},
    )
    def _map(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        landing: LandingZoneResource,
        quality: QualityResource,
    ) -> dg.MaterializeResult:
        try:
            mapping = load_mapping(path, source)
        except MappingError as error:
            raise dg.Failure(description=f"mapping {path}: {error}") from None
        with warehouse.connect() as con:
            results = map_pending(
                con, mapping, landing.landing_path, landing.receipts_path, quality.quarantine
            )
        mapped = [r for r in results if r.status == "mapped"]
        unchanged = [r for r in results if r.status == "unchanged"]
        refused = [r for r in results if r.status == "refused"]
        context.log.info(f"{source}: {len(mapped)} batch(es) mapped, {len(refused)} refused and quarantined")
        if refused:
            raise dg.Failure(
                description="\n\n".join(
                    str(BatchRefused(r.vendor.label, [f for f in r.findings if f.blocking], r.report))
                    for r in refused
                ),
                metadata={"quarantined_batches": [r.vendor.label for r in refused]},
            )
        return dg.MaterializeResult(
            metadata={
                "batches_mapped": ", ".join(r.vendor.batch_id for r in mapped) or "none",
                "batches_unchanged": ", ".join(r.vendor.batch_id for r in unchanged) or "none",
                "warnings": sum(1 for r in mapped for f in r.findings if not f.blocking),
            }
        )

    return _map


def system_of(path: Path) -> str | None:
    """The contract system a mapping file feeds, or None when it cannot be read (its run says why)."""
    try:
        return load_mapping(path).system
    except MappingError:
        return None
