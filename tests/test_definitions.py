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
    assert {graph.get(k).group_name for k in graph.get_all_asset_keys() if k.path[0] == "raw"} == {"raw"}
    assert {j.name for j in defs.resolve_all_job_defs()} >= {
        "ingest_job",
        "pipeline_job",
        "scorecard_job",
        "readiness_training_job",
        "succession_job",
        "data_integrity_job",
        "alert_delivery_job",
        "review_escalation_job",
    }
    assert [s.name for s in defs.sensors] == [
        "export_batch_sensor",
        "slack_alert_sensor",
        "review_escalation_sensor",
        "run_failure_sensor",
        "run_recovery_sensor",
    ]
    assert sorted(s.name for s in defs.schedules) == [
        "annual_succession_audit_schedule",
        "daily_alert_delivery_schedule",
        "data_integrity_schedule",
        "monthly_scorecard_schedule",
        "quarterly_succession_schedule",
        "readiness_training_schedule",
    ]


def test_every_warehouse_writer_is_in_the_single_writer_pool():
    executable = [a for a in defs.resolve_asset_graph().assets_defs if a.is_executable]
    assert (
        len(executable) >= 7
    )  # two ingest multi-assets, two dbt steps, the model, its predictions, the publisher
    for assets_def in executable:
        assert {op.pool for op in assets_def.node_def.iterate_op_defs()} == {"warehouse"}


# SPEC section 11: the published marts are a contract with BI tools.
EXPECTED_MARTS = {
    "dim_access_grants",
    "dim_access_grants_individual",
    "dim_access_org_wide_viewers",
    "dim_leaders",
    "fct_alert_recipients",
    "fct_alerts",
    "fct_competency_heatmap",
    "fct_development_interventions",
    "fct_idp_milestones",
    "fct_kpis",
    "fct_leader_scorecards",
    "fct_leadership_bench",
    "fct_mentorship_engagement",
    "fct_promotion_audit",
    "fct_promotion_readiness",
    "fct_readiness_backtest",
    "fct_scorecard_metrics",
    "fct_succession_coverage",
    "fct_succession_slates",
}


def test_lineage_runs_from_raw_through_dbt_layers_to_the_published_file():
    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    assert {k.path[1] for k in keys if k.path[0] == "marts"} >= EXPECTED_MARTS
    groups = {graph.get(k).group_name for k in keys}
    assert groups >= {
        "raw",
        "staging",
        "intermediate",
        "marts",
        "configuration",
        "history",
        "readiness_model",
        "alerting",
        "publishing",
    }
    staging = dg.AssetKey(["staging", "stg_hris__employees"])
    assert dg.AssetKey(["raw", "hris", "employees"]) in graph.get(staging).parent_keys
    published = graph.get(dg.AssetKey(["published", "lpss_marts"]))
    assert {dg.AssetKey(["marts", m]) for m in EXPECTED_MARTS} <= set(published.parent_keys)
    scorecards = dg.AssetKey(["marts", "fct_leader_scorecards"])
    assert any(check.asset_key == scorecards for check in graph.asset_check_keys)  # dbt tests


def test_every_raw_entity_and_the_key_marts_have_blocking_integrity_checks():
    graph = defs.resolve_asset_graph()
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    for raw in EXPECTED_RAW_ASSETS:
        assert (raw, "data_integrity") in checks
    for mart in ("marts/fct_leader_scorecards", "marts/fct_scorecard_metrics", "marts/fct_kpis"):
        assert (mart, "mart_integrity") in checks


def test_the_readiness_model_sits_between_the_features_and_the_readiness_marts():
    graph = defs.resolve_asset_graph()
    model = graph.get(dg.AssetKey(["ml", "readiness_model"]))
    assert {dg.AssetKey(["ml", "readiness_features"]), dg.AssetKey(["ml", "readiness_labels"])} <= set(
        model.parent_keys
    )
    predictions = graph.get(dg.AssetKey(["ml", "readiness_predictions"]))
    assert dg.AssetKey(["ml", "readiness_model"]) in predictions.parent_keys
    for mart in ("fct_promotion_readiness", "fct_readiness_backtest"):
        assert predictions.key in graph.get(dg.AssetKey(["marts", mart])).parent_keys
    assert {graph.get(k).group_name for k in (model.key, predictions.key)} == {"readiness_model"}
    # the monthly build predicts with the champion; only the quarterly job and full runs retrain
    monthly = defs.resolve_job_def("scorecard_job").asset_layer.selected_asset_keys
    assert predictions.key in monthly and model.key not in monthly
    training = defs.resolve_job_def("readiness_training_job").asset_layer.selected_asset_keys
    assert {model.key, predictions.key, dg.AssetKey(["published", "lpss_marts"])} <= training


# The Dagster UI's groups in lineage order (dbt_project/models/overview.md): no arrow points backwards.
GROUP_ORDER = [
    "sources",
    "raw",
    "configuration",
    "staging",
    "history",
    "intermediate",
    "marts",
    "readiness_model",
    "alerting",
    "publishing",
]


def test_groups_read_left_to_right_from_raw_to_publishing():
    graph = defs.resolve_asset_graph()
    backwards = set()
    for key in graph.get_all_asset_keys():
        group = graph.get(key).group_name
        assert group in GROUP_ORDER, f"{key.to_user_string()}: group {group} has no place in GROUP_ORDER"
        for parent in graph.get(key).parent_keys:
            parent_group = graph.get(parent).group_name
            if GROUP_ORDER.index(parent_group) > GROUP_ORDER.index(group):
                edge = f"{parent.to_user_string()} ({parent_group}) -> {key.to_user_string()}"
                backwards.add(f"{edge} ({group})")
    assert not backwards, sorted(backwards)


def test_every_dbt_test_is_a_check_that_says_what_it_checks():
    graph = defs.resolve_asset_graph()
    dbt_checks = {
        spec.key: spec
        for assets_def in graph.assets_defs
        for spec in assets_def.check_specs
        if spec.metadata.get("dagster_dbt/unique_id", "").startswith("test.")
    }
    assert len(dbt_checks) > 300
    assert not [k for k, spec in dbt_checks.items() if not (spec.description or "").strip()]
    names = {k.name for k in dbt_checks}
    singular = {  # each of dbt_project/tests/*.sql, including those reading several marts
        "assert_bench_ranks_only_known_readiness",
        "assert_composite_is_weighted_sum_of_categories",
        "assert_kpi_value_only_when_status_ok",
        "assert_successor_figures_null_only_when_untracked",
        "assert_unknown_only_when_untracked",
    }
    assert singular <= names
    unique = dg.AssetCheckKey(dg.AssetKey(["marts", "dim_leaders"]), "unique_dim_leaders_employee_id")
    assert dbt_checks[unique].description == (
        "unique: employee_id of dim_leaders is unique: no two rows share a value."
    )
