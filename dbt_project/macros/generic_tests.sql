{#- Generic tests the project needs without external packages (the machines are offline). -#}

{#- SQL true where ``column`` lies outside [min_value, max_value] (either bound may be none). -#}
{% macro outside_bounds(column, min_value=none, max_value=none) -%}
    {%- set outside = [] -%}
    {%- if min_value is not none -%}{%- do outside.append(column ~ ' < ' ~ min_value) -%}{%- endif -%}
    {%- if max_value is not none -%}{%- do outside.append(column ~ ' > ' ~ max_value) -%}{%- endif -%}
    ({{ outside | join(' or ') }})
{%- endmacro %}

{% test value_between(model, column_name, min_value=none, max_value=none) %}
    select {{ column_name }} from {{ model }}
    where {{ column_name }} is not null
      and {{ outside_bounds(column_name, min_value, max_value) }}
{% endtest %}

{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as n
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- All of a model's single-column rules in one scan: a row per broken rule with how many rows
    break it, so a failure still names its column. One test instead of one per column and rule
    (each dbt test node costs ~30 ms of dbt and Dagster overhead, and a test on a staging view
    re-runs the view). Nulls pass accepted_values and value_between, as in dbt's own tests. -#}
{% test columns_valid(model, not_null=[], accepted_values={}, value_between={}) %}
    {{ config(fail_calc='coalesce(sum(failing_rows), 0)') }}
    {%- set rules = [] -%}
    {%- for column in not_null -%}
        {%- do rules.append(('not_null', column, column ~ ' is null')) -%}
    {%- endfor -%}
    {%- for column, values in accepted_values.items() -%}
        {%- set quoted = [] -%}
        {%- for value in values -%}{%- do quoted.append("'" ~ value ~ "'") -%}{%- endfor -%}
        {%- do rules.append(('accepted_values', column, column ~ ' not in (' ~ quoted | join(', ') ~ ')')) -%}
    {%- endfor -%}
    {%- for column, bounds in value_between.items() -%}
        {%- set condition = outside_bounds(column, bounds.get('min_value'), bounds.get('max_value')) -%}
        {%- do rules.append(('value_between', column, condition)) -%}
    {%- endfor %}
    with counts as (
        select
        {%- for rule, column, condition in rules %}
            count(*) filter (where {{ condition }}) as rule_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
        from {{ model }}
    ),

    broken as (
        {%- for rule, column, condition in rules %}
        select '{{ rule }}' as rule, '{{ column }}' as column_name, rule_{{ loop.index }} as failing_rows
        from counts
        {{ 'union all' if not loop.last }}
        {%- endfor %}
    )

    select * from broken where failing_rows > 0
{% endtest %}
