"""Server-rendered pages; each reads the same scoped functions as its API endpoint and logs the view.

Their parameters carry the API's bounds (api.py): bad input answers 422, never a 500."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from lpss_pipeline.dashboard import (
    activity,
    alert_list,
    charts,
    configured,
    kpi_people,
    kpis,
    organisation,
    people,
    store,
)
from lpss_pipeline.dashboard.access import min_group
from lpss_pipeline.dashboard.api import (
    MAX_ID,
    MAX_OFFSET,
    NOT_FOUND,
    DeliveryStatus,
    Id,
    IdFilter,
    Level,
    Month,
    MonthStart,
    Severity,
    found,
    require_org_wide,
    viewed,
)
from lpss_pipeline.dashboard.app import templates
from lpss_pipeline.dashboard.auth import RequestContext, request_context

router = APIRouter(include_in_schema=False)
HEATMAP_PAGE = 40  # people a page
templates.env.globals.update(NOT_TRACKED=configured.NOT_TRACKED, NO_DATA=configured.NO_DATA)


def render(request: Request, ctx: RequestContext, template: str, **values):
    return templates.TemplateResponse(
        request, template, {"viewer": ctx.viewer, "csrf_token": ctx.csrf_token, **values}
    )


@router.get("/")
def home(request: Request, ctx: RequestContext = Depends(request_context)):
    me = ctx.viewer.employee_id
    own = people.scorecard(ctx.marts, me, me)
    viewed(ctx, "home", via="page")
    return render(
        request,
        ctx,
        "home.html",
        own=own,
        chart=charts.scorecard_trend(own["trend"], own["categories"], own["composite_label"])
        if own
        else None,
        team=organisation.team(ctx.marts, me, me),
        mentees=organisation.mentees(ctx.marts, me),
    )


@router.get("/scorecards/{employee_id}")
def scorecard(
    request: Request,
    employee_id: Id,
    month: MonthStart = None,
    ctx: RequestContext = Depends(request_context),
):
    card = found(people.scorecard(ctx.marts, ctx.viewer.employee_id, employee_id, month))
    viewed(ctx, "scorecard", employee_id, via="page")
    chart = charts.scorecard_trend(card["trend"], card["categories"], card["composite_label"])
    return render(request, ctx, "scorecard.html", card=card, chart=chart)


@router.get("/development/{employee_id}")
def development(request: Request, employee_id: Id, ctx: RequestContext = Depends(request_context)):
    record = found(people.development(ctx.marts, ctx.viewer.employee_id, employee_id))
    viewed(ctx, "development", employee_id, via="page")
    return render(request, ctx, "development.html", dev=record)


def _team_page(request: Request, ctx: RequestContext, manager_id: str):
    data = found(organisation.team(ctx.marts, ctx.viewer.employee_id, manager_id))
    own = manager_id == ctx.viewer.employee_id
    with store.connect(ctx.config.store_path) as con:
        signed = activity.signoff(con, manager_id, data["month"]) if data["month"] else None
    viewed(ctx, "team", manager_id, via="page")
    return render(
        request,
        ctx,
        "team.html",
        team=data,
        own=own,
        signed=signed,
        chart=charts.team_trend(data["history"], data["team_mean"]),
    )


@router.get("/team")
def my_team(request: Request, ctx: RequestContext = Depends(request_context)):
    if "manager" not in ctx.viewer.roles:  # a bookmark or a shared link: say why, not "not found"
        raise HTTPException(status_code=404, detail="You have no direct reports: this page is for managers.")
    return _team_page(request, ctx, ctx.viewer.employee_id)


@router.get("/teams/{manager_id}")
def team(request: Request, manager_id: Id, ctx: RequestContext = Depends(request_context)):
    return _team_page(request, ctx, manager_id)


@router.post("/team/signoff")
def sign_off(
    month: str = Form(...), csrf_token: str = Form(""), ctx: RequestContext = Depends(request_context)
):
    """The manager signs off their own team's scorecards for the team's latest closed month."""
    ctx.require_csrf(csrf_token)
    me = ctx.viewer.employee_id
    data = found(organisation.team(ctx.marts, me, me))
    if month != data["month"] or not data["month_closed"]:
        raise HTTPException(status_code=409, detail="Only the latest closed month can be signed off.")
    scored = sum(m["month"] is not None for m in data["members"])
    with store.connect(ctx.config.store_path) as con:
        activity.record_signoff(con, me, month, ctx.viewer.username, scored)
    return RedirectResponse("/team", status_code=303)


@router.get("/mentees")
def mentees(request: Request, ctx: RequestContext = Depends(request_context)):
    untracked = configured.not_tracked()
    rows = organisation.mentees(ctx.marts, ctx.viewer.employee_id)
    if not rows and "mentoring" not in untracked:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    viewed(ctx, "mentees", via="page")
    return render(request, ctx, "mentees.html", mentees=rows, not_tracked=untracked)


@router.get("/departments")
def departments(request: Request, ctx: RequestContext = Depends(request_context)):
    rows = organisation.departments(ctx.marts, ctx.viewer.employee_id)
    viewed(ctx, "departments", via="page")
    return render(request, ctx, "departments.html", departments=rows)


@router.get("/organisation")
def organisation_page(request: Request, ctx: RequestContext = Depends(request_context)):
    """Executives and HR admins: every KPI at the organisation level, then by department, region, level."""
    require_org_wide(ctx)
    group = min_group()
    data = {
        "kpis": kpis.tiles(ctx.marts, "organisation", "all", group),
        "breakdown": kpis.breakdown(ctx.marts, group),
        "min_group": group,
    }
    trend = kpis.trend(ctx.marts, "organisation", "all", "leadership_effectiveness_score", group)
    viewed(ctx, "organisation", via="page")
    chart = charts.kpi_trend(trend, "Leadership Effectiveness Score")
    return render(request, ctx, "organisation.html", org=data, chart=chart)


@router.get("/organisation/kpis/{kpi_id}")
def kpi_observations(
    request: Request,
    kpi_id: Id,
    cut: str = Query("organisation", max_length=20),
    value: str = Query("all", max_length=MAX_ID),
    page: int = Query(1, ge=1, le=MAX_OFFSET // kpi_people.PER_PAGE + 1),
    ctx: RequestContext = Depends(request_context),
):
    """Executives and HR admins: the people (or positions) behind one figure of the organisation page."""
    require_org_wide(ctx)
    data = found(kpi_people.observations(ctx.marts, kpi_id, cut, value, page, min_group()))
    viewed(ctx, "kpi_observations", kpi_id, via="page")
    query = f"&cut={quote(cut)}&value={quote(value)}"
    return render(request, ctx, "kpi_observations.html", kpi=data, query=query)


@router.get("/departments/{department_id}")
def department(request: Request, department_id: Id, ctx: RequestContext = Depends(request_context)):
    data = found(organisation.department(ctx.marts, ctx.viewer.employee_id, department_id))
    viewed(ctx, "department", department_id, via="page")
    chart = charts.kpi_trend(data["trend"], "Leadership Effectiveness Score")
    return render(request, ctx, "department.html", dept=data, chart=chart)


@router.get("/bench")
def bench(request: Request, level: Level = None, ctx: RequestContext = Depends(request_context)):
    data = organisation.bench(ctx.marts, ctx.viewer.employee_id, level)
    viewed(ctx, "bench", str(data["target_level"]), via="page")
    chart = charts.bench_bars(data["candidates"])
    return render(request, ctx, "bench.html", bench=data, chart=chart)


@router.get("/heatmap")
def heatmap(
    request: Request,
    month: MonthStart = None,
    department: str | None = Query(None, max_length=MAX_ID),
    page: int = Query(1, ge=1, le=MAX_OFFSET // HEATMAP_PAGE + 1),
    ctx: RequestContext = Depends(request_context),
):
    size = HEATMAP_PAGE
    data = organisation.heatmap(
        ctx.marts, ctx.viewer.employee_id, month, department or None, size, (page - 1) * size
    )
    viewed(ctx, "heatmap", department, via="page")
    chart = charts.heatmap(data["people"], data["cells"])
    return render(
        request,
        ctx,
        "heatmap.html",
        heat=data,
        chart=chart,
        page=page,
        size=size,
        departments=organisation.departments(ctx.marts, ctx.viewer.employee_id),
    )


@router.get("/alerts")
def alerts(
    request: Request,
    severity: Severity = None,
    rule: IdFilter = None,
    status: DeliveryStatus = None,
    page: int = Query(1, ge=1, le=MAX_OFFSET // alert_list.PER_PAGE + 1),
    ctx: RequestContext = Depends(request_context),
):
    data = alert_list.alert_page(
        ctx.marts, ctx.viewer.employee_id, ctx.viewer.org_wide, severity, rule or None, status, page
    )
    viewed(ctx, "alerts", via="page")
    return render(request, ctx, "alerts.html", alerts=data)


@router.get("/adoption")
def adoption(
    request: Request,
    month: Month = None,
    ctx: RequestContext = Depends(request_context),
):
    require_org_wide(ctx)
    with store.connect(ctx.config.store_path) as con:
        data = activity.adoption(ctx.marts, con, month)
    viewed(ctx, "adoption", via="page")
    return render(request, ctx, "adoption.html", adoption=data, not_tracked=configured.not_tracked())
