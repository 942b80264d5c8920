-- A KPI row has a value and a verdict exactly when it was measured (status ok); a row that is
-- not_tracked or insufficient_data never shows a number a reader could take for a measurement.
select period_start, kpi_id, cut, cut_value, status, value, meets_target
from {{ ref('fct_kpis') }}
where (status = 'ok' and value is null)
    or (status <> 'ok' and (value is not null or meets_target is not null))
    or (status = 'not_tracked' and (cut <> 'organisation' or population <> 0))
