"""Response models of the JSON API: they document the contract in the OpenAPI spec."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel


class Person(BaseModel):
    employee_id: str
    full_name: str
    job_title: str | None = None
    leadership_level: int | None = None
    level_name: str | None = None
    department_id: str | None = None
    department_name: str | None = None
    region: str | None = None
    manager_id: str | None = None
    is_active: bool | None = None


class ScorecardMonth(BaseModel):
    month: date
    performance_score: float | None
    engagement_score: float | None
    development_score: float | None
    strategic_impact_score: float | None
    composite_score: float | None
    band: str
    is_complete: bool
    composite_change: float | None
    trend_slope_3m: float | None
    config_version: str | None
    is_provisional: bool | None = None


class MetricBreakdown(BaseModel):
    metric_id: str
    category: str
    raw_value: float | None
    metric_score: float | None
    weight_in_category: float | None
    contribution: float | None
    floor: float | None
    target: float | None


class Readiness(BaseModel):
    month: date
    readiness_pct: float | None
    band: str | None
    readiness_basis: str | None
    target_level: int | None
    is_stagnating: bool | None
    is_high_risk: bool | None
    band_streak_months: int | None


class Prediction(BaseModel):
    """Only for executives and HR admins, never about oneself."""

    month: date
    promotion_probability: float | None
    model_version: str | None
    months_to_ready: float | None
    top_feature_1: str | None
    top_contribution_1: float | None
    top_feature_2: str | None
    top_contribution_2: float | None
    top_feature_3: str | None
    top_contribution_3: float | None


class Development(BaseModel):
    """IDP milestones, mentoring and competencies: no performance score (what mentors may read).

    ``not_tracked`` names each part the organisation's configuration does not track (``milestones``,
    ``mentoring``, ``sessions``, ``competencies``) with the untracked export entities it reads; such a
    part is empty."""

    person: Person
    milestones: list[dict[str, Any]]
    milestone_summary: dict[str, Any] | None
    mentoring: list[dict[str, Any]]
    competencies: list[dict[str, Any]]
    interventions: list[dict[str, Any]]
    not_tracked: dict[str, list[str]] = {}


class Category(BaseModel):
    """A scorecard category the organisation scores; the composite is over these only."""

    category: str
    column: str
    label: str
    weight: float


class Scorecard(BaseModel):
    """A category the organisation does not score has a null score in every month of ``history``.
    ``month`` is the latest closed month unless another was asked for; ``history`` holds every month,
    the one in progress flagged ``is_provisional``."""

    person: Person
    month: date | None
    categories: list[Category]
    composite_label: str
    history: list[ScorecardMonth]
    metrics: list[MetricBreakdown]
    readiness: Readiness | None
    prediction: Prediction | None
    development: Development | None
    not_tracked: dict[str, list[str]] = {}


class Me(BaseModel):
    username: str
    employee_id: str
    full_name: str | None
    role: str
    roles: list[str]
