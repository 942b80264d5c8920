{#- The export contract's semantics (SPEC section 2), applied once for every staging model.
    Raw tables are append-only; which loaded row is current is decided here. Kind and natural
    key come from the source's meta, which is generated from lpss_pipeline/contract. -#}

{% macro stage(system, entity, extra_columns=[]) -%}
    {%- set relation = source(system, entity) -%}
    {%- set meta = {} -%}
    {%- if execute -%}
        {%- set meta = graph.sources['source.lpss.' ~ system ~ '.' ~ entity].meta.lpss -%}
    {%- endif -%}
    with source as (
        select * from {{ relation }}
        {% if meta.get('kind') == 'snapshot' -%}
        {#- snapshot: the full current state is the latest loaded batch -#}
        where _batch_id = (select max(_batch_id) from {{ relation }})
        {%- elif meta.get('kind') == 'event' -%}
        {#- event: per natural key, the row from the latest batch wins (then the file's last row) -#}
        qualify row_number() over (
            partition by {{ meta['key'] | join(', ') }}
            order by _batch_id desc, _source_row desc
        ) = 1
        {%- endif %}
    )

    select
        * exclude (_batch_id, _source_file, _source_row, _loaded_at, _row_hash),
        {%- for column in extra_columns %}
        {{ column }},
        {%- endfor %}
        _batch_id as source_batch_id,
        _loaded_at as loaded_at
    from source
{%- endmacro %}
