"""The alerts and reminders a viewer may read, filtered and a page at a time.

An alert is listed when the viewer holds, on its subject, the grant its rule's data_scope names
(alert_rules.csv); operations alerts (and alerts about no one) only for executives and HR admins.
The most severe come first (critical, warning, info), then the newest: a page of reminders never
hides an intervention. Filters: severity, rule, delivery status; the counts per severity are of
everything in scope, whatever the filters, so a reader sees what a filter leaves out.
"""

from __future__ import annotations

import math
from typing import Any

from lpss_pipeline.config import config_rows
from lpss_pipeline.dashboard.access import DEVELOPMENT, SCORECARD, SUCCESSION, granted
from lpss_pipeline.dashboard.marts import MartsReader

SEVERITIES = ("critical", "warning", "info")
STATUSES = ("failed", "pending", "delivered")
PER_PAGE = 50

IN_SCOPE = f"""
with alerts as (
    select alert_key, any_value(rule_id) as rule_id, any_value(severity) as severity,
        any_value(title) as title, any_value(message) as message,
        any_value(subject_employee_id) as subject_employee_id, any_value(subject_name) as subject_name,
        any_value(period) as period, min(planned_at) as planned_at, count(*) as recipients,
        count(*) filter (where status = 'delivered') as delivered,
        count(*) filter (where status = 'pending') as pending,
        count(*) filter (where status = 'failed') as failed,
        max(delivered_at) as last_delivered_at,
        string_agg(distinct delivered_via, ', ') as delivered_via
    from marts.fct_alert_deliveries
    group by alert_key
),
in_scope as (
    select a.*, l.job_title as subject_title, l.department_name as subject_department
    from alerts as a
    left join marts.dim_leaders as l on l.employee_id = a.subject_employee_id
    where (list_contains($scorecard_rules, a.rule_id) and {granted("a.subject_employee_id", SCORECARD)})
        or (list_contains($development_rules, a.rule_id) and {granted("a.subject_employee_id", DEVELOPMENT)})
        or (list_contains($succession_rules, a.rule_id) and {granted("a.subject_employee_id", SUCCESSION)})
        or ($org_wide and (list_contains($operations_rules, a.rule_id) or a.subject_employee_id is null))
)
"""

LIST_SQL = (
    IN_SCOPE
    + """
select *, count(*) over () as matching
from in_scope
where ($severity is null or severity = $severity) and ($rule is null or rule_id = $rule)
    and ($status is null or ($status = 'failed' and failed > 0) or ($status = 'pending' and pending > 0)
        or ($status = 'delivered' and delivered = recipients))
order by case severity when 'critical' then 0 when 'warning' then 1 else 2 end, planned_at desc, alert_key
limit $limit offset $offset
"""
)

COUNTS_SQL = IN_SCOPE + "select severity, count(*) as alerts from in_scope group by severity"


def _published(marts: MartsReader) -> bool:
    return bool(
        marts.value(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'marts' and table_name = 'fct_alert_deliveries'"
        )
    )


def _scopes(viewer: str, org_wide: bool) -> dict[str, Any]:
    scopes: dict[str, list[str]] = {}
    for row in config_rows("alert_rules"):
        scopes.setdefault(row["data_scope"], []).append(row["rule_id"])
    return {
        "viewer": viewer,
        "org_wide": org_wide,
        **{f"{s}_rules": scopes.get(s, []) for s in ("scorecard", "development", "succession", "operations")},
    }


def alerts(
    marts: MartsReader,
    viewer: str,
    org_wide: bool,
    severity: str | None = None,
    rule: str | None = None,
    status: str | None = None,
    limit: int = PER_PAGE,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """One page of the alerts in scope matching the filters (empty before the first delivery run);
    each row carries ``matching``, how many match in all."""
    if not _published(marts):
        return []
    filters = {"severity": severity, "rule": rule, "status": status, "limit": limit, "offset": offset}
    return marts.rows(LIST_SQL, **_scopes(viewer, org_wide), **filters)


def alert_page(
    marts: MartsReader,
    viewer: str,
    org_wide: bool,
    severity: str | None,
    rule: str | None,
    status: str | None,
    page: int,
) -> dict[str, Any]:
    """What the alerts page shows: a page of rows, the pager, and the counts per severity in scope."""
    rows = alerts(marts, viewer, org_wide, severity, rule, status, PER_PAGE, (page - 1) * PER_PAGE)
    matching = rows[0]["matching"] if rows else 0
    found = marts.rows(COUNTS_SQL, **_scopes(viewer, org_wide)) if _published(marts) else []
    counts = {r["severity"]: r["alerts"] for r in found}
    return {
        "rows": rows,
        "matching": matching,
        "page": page,
        "pages": max(1, math.ceil(matching / PER_PAGE)),
        "counts": {s: counts.get(s, 0) for s in SEVERITIES},
        "rules": [(r["rule_id"], r["title"]) for r in config_rows("alert_rules")],
        "filters": {"severity": severity, "rule": rule, "status": status},
    }
