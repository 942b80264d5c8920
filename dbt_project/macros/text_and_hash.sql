{#- Text and hashes that must come out the same on DuckDB and Spark (issue 20). -#}

{#- dbt.listagg on Spark (dbt dispatches to the root project first): dbt-spark's own drops the order
    (collect_list, rows in any order); Spark 4's listagg ... within group keeps it, as DuckDB's
    string_agg(... order by) does. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('lpss has no Spark listagg with a limit') }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}

{#- A non-negative integer below 2^32 from the md5 of `value`'s text: the same on every engine
    (DuckDB's hash() is not, and differs by version), so an order it spreads is reproducible. -#}
{% macro hash_number(value) -%}
    {{ return(adapter.dispatch('hash_number', 'lpss')(value)) }}
{%- endmacro %}

{% macro duckdb__hash_number(value) -%}
    cast('0x' || left({{ dbt.hash(value) }}, 8) as bigint)
{%- endmacro %}

{% macro spark__hash_number(value) -%}
    cast(conv(left({{ dbt.hash(value) }}, 8), 16, 10) as bigint)
{%- endmacro %}

{#- A number as text with `places` decimals (null stays null), for messages. DuckDB rounds the exact
    binary value half to even; Spark's format_string rounds half up and prints null as "null", so it
    gets the value rounded half to even first and a null guard. -#}
{% macro format_decimal(value, places) -%}
    {{ return(adapter.dispatch('format_decimal', 'lpss')(value, places)) }}
{%- endmacro %}

{% macro duckdb__format_decimal(value, places) -%}
    format('{:.{{ places }}f}', {{ value }})
{%- endmacro %}

{% macro spark__format_decimal(value, places) -%}
    case when {{ value }} is not null then format_string('%.{{ places }}f', bround({{ value }}, {{ places }})) end
{%- endmacro %}
