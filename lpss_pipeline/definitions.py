"""The lpss Dagster code location: assets, jobs, sensors and resources, assembled."""

import dagster as dg

from lpss_pipeline.assets.alerts import alert_deliveries, alert_delivery_job, review_escalation_job
from lpss_pipeline.assets.configuration import configuration
from lpss_pipeline.assets.dbt import DBT_EXECUTABLE, dbt_assets_defs, dbt_project
from lpss_pipeline.assets.ingest import build_ingest_assets
from lpss_pipeline.assets.mapping import build_mapping_asset, source_key, system_of
from lpss_pipeline.assets.publish import published_marts
from lpss_pipeline.assets.readiness import readiness_assets
from lpss_pipeline.checks.marts import mart_checks
from lpss_pipeline.checks.raw import raw_checks
from lpss_pipeline.contract import SYSTEMS
from lpss_pipeline.jobs import (
    data_integrity_job,
    ingest_job,
    pipeline_job,
    readiness_training_job,
    scorecard_job,
    succession_job,
)
from lpss_pipeline.mapping.spec import active_sources
from lpss_pipeline.resources import file_resources
from lpss_pipeline.resources.dbt_cli import LpssDbtCliResource
from lpss_pipeline.schedules import schedules
from lpss_pipeline.sensors import (
    export_batch_sensor,
    review_escalation_sensor,
    run_failure_sensor,
    run_recovery_sensor,
    slack_alert_sensor,
)
from lpss_pipeline.settings import Settings, load_settings


def source_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    """Each mapped vendor source, then each system's raw assets downstream of its sources."""
    sources = active_sources(settings.config_dir, settings.landing_dir)
    feeds = {name: system_of(path) for name, path in sources.items()}
    return [
        *(build_mapping_asset(name, path) for name, path in sources.items()),
        *(
            build_ingest_assets(system, tuple(source_key(n) for n, s in feeds.items() if s == system))
            for system in SYSTEMS
        ),
    ]


def build_defs(settings: Settings) -> dg.Definitions:
    """The code location for one LPSS_HOME; ``defs`` below is the one the environment names."""
    settings.export_env()
    return dg.Definitions(
        assets=[
            *source_assets(settings),
            configuration,
            *dbt_assets_defs,
            *readiness_assets,
            alert_deliveries,
            published_marts,
        ],
        asset_checks=[*raw_checks, mart_checks],
        jobs=[
            ingest_job,
            pipeline_job,
            scorecard_job,
            readiness_training_job,
            succession_job,
            data_integrity_job,
            alert_delivery_job,
            review_escalation_job,
        ],
        schedules=schedules,
        sensors=[
            export_batch_sensor,
            slack_alert_sensor,
            review_escalation_sensor,
            run_failure_sensor,
            run_recovery_sensor,
        ],
        resources={
            **file_resources(settings),
            "dbt": LpssDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        },
    )


defs = build_defs(load_settings())
