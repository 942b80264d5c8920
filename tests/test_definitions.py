"""The code location loads, and its asset keys, jobs and sensors stay what the docs say."""

from __future__ import annotations

import dagster as dg

from lpss_pipeline.contract import ENTITIES
from lpss_pipeline.definitions import defs

# A rename must be deliberate: change this list, the README and the dbt sources together.
EXPECTED_RAW_ASSETS = [
    "raw/crm/team_revenue",
    "raw/hris/competency_assessments",
    "raw/hris/departments",
    "raw/hris/employees",
    "raw/hris/engagement_surveys",
    "raw/hris/goal_attainment",
    "raw/hris/idp_milestones",
    "raw/hris/leadership_reviews",
    "raw/hris/mentor_assignments",
    "raw/hris/mentoring_sessions",
    "raw/hris/one_on_one_feedback",
    "raw/hris/positions",
    "raw/hris/promotions",
    "raw/hris/readiness_assessments",
    "raw/hris/strategic_impact_ratings",
    "raw/hris/succession_nominations",
    "raw/hris/trainings",
]


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)


def test_asset_keys_jobs_and_sensors_are_stable():
    graph = defs.resolve_asset_graph()
    raw = sorted(k.to_user_string() for k in graph.get_all_asset_keys() if k.path[0] == "raw")
    assert raw == EXPECTED_RAW_ASSETS
    assert len(raw) == len(ENTITIES)
    assert {graph.get(k).group_name for k in graph.get_all_asset_keys() if k.path[0] == "raw"} == {
        "ingestion"
    }
    assert {j.name for j in defs.resolve_all_job_defs()} >= {"ingest_job", "pipeline_job"}
    assert [s.name for s in defs.sensors] == ["export_batch_sensor"]


def test_every_warehouse_writer_is_in_the_single_writer_pool():
    for assets_def in defs.resolve_asset_graph().assets_defs:
        if any(k.path[0] == "raw" for k in assets_def.keys):
            assert {op.pool for op in assets_def.node_def.iterate_op_defs()} == {"warehouse"}
