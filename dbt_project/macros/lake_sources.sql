{#- On Spark, what dbt reads is Parquet under LPSS_HOME/lake (lpss_pipeline/lake/): every table of
    the lake's catalog is registered under the name it has in the DuckDB warehouse (raw.*, config.*,
    ops.quarantined_batches, ml.readiness_predictions), so sources and macros resolve alike on both
    targets. Each metastore statement costs a second or so, so a table is (re)created only when
    missing or its columns or folder changed, and a raw table looks for new batches (its partitions)
    only when the catalog's fingerprint of them changed: both are table properties, and one SHOW per
    schema reads them all. Dropping an external table leaves its files. On DuckDB: nothing to do. -#}

{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources', 'lpss')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- if execute -%}
        {%- set lake = env_var('LPSS_LAKE_DIR', '../.lpss/lake') -%}
        {%- set catalog = run_query(
            "select schema_name, table_name, columns, partitioned_by, batches from parquet.`"
            ~ lake ~ "/catalog.parquet`"
        ) -%}
        {%- set registered = {} -%}
        {%- for schema_name in catalog.columns['schema_name'].values() | unique -%}
            {%- do run_query("create database if not exists " ~ schema_name) -%}
            {%- for row in run_query("show table extended in " ~ schema_name ~ " like '*'").rows -%}
                {%- do registered.update({schema_name ~ "." ~ row['tableName']: row['information']}) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- for schema_name, table_name, columns, partitioned_by, batches in catalog.rows -%}
            {%- set relation = schema_name ~ "." ~ table_name -%}
            {%- set location = lake ~ "/" ~ schema_name ~ "/" ~ table_name -%}
            {%- set shape = local_md5(columns ~ "|" ~ partitioned_by ~ "|" ~ location) -%}
            {%- set known = registered.get(relation, "") -%}
            {%- if "lpss_shape=" ~ shape not in known -%}
                {%- do run_query("drop table if exists " ~ relation) -%}
                {%- do run_query(
                    "create table " ~ relation ~ " (" ~ columns ~ ") using parquet"
                    ~ (" partitioned by (" ~ partitioned_by ~ ")" if partitioned_by else "")
                    ~ " location '" ~ location ~ "' tblproperties ('lpss_shape'='" ~ shape ~ "')"
                ) -%}
                {%- set known = "" -%}
            {%- endif -%}
            {%- if partitioned_by and "lpss_batches=" ~ batches not in known -%}
                {%- do run_query("alter table " ~ relation ~ " recover partitions") -%}
                {%- do run_query("alter table " ~ relation ~ " set tblproperties ('lpss_batches'='" ~ batches ~ "')") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
