{#- The least-squares trend of a leader's composite over the trailing months (issue 20: DuckDB and
    Spark). `relation` has one row per employee_id and month_index (months since a fixed date) with a
    composite_score; `months_relation` one row, its column months. Every row of `relation` comes back
    with trend_points (composites in the window) and trailing_slope (points per month). -#}
{% macro trailing_trend(relation, months_relation) -%}
    {{ return(adapter.dispatch('trailing_trend', 'lpss')(relation, months_relation)) }}
{%- endmacro %}

{#- A window whose range comes from the parameter: one pass per leader (a self-join held every
    leader-month in memory three times over: 4 GB was not enough at 2,000,000 employees). -#}
{% macro duckdb__trailing_trend(relation, months_relation) -%}
    select
        r.*,
        count(r.composite_score) over trend_frame as trend_points,
        regr_slope(r.composite_score, r.month_index) over trend_frame as trailing_slope
    from {{ relation }} as r
    cross join {{ months_relation }} as w
    window trend_frame as (
        partition by r.employee_id order by r.month_index
        range between w.months - 1 preceding and current row
    )
{%- endmacro %}

{#- Spark's window frames take constants only: each row joins its leader's rows in the window. -#}
{% macro spark__trailing_trend(relation, months_relation) -%}
    select r.*, t.trend_points, t.trailing_slope
    from {{ relation }} as r
    inner join (
        select
            a.employee_id,
            a.month_index,
            count(b.composite_score) as trend_points,
            regr_slope(b.composite_score, b.month_index) as trailing_slope
        from {{ relation }} as a
        cross join {{ months_relation }} as w
        inner join {{ relation }} as b
            on b.employee_id = a.employee_id
            and b.month_index between a.month_index - (w.months - 1) and a.month_index
        group by a.employee_id, a.month_index
    ) as t on t.employee_id = r.employee_id and t.month_index = r.month_index
{%- endmacro %}
