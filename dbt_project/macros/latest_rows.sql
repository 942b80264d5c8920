{#- The export contract's semantics (SPEC section 2), applied once for every staging model.
    Raw tables are append-only; which loaded row is current is decided here. Kind and natural
    key come from the source's meta, which is generated from lpss_pipeline/contract. -#}

{% macro stage(system, entity, extra_columns=[]) -%}
    {%- set relation = source(system, entity) -%}
    {%- set meta = {} -%}
    {%- if execute -%}
        {%- set meta = graph.sources['source.lpss.' ~ system ~ '.' ~ entity].meta.lpss -%}
    {%- endif -%}
    {#- e-mail columns: the loader stores each one's comparison key as _<column>_normalized
        (lpss_pipeline/contract/emails.py); staging exposes it as <column>_normalized -#}
    {%- set normalized = meta.get('normalized', []) -%}
    with loaded as (
        {#- rows of quarantined batches stay in raw (append-only) but never reach staging -#}
        select * from {{ relation }}
        where _batch_id not in (
            select batch_id from {{ quarantine_ledger() }} where system = '{{ system }}'
        )
    ),

    source as (
        select * from loaded
        {% if meta.get('kind') == 'snapshot' -%}
        {#- snapshot: the full current state is the latest good batch -#}
        where _batch_id = (select max(_batch_id) from loaded)
        {%- elif meta.get('kind') == 'event' -%}
        {#- event: per natural key, the row from the latest batch wins (then the file's last row) -#}
        qualify row_number() over (
            partition by {{ meta['key'] | join(', ') }}
            order by _batch_id desc, _source_row desc
        ) = 1
        {%- endif %}
    )

    select
        * except (
            _batch_id, _source_file, _source_row, _loaded_at, _row_hash, _vendor_file, _vendor_lines
            {%- for column in normalized %}, _{{ column }}_normalized{% endfor %}
        ),
        {%- for column in normalized %}
        _{{ column }}_normalized as {{ column }}_normalized,
        {%- endfor %}
        {%- for column in extra_columns %}
        {{ column }},
        {%- endfor %}
        _batch_id as source_batch_id,
        _loaded_at as loaded_at
    from source
{%- endmacro %}


{#- The ledger of quarantined batches, written by ingestion and the data-integrity checks
    (lpss_pipeline/quality/quarantine.py) before any dbt build, and of the batches a person
    retired (`lpss batches retire`, stage 'retired'): one list of batches staging skips. -#}
{% macro quarantine_ledger() -%}
    ops.quarantined_batches
{%- endmacro %}
