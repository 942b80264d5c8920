"""Blocking invariant checks on the marts after every dbt build, before anything is published."""

import dagster as dg

from lpss_pipeline.assets.ingest import WAREHOUSE_POOL
from lpss_pipeline.checks.results import check_result, docs_metadata
from lpss_pipeline.resources import QualityResource, WarehouseResource

CHECK_NAME = "mart_integrity"
CHECKED = {
    "marts.fct_leader_scorecards": ["marts", "fct_leader_scorecards"],
    "marts.fct_scorecard_metrics": ["marts", "fct_scorecard_metrics"],
    "marts.fct_kpis.coverage": ["marts", "fct_kpis"],
}


@dg.multi_asset_check(
    name="mart_integrity",
    specs=[
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=dg.AssetKey(key),
            blocking=True,
            description=f"Great Expectations suite {suite}: mart invariants (SPEC section 10).",
        )
        for suite, key in CHECKED.items()
    ],
    pool=WAREHOUSE_POOL,
)
def mart_checks(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, quality: QualityResource
):
    from expectations import marts
    from expectations.gx_run import GxRunner
    from lpss_pipeline.quality.mart_checks import validate_marts

    runner = GxRunner(quality.gx_path, quality.data_docs_path)
    with warehouse.connect() as con:
        findings = validate_marts(con, runner, marts)
    docs = runner.build_docs()
    for suite, key in CHECKED.items():
        yield check_result(dg.AssetKey(key), CHECK_NAME, findings[suite], docs_metadata(docs))
