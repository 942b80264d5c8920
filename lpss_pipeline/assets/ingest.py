"""Raw ingest assets: one asset per contract entity, loaded a whole batch at a time.

Each system is one multi-asset because a batch is atomic across its entities: a batch that is
refused for one file is refused for all of them, so their assets materialize together.
"""

from pathlib import Path

import dagster as dg

from lpss_pipeline.contract import SYSTEMS, Entity, entities_of
from lpss_pipeline.ingestion.loader import IngestReport, load_pending
from lpss_pipeline.resources import LandingZoneResource, QualityResource, WarehouseResource
from lpss_pipeline.settings import dbt_target

WAREHOUSE_POOL = "warehouse"
GROUP = "raw"  # the Dagster group: the UI's lineage reads sources -> raw -> staging -> ...


def _spec(e: Entity, deps: tuple[dg.AssetKey, ...]) -> dg.AssetSpec:
    schema = dg.TableSchema(
        columns=[dg.TableColumn(c.name, c.duckdb_type, description=c.description) for c in e.columns]
    )
    return dg.AssetSpec(
        key=e.asset_key,
        deps=deps,
        group_name=GROUP,
        description=f"{e.description} Raw, append-only rows of every loaded {e.system.upper()} batch "
        f"({e.kind}; key {', '.join(e.key)}).",
        kinds={"duckdb"},
        metadata={
            "dagster/table_name": f"raw.{e.raw_table}",
            "dagster/column_schema": schema,
            "entity_kind": e.kind,
            "natural_key": ", ".join(e.key),
        },
    )


SHOWN_REFUSALS = 5  # a backlog of refused batches is not printed whole either: `lpss batches` lists them


def _failure(report: IngestReport) -> dg.Failure:
    refused = report.of("refused")
    described = [str(r.error) for r in refused[:SHOWN_REFUSALS]]
    if len(refused) > SHOWN_REFUSALS:
        described.append(
            f"and {len(refused) - SHOWN_REFUSALS} more refused and quarantined batch(es) (`lpss batches`)"
        )
    return dg.Failure(
        description="\n\n".join(described),
        metadata={"quarantined_batches": [r.batch.label for r in refused]},
    )


def build_ingest_assets(system: str, sources: tuple[dg.AssetKey, ...] = ()) -> dg.AssetsDefinition:
    """The system's raw assets; ``sources`` are the vendor sources mapped into its batches."""
    entities = entities_of(system)

    @dg.multi_asset(
        name=f"ingest_{system}_exports", specs=[_spec(e, sources) for e in entities], pool=WAREHOUSE_POOL
    )
    def _ingest(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        landing: LandingZoneResource,
        quality: QualityResource,
    ):
        with warehouse.connect() as con:
            report = load_pending(
                con,
                landing.landing_path,
                landing.receipts_path,
                quality.quarantine,
                system,
                landing.config_path,
                Path(warehouse.lake_dir) if dbt_target() == "spark" else None,
            )
            totals = {
                e.name: con.execute(f'SELECT count(*) FROM raw."{e.raw_table}"').fetchone()[0]
                for e in entities
            }
        loaded = [r.batch.batch_id for r in report.of("loaded")]
        unchanged = [f"{r.batch.batch_id} (same as {r.same_as})" for r in report.of("unchanged")]
        notes = [str(f) for r in report.results for f in r.notes]
        ignored = [str(f) for f in report.ignored]  # misnamed folders, reported the first time only
        context.log.info(
            f"{system}: loaded {len(loaded)} batch(es) {loaded}, "
            f"{len(report.of('already_loaded'))} already loaded, {len(unchanged)} unchanged (skipped), "
            f"{len(report.of('refused'))} refused and quarantined, "
            f"{len(report.of('quarantined'))} quarantined and {len(report.of('retired'))} retired earlier"
        )
        for note in notes + ignored:
            context.log.warning(note)
        for e in entities:
            yield dg.MaterializeResult(
                asset_key=e.asset_key,
                metadata={
                    "rows_added": report.rows_added(system, e.name),
                    "dagster/row_count": totals[e.name],
                    "batches_loaded": ", ".join(loaded) or "none",
                    "batches_unchanged": ", ".join(unchanged) or "none",
                    "notes": "\n".join(notes) or "none",
                    "ignored_folders": "\n".join(ignored) or "none",
                },
            )
        if report.of("refused"):
            raise _failure(report)

    return _ingest


ingest_assets = [build_ingest_assets(system) for system in SYSTEMS]
