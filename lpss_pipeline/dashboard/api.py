"""The JSON API (``/api/v1``): the data behind every page, scoped to the caller, with its OpenAPI spec.

Out of scope and nonexistent answer the same 404, so a response never tells whether someone exists.
Every parameter is bounded (ids' length, months' form, levels, limits and offsets): bad input answers
422 naming the parameter and its bound, never a 500.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from lpss_pipeline.dashboard import activity, alert_list, organisation, people, store
from lpss_pipeline.dashboard.auth import RequestContext, request_context
from lpss_pipeline.dashboard.schemas import Development, Me, Scorecard

router = APIRouter(prefix="/api/v1", tags=["lpss"])
NOT_FOUND = "not found"

# Bounds of user input, shared with the pages.
MAX_ID = 128  # employee and department ids
MAX_LEVEL = 99  # leadership levels (leadership_levels.csv; 0-4 by default)
MAX_OFFSET = 1_000_000  # people skipped by a page of the heat map
MONTH = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"  # YYYY-MM
MONTH_START = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])-01$"  # a month as the API returns it: YYYY-MM-01
Id = Annotated[str, Path(min_length=1, max_length=MAX_ID)]
IdFilter = Annotated[str | None, Query(max_length=MAX_ID)]
Level = Annotated[int | None, Query(ge=0, le=MAX_LEVEL)]
Severity = Annotated[Literal["critical", "warning", "info"] | None, Query()]
DeliveryStatus = Annotated[Literal["failed", "pending", "delivered"] | None, Query()]
Month = Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM")]
MonthStart = Annotated[
    str | None,
    Query(pattern=MONTH_START, description="YYYY-MM-01; a month without data falls back to the latest"),
]


def viewed(ctx: RequestContext, page: str, subject: str | None = None, via: str = "api") -> None:
    """Log the view (who, role, page, subject, when) in the dashboard store."""
    with store.connect(ctx.config.store_path) as con:
        activity.log_view(con, ctx.viewer, page, subject, via)


def found(value: Any) -> Any:
    if value is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return value


def require_org_wide(ctx: RequestContext) -> None:
    if not ctx.viewer.org_wide:
        raise HTTPException(status_code=404, detail=NOT_FOUND)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, ctx: RequestContext = Depends(request_context)) -> dict:
    return request.app.openapi()


@router.get("/me", response_model=Me)
def me(ctx: RequestContext = Depends(request_context)) -> dict:
    v = ctx.viewer
    return {
        "username": v.username,
        "employee_id": v.employee_id,
        "full_name": v.full_name,
        "role": v.role,
        "roles": list(v.roles),
    }


@router.get("/scorecards/{employee_id}", response_model=Scorecard)
def scorecard(
    employee_id: Id, month: MonthStart = None, ctx: RequestContext = Depends(request_context)
) -> dict:
    """A leader's scorecard history, one month's metric breakdown, readiness and development."""
    result = found(people.scorecard(ctx.marts, ctx.viewer.employee_id, employee_id, month))
    viewed(ctx, "scorecard", employee_id)
    return result


@router.get("/development/{employee_id}", response_model=Development)
def development(employee_id: Id, ctx: RequestContext = Depends(request_context)) -> dict:
    """IDP milestones, mentoring and competencies; mentors may read this for their active mentees."""
    result = found(people.development(ctx.marts, ctx.viewer.employee_id, employee_id))
    viewed(ctx, "development", employee_id)
    return result


@router.get("/teams/{manager_id}")
def team(manager_id: Id, ctx: RequestContext = Depends(request_context)) -> dict:
    """A manager's direct reports with their latest closed month, and aggregates over 3 or more."""
    result = found(organisation.team(ctx.marts, ctx.viewer.employee_id, manager_id))
    viewed(ctx, "team", manager_id)
    return result


@router.get("/mentees")
def mentees(ctx: RequestContext = Depends(request_context)) -> list[dict]:
    """The caller's active mentees with each pair's engagement."""
    result = organisation.mentees(ctx.marts, ctx.viewer.employee_id)
    viewed(ctx, "mentees")
    return result


@router.get("/departments")
def departments(ctx: RequestContext = Depends(request_context)) -> list[dict]:
    """Departments whose every member's scorecard the caller may read."""
    return organisation.departments(ctx.marts, ctx.viewer.employee_id)


@router.get("/departments/{department_id}")
def department(department_id: Id, ctx: RequestContext = Depends(request_context)) -> dict:
    """KPI tiles against targets, the effectiveness trend, succession coverage with slates."""
    result = found(organisation.department(ctx.marts, ctx.viewer.employee_id, department_id))
    viewed(ctx, "department", department_id)
    return result


@router.get("/bench")
def bench(
    target_level: Level = None,
    limit: int = Query(50, ge=1, le=500),
    ctx: RequestContext = Depends(request_context),
) -> dict:
    """Bench candidates for a target level, ranked (executives and HR admins)."""
    result = organisation.bench(ctx.marts, ctx.viewer.employee_id, target_level, limit)
    viewed(ctx, "bench", str(result["target_level"]))
    return result


@router.get("/heatmap")
def heatmap(
    month: MonthStart = None,
    department_id: IdFilter = None,
    limit: int = Query(40, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ctx: RequestContext = Depends(request_context),
) -> dict:
    """Person x competency ratings for a month, for the people whose development the caller may read."""
    result = organisation.heatmap(ctx.marts, ctx.viewer.employee_id, month, department_id, limit, offset)
    viewed(ctx, "heatmap", department_id)
    return result


@router.get("/alerts")
def alerts(
    severity: Severity = None,
    rule: IdFilter = None,
    status: DeliveryStatus = None,
    limit: int = Query(200, ge=1, le=2000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ctx: RequestContext = Depends(request_context),
) -> list[dict]:
    """Alerts and reminders about people in scope, with their delivery status: the most severe first,
    then the newest; ``matching`` on each row counts every alert the filters match."""
    viewer = ctx.viewer
    result = alert_list.alerts(
        ctx.marts, viewer.employee_id, viewer.org_wide, severity, rule, status, limit, offset
    )
    viewed(ctx, "alerts")
    return result


@router.get("/adoption")
def adoption(month: Month = None, ctx: RequestContext = Depends(request_context)) -> dict:
    """Managers' and mentors' dashboard adoption in a month (YYYY-MM) and the sign-off rate (HR)."""
    require_org_wide(ctx)
    with store.connect(ctx.config.store_path) as con:
        result = activity.adoption(ctx.marts, con, month)
    viewed(ctx, "adoption")
    return result
