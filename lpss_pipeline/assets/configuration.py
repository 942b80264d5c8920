"""The organisation's configuration as Dagster assets: validated, versioned, written for dbt.

One asset per configuration file (``config/<file>``, group ``configuration``), so lineage shows
which marts each file feeds. A configuration that breaks a rule fails here, naming file, row and
column, before any model is built: the marts keep what the last good configuration built.
"""

import dagster as dg

from lpss_pipeline.assets.ingest import WAREHOUSE_POOL
from lpss_pipeline.config.files import FILES, ConfigError
from lpss_pipeline.config.folder import effective_paths
from lpss_pipeline.config.inputs import computed_inputs
from lpss_pipeline.config.tables import write_tables
from lpss_pipeline.config.validate import validated_configuration
from lpss_pipeline.config.versions import record_version
from lpss_pipeline.resources import ConfigurationResource, WarehouseResource

SPECS = [
    dg.AssetSpec(
        key=["config", name],
        group_name="configuration",
        description=f"{spec.description} The organisation's {name}.csv (LPSS_CONFIG_DIR), else the default.",
        kinds={"duckdb"},
        metadata={"dagster/table_name": f"config.{name}"},
    )
    for name, spec in FILES.items()
] + [
    dg.AssetSpec(
        key=["config", "computed_inputs"],
        group_name="configuration",
        description="Which export entities each metric, KPI and alert rule is computed from "
        "(lpss_pipeline/config/inputs.py): with tracked_entities, what says not_tracked.",
        kinds={"duckdb"},
        metadata={"dagster/table_name": "config.computed_inputs"},
    )
]


@dg.multi_asset(name="configuration", specs=SPECS, pool=WAREHOUSE_POOL)
def configuration(
    context: dg.AssetExecutionContext, configuration: ConfigurationResource, warehouse: WarehouseResource
):
    try:
        files = validated_configuration(configuration.config_path)
    except ConfigError as error:
        raise dg.Failure(
            description=f"The configuration in {configuration.config_path} is not valid:\n" + str(error),
            allow_retries=False,
        ) from None
    paths = effective_paths(configuration.config_path)
    version, new = record_version(paths, configuration.history_path)
    with warehouse.connect() as con:
        write_tables(con, files)
    if new:
        context.log.info(
            f"configuration version {version.number} recorded ({', '.join(version.changed_files) or 'first'})"
        )
    for name, path in paths.items():
        yield dg.MaterializeResult(
            asset_key=["config", name],
            metadata={
                "configuration_version": version.number,
                "source": "organisation" if name in version.own_files else "default",
                "path": str(path),
                "rows": len(files[name]),
            },
        )
    yield dg.MaterializeResult(
        asset_key=["config", "computed_inputs"], metadata={"rows": len(computed_inputs())}
    )
