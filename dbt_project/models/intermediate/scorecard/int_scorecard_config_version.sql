-- The version of the scorecard configuration: a hash of the categories, metric catalogue and
-- bands seeds, so any edit by HR yields a new version that every scorecard row carries.
-- Grain: one row.
with content as (
    select {{ dbt.listagg('row_text', "'|'", 'order by row_text') }} as text
    from (
        select 'category:' || category || ':' || weight as row_text from {{ source('config', 'scorecard_categories') }}
        union all
        select concat_ws(':', 'metric', metric_id, category, weight_in_category, floor, target, applies_to)
        from {{ source('config', 'scorecard_metrics') }}
        union all
        select concat_ws(':', 'band', band, min_composite, max_composite) from {{ source('config', 'score_bands') }}
    )
)

select 'cfg-' || left(md5(text), 12) as config_version from content
