"""The published copy of the marts (SPEC section 11), refreshed after every successful build."""

from pathlib import Path

import dagster as dg

from lpss_pipeline.assets.dbt import MART_KEYS
from lpss_pipeline.assets.ingest import WAREHOUSE_POOL
from lpss_pipeline.publishing import publish_schema
from lpss_pipeline.resources import WarehouseResource


@dg.asset(
    key=["published", "lpss_marts"],
    group_name="publishing",
    deps=MART_KEYS,
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="LPSS_HOME/published/lpss_marts.duckdb: the marts schema copied whole, atomically; "
    "what BI tools and the dashboard read.",
)
def published_marts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    target = Path(warehouse.published_path)
    rows = publish_schema(Path(warehouse.path), target)
    context.log.info(f"published {len(rows)} tables to {target}")
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(target)), "tables": len(rows), "rows": rows}
    )
