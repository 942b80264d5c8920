-- Whether each metric, KPI and alert rule is computed from tracked data (grain: kind x id, for the
-- items config.computed_inputs declares inputs for; an item with no row reads nothing an
-- organisation can leave untracked). is_tracked is false when any entity it reads is marked
-- tracked = false in config.tracked_entities (an entity without a row there is tracked);
-- untracked_inputs names those entities (system.entity, comma-separated), inputs all it reads.
with inputs as (
    select kind, id, system, entity from {{ source('config', 'computed_inputs') }}
),

tracked as (
    select system, entity, bool_and(tracked) as tracked
    from {{ source('config', 'tracked_entities') }}
    group by system, entity
)

select
    i.kind,
    i.id,
    bool_and(coalesce(t.tracked, true)) as is_tracked,
    {{ dbt.listagg(
        "case when not coalesce(t.tracked, true) then i.system || '.' || i.entity end",
        "', '",
        'order by i.system, i.entity',
    ) }} as untracked_inputs,
    {{ dbt.listagg("i.system || '.' || i.entity", "', '", 'order by i.system, i.entity') }} as inputs
from inputs as i
left join tracked as t on t.system = i.system and t.entity = i.entity
group by i.kind, i.id
