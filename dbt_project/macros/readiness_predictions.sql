{#- The shape of ml.readiness_predictions, written by ml/predict.py (PREDICTION_COLUMNS there; a
    test keeps the two equal). Created empty when missing so the marts build before any model.
    Elsewhere (Spark) the table is the lake's copy of the warehouse's (register_lake_sources), which
    lpss_pipeline/lake/sync.py creates empty the same way first (ml.predict.create_tables). -#}
{% macro create_readiness_predictions_table() -%}
    {{ return(adapter.dispatch('create_readiness_predictions_table', 'lpss')()) }}
{%- endmacro %}

{% macro default__create_readiness_predictions_table() -%}
{%- endmacro %}

{% macro duckdb__create_readiness_predictions_table() -%}
    create schema if not exists ml;
    create table if not exists ml.readiness_predictions (
        employee_id varchar,
        month date,
        promotion_probability double,
        model_version varchar,
        model_run_id varchar,
        top_feature_1 varchar,
        top_contribution_1 double,
        top_feature_2 varchar,
        top_contribution_2 double,
        top_feature_3 varchar,
        top_contribution_3 double,
        scored_at timestamp
    )
{%- endmacro %}
