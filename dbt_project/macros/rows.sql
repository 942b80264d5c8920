{#- Row-generating and row-matching patterns DuckDB writes with constructs Spark lacks
    (generate_series, ASOF joins), in forms both engines run (issue 20). -#}

{#- A select-list generator: one row per value from `start` to `stop` inclusive, by `step` (an
    integer, or an interval for dates). Spark's sequence() fails when stop lies before start, so
    callers keep start <= stop. Alone in its select list beside plain columns (Spark's rule). -#}
{% macro series(start, stop, step) -%}
    {{ return(adapter.dispatch('series', 'lpss')(start, stop, step)) }}
{%- endmacro %}

{% macro duckdb__series(start, stop, step) -%}
    unnest(generate_series({{ start }}, {{ stop }}, {{ step }}))
{%- endmacro %}

{% macro spark__series(start, stop, step) -%}
    explode(sequence({{ start }}, {{ stop }}, {{ step }}))
{%- endmacro %}

{#- In place of an ASOF join (DuckDB only): each dated row of `relation` holds from its date
    (valid_from) until the next row's for the same key (valid_until, null for the latest), after the
    previous row's (valid_after, null for the first). "The latest row on or before a day" is then an
    equi-join on the key plus span_holds(), "the first row after it" one plus span_next(): a hash
    join on a key with few dated rows each (promotions, assessments), never a per-row subquery. -#}
{% macro dated_spans(relation, keys, date_column, columns) -%}
    select
        {{ keys | join(', ') }},
        {{ columns | join(', ') }},
        {{ date_column }} as valid_from,
        lead({{ date_column }}) over by_date as valid_until,
        lag({{ date_column }}) over by_date as valid_after
    from {{ relation }}
    window by_date as (partition by {{ keys | join(', ') }} order by {{ date_column }})
{%- endmacro %}

{#- The span of `spans` in force on `day`: its row is the latest dated on or before it. -#}
{% macro span_holds(spans, day) -%}
    ({{ day }} >= {{ spans }}.valid_from and ({{ spans }}.valid_until is null or {{ day }} < {{ spans }}.valid_until))
{%- endmacro %}

{#- The span of `spans` that starts next after `day`: its row is the first dated after it. -#}
{% macro span_next(spans, day) -%}
    ({{ day }} < {{ spans }}.valid_from and ({{ spans }}.valid_after is null or {{ day }} >= {{ spans }}.valid_after))
{%- endmacro %}
