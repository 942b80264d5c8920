"""Blocking data-integrity checks on every raw entity (SPEC section 10).

One multi-asset check per system: a batch is validated entity by entity in one step, so GX is
imported once, and a batch with a blocking finding is quarantined before staging can read it.
"""

from datetime import UTC, datetime

import dagster as dg

from lpss_pipeline.assets.ingest import WAREHOUSE_POOL
from lpss_pipeline.checks.results import check_result, docs_metadata
from lpss_pipeline.contract import SYSTEMS, entities_of
from lpss_pipeline.resources import LandingZoneResource, QualityResource, WarehouseResource

CHECK_NAME = "data_integrity"
# The CRM suite matches owner e-mails to HRIS employees, so it runs after the HRIS load of the run
# (with a mapped HRIS source upstream, it would otherwise be ordered before it).
READS = {"crm": [dg.AssetKey(["raw", "hris", "employees"])]}


class RawCheckConfig(dg.Config):
    recheck_latest: bool = False  # with no new batch, validate the latest good one again (daily job)


def build_raw_checks(system: str) -> dg.AssetChecksDefinition:
    entities = entities_of(system)
    specs = [
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=dg.AssetKey(e.asset_key),
            blocking=True,
            additional_deps=READS.get(system, []),
            description=f"Great Expectations suite raw.{e.raw_table}: schema, types, keys, allowed values, "
            "ranges, plausible dates, references, row count and freshness; a blocking failure quarantines "
            "the batch. Warnings (a departed manager with reports, several tops, rows after a termination, "
            "a leader without scorecard input, a late export) pass with severity WARN.",
        )
        for e in entities
    ]

    @dg.multi_asset_check(name=f"{system}_data_integrity", specs=specs, pool=WAREHOUSE_POOL)
    def _check(
        context: dg.AssetCheckExecutionContext,
        warehouse: WarehouseResource,
        landing: LandingZoneResource,
        quality: QualityResource,
        config: RawCheckConfig,
    ):
        from expectations.gx_run import GxRunner
        from lpss_pipeline.quality.freshness import freshness_findings
        from lpss_pipeline.quality.integrity import check_system, landing_batch_for

        runner = GxRunner(quality.gx_path, quality.data_docs_path)
        with warehouse.connect() as con:
            validations = check_system(
                con,
                runner,
                system,
                quality.quarantine,
                lambda ref: landing_batch_for(landing.landing_path, ref),
            )
            # This system's freshness only: another system's new batches may not be checked yet.
            late = freshness_findings(con, datetime.now(UTC), (system,)).get(system)
        docs = runner.build_docs()
        checked = [v.batch.batch_id for v in validations]
        quarantined = [v.batch.label for v in validations if v.quarantined]
        if quarantined:
            context.log.error(f"quarantined {quarantined}")
        for e in entities:
            findings = [f for v in validations for f in v.batch_findings]
            findings += [f for v in validations if e.name in v.entities for f in v.entities[e.name].findings]
            findings += [late] if late else []
            yield check_result(
                dg.AssetKey(e.asset_key),
                CHECK_NAME,
                findings,
                {
                    "batches_checked": ", ".join(checked) or "none loaded",
                    "quarantined_batches": ", ".join(quarantined) or "none",
                    "waiting_batches": ", ".join(v.batch.label for v in validations if v.waiting) or "none",
                    **docs_metadata(docs),
                },
            )

    return _check


raw_checks = [build_raw_checks(system) for system in SYSTEMS]
