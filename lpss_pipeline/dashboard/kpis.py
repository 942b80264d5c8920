"""KPI figures as people read them: one cut's tiles (the organisation, a department), one KPI's trend,
and the organisation's KPIs broken down by department, region and level.

Every figure is from its KPI's latest closed period (``fct_kpis.is_closed``), else, for a KPI with
none (a succession snapshot), the period in progress, labelled so; values come with their unit and
period as configured (config/kpi_display.py). value and meets_target only for a measured (status
ok) KPI over at least min_aggregate_group observations: a not_tracked or insufficient_data KPI shows
its status, never a number.
"""

from __future__ import annotations

from typing import Any

from lpss_pipeline.config.kpi_display import KpiDisplay, kpi_displays
from lpss_pipeline.dashboard import configured
from lpss_pipeline.dashboard.marts import MartsReader

SHOWN = """
    case when k.status = 'ok' and k.population >= $min_group then k.value end as value,
    case when k.status = 'ok' and k.population >= $min_group then k.meets_target end as meets_target,
    k.status = 'ok' and coalesce(k.population, 0) < $min_group as suppressed
"""

TILES_SQL = f"""
select k.kpi_id, k.cadence, k.period_start, k.is_closed, k.target, k.unit, k.population, k.status, {SHOWN}
from marts.fct_kpis as k
where k.cut = $cut and k.cut_value = $cut_value
qualify row_number() over (partition by k.kpi_id order by k.is_closed desc, k.period_start desc) = 1
order by k.kpi_id
"""

TREND_SQL = """
select period_start, value, target
from marts.fct_kpis
where cut = $cut and cut_value = $cut_value and kpi_id = $kpi
    and is_closed and status = 'ok' and value is not null and population >= $min_group
order by period_start
"""

# The department, region and level rows of the period each organisation tile shows; departments and
# levels by name.
BREAKDOWN_SQL = f"""
with shown as (
    select kpi_id, period_start from marts.fct_kpis
    where cut = 'organisation'
    qualify row_number() over (partition by kpi_id order by is_closed desc, period_start desc) = 1
),
departments as (select distinct department_id, department_name from marts.dim_leaders),
levels as (select distinct cast(leadership_level as varchar) as level, level_name from marts.dim_leaders)
select k.kpi_id, k.cut, k.cut_value, k.population, k.status, {SHOWN},
    case k.cut when 'department' then d.department_name when 'level' then l.level_name end as name
from marts.fct_kpis as k
inner join shown as s on s.kpi_id = k.kpi_id and s.period_start = k.period_start
left join departments as d on k.cut = 'department' and d.department_id = k.cut_value
left join levels as l on k.cut = 'level' and l.level = k.cut_value
where k.cut <> 'organisation'
order by k.kpi_id, k.cut, coalesce(name, k.cut_value)
"""


def tiles(marts: MartsReader, cut: str, cut_value: str, group: int) -> list[dict[str, Any]]:
    """One tile per configured KPI: its latest closed row for the cut, or, without any row, its status
    alone (not_tracked when it reads untracked data, else insufficient_data); with the value, target
    and period as they read."""
    rows = {r["kpi_id"]: r for r in marts.rows(TILES_SQL, cut=cut, cut_value=cut_value, min_group=group)}
    missing = configured.untracked()
    shown = []
    for kpi_id, display in kpi_displays().items():
        tile = rows.get(kpi_id) or {
            "kpi_id": kpi_id,
            "period_start": None,
            "is_closed": None,
            "target": None,
            "unit": display.unit,
            "population": 0,
            "status": configured.kpi_status_without_rows(kpi_id, missing),
            "value": None,
            "meets_target": None,
            "suppressed": False,
        }
        shown.append({**tile, **_texts(display, tile), "name": display.name})
    return shown


def trend(marts: MartsReader, cut: str, cut_value: str, kpi_id: str, group: int) -> list[dict[str, Any]]:
    """The KPI's closed periods measured over at least ``group`` observations."""
    return marts.rows(TREND_SQL, cut=cut, cut_value=cut_value, kpi=kpi_id, min_group=group)


def breakdown(marts: MartsReader, group: int) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """kpi_id -> cut (department, region, level) -> its rows in the period the organisation tile shows."""
    displays = kpi_displays()
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in marts.rows(BREAKDOWN_SQL, min_group=group):
        display = displays.get(row["kpi_id"])
        if display is not None:
            row = {**row, "value_text": display.value(row["value"]), "name": row["name"] or row["cut_value"]}
            found.setdefault(row["kpi_id"], {}).setdefault(row["cut"], []).append(row)
    return found


def _texts(display: KpiDisplay, tile: dict[str, Any]) -> dict[str, str]:
    return {
        "value_text": display.value(tile["value"]),
        "target_text": display.target(tile["target"]),
        "period_text": display.period(tile["period_start"], tile["is_closed"]),
    }
