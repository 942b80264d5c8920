{#- Whether the organisation tracks an export entity (config.tracked_entities): a SQL boolean, true
    unless a row says tracked = false. An untracked entity may be absent from every batch, and
    staging keeps whatever was loaded while it was tracked (its last state), so a figure computed
    from it that would read as a measurement (0 successors, 0 sessions, "not assessed ready") is
    null where this is false, and KPIs and alerts over it say not_tracked or raise nothing
    (int_computed_items_tracked). -#}
{% macro entity_tracked(system, entity) -%}
    coalesce((
        select bool_and(tracked) from {{ source('config', 'tracked_entities') }}
        where system = '{{ system }}' and entity = '{{ entity }}'
    ), true)
{%- endmacro %}
