"""The observations behind one KPI figure of the organisation page: the people (or critical positions)
a KPI counted in the period its tile shows, for the organisation or one department, region or level.

Read from marts.fct_kpi_observations, the rows fct_kpis aggregates, so the list adds up to the figure:
its count is the figure's population. The most telling come first (what the KPI counts, e.g. the
leaders in intervention, then the highest values), 100 to a page. Only for org-wide viewers, like the
organisation page, and only for a figure that page shows (a group under min_aggregate_group shows no
figure, and so no list).
"""

from __future__ import annotations

import math

from lpss_pipeline.config.kpi_display import KpiDisplay, kpi_displays
from lpss_pipeline.dashboard.labels import level_name
from lpss_pipeline.dashboard.marts import MartsReader

PER_PAGE = 100
CUTS = ("organisation", "department", "region", "level")

FIGURE_SQL = """
select kpi_id, period_start, period_end, is_closed, value, target, population, status
from marts.fct_kpis
where kpi_id = $kpi and cut = $cut and cut_value = $value and status = 'ok' and population >= $min_group
    and period_start = (
        select period_start from marts.fct_kpis
        where kpi_id = $kpi and cut = 'organisation'
        order by is_closed desc, period_start desc limit 1
    )
"""

OBSERVED = """
from marts.fct_kpi_observations as o
where o.kpi_id = $kpi and o.period_start between $start and $end
    and case $cut
        when 'organisation' then true
        when 'department' then o.department_id = $value
        when 'region' then o.region = $value
        else cast(o.leadership_level as varchar) = $value
    end
"""

OBSERVATIONS_SQL = f"""
with observed as (select o.* {OBSERVED})
select o.observation_id, o.employee_id, o.position_id, o.numerator, o.denominator, o.period_start,
    coalesce(l.full_name, c.title) as name, coalesce(l.job_title, i.full_name) as detail,
    coalesce(l.department_name, d.department_name) as department_name
from observed as o
left join marts.dim_leaders as l on l.employee_id = o.employee_id
left join marts.fct_succession_coverage as c on c.position_id = o.position_id and c.quarter = o.period_start
left join marts.dim_leaders as i on i.employee_id = c.incumbent_employee_id
left join (select distinct department_id, department_name from marts.dim_leaders) as d
    on d.department_id = c.department_id
order by o.numerator / nullif(o.denominator, 0) desc nulls last, name, o.observation_id
limit $limit offset $offset
"""

COUNT_SQL = f"select count(*) as n {OBSERVED}"


def observations(marts: MartsReader, kpi_id: str, cut: str, value: str, page: int, group: int):
    """The figure and a page of its observations; None for a KPI, cut or figure the page does not show."""
    display = kpi_displays().get(kpi_id)
    if display is None or cut not in CUTS:
        return None
    figure = marts.row(FIGURE_SQL, kpi=kpi_id, cut=cut, value=value, min_group=group)
    if figure is None:
        return None
    where = {"kpi": kpi_id, "cut": cut, "value": value}
    where |= {"start": figure["period_start"], "end": figure["period_end"]}
    matching = marts.row(COUNT_SQL, **where)["n"]
    rows = marts.rows(OBSERVATIONS_SQL, **where, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return {
        "kpi_id": kpi_id,
        "name": display.name,
        "cut": cut,
        "cut_value": value,
        "cut_name": cut_name(marts, cut, value),
        "value_text": display.value(figure["value"]),
        "target_text": display.target(figure["target"]),
        "period_text": display.period(figure["period_start"], figure["is_closed"]),
        "population": figure["population"],
        "matching": matching,
        "page": page,
        "pages": max(1, math.ceil(matching / PER_PAGE)),
        "rows": [{**r, "counts_as": counts_as(display, r["numerator"], r["denominator"])} for r in rows],
    }


def counts_as(display: KpiDisplay, numerator: float | None, denominator: float | None) -> str:
    """What one observation adds to the figure, as a person reads it."""
    if numerator is None:
        return "—"
    if display.aggregation == "mean":
        return display.value(numerator / denominator if denominator else None)
    if display.aggregation == "ratio":
        return f"{numerator:g}"
    if denominator == 1:
        return "yes" if numerator else "no"
    return f"{numerator:g} of {denominator:g}"


def cut_name(marts: MartsReader, cut: str, value: str) -> str:
    """ "the organisation", "Sales" (a department by name), "EMEA", "Director" (a level by name)."""
    if cut == "organisation":
        return "the organisation"
    if cut == "level":
        return level_name(value)
    if cut == "department":
        sql = "select any_value(department_name) as name from marts.dim_leaders where department_id = $v"
        found = marts.row(sql, v=value)
        return (found or {}).get("name") or value
    return value
