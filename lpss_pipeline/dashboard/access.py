"""Who is asking, and the SQL that limits every query to what they may read.

Authorisation lives in marts.dim_access_grants (built by dbt from the HRIS and the access_roles
seed), and every dashboard query filters through :func:`granted`, so scope is enforced by the
database for each row returned, not by hiding links. Something out of scope is indistinguishable
from something that does not exist: both come back empty and the app answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lpss_pipeline.config import config_values
from lpss_pipeline.dashboard.marts import MartsReader

# What each grant flag of dim_access_grants allows (SPEC section 9).
SCORECARD = "can_view_scorecard"  # full (executive, HR admin, direct manager) and self
DEVELOPMENT = "can_view_development"  # full, self, and mentor (development scope)
SUCCESSION = "can_view_succession_and_predictions"  # executive and HR admin, never about oneself
ADMINISTER = "can_administer"  # HR admin
FLAGS = (SCORECARD, DEVELOPMENT, SUCCESSION, ADMINISTER)

ROLE_ORDER = ("executive", "hr_admin", "manager", "mentor", "leader", "employee")


def granted(subject_column: str, flag: str) -> str:
    """SQL true when ``$viewer`` holds ``flag`` on the employee in ``subject_column``."""
    if flag not in FLAGS:
        raise ValueError(f"unknown grant flag {flag!r}")
    return (
        "exists (select 1 from marts.dim_access_grants as g where g.viewer_employee_id = $viewer "
        f"and g.subject_employee_id = {subject_column} and g.{flag})"
    )


def min_group() -> int:
    """No aggregate is shown over fewer people than this (privacy; lpss_parameters)."""
    return int(config_values("lpss_parameters", key="parameter")["min_aggregate_group"])


@dataclass(frozen=True)
class Viewer:
    username: str
    employee_id: str
    full_name: str | None = None
    roles: tuple[str, ...] = field(default_factory=tuple)

    @property
    def role(self) -> str:
        """The primary role, as logged with page views: the broadest the person holds."""
        return next((r for r in ROLE_ORDER if r in self.roles), "none")

    @property
    def org_wide(self) -> bool:
        return "executive" in self.roles or "hr_admin" in self.roles


VIEWER_SQL = """
select
    l.full_name,
    l.is_active,
    l.leadership_level,
    exists (select 1 from marts.dim_access_grants as g
        where g.viewer_employee_id = $viewer and g.basis = 'executive') as is_executive,
    exists (select 1 from marts.dim_access_grants as g
        where g.viewer_employee_id = $viewer and g.basis = 'hr_admin') as is_hr_admin,
    exists (select 1 from marts.dim_leaders as r
        where r.manager_id = $viewer and r.is_active and r.employee_id <> $viewer) as is_manager,
    exists (select 1 from marts.dim_access_grants as g
        where g.viewer_employee_id = $viewer and g.basis = 'mentor') as is_mentor
from marts.dim_leaders as l
where l.employee_id = $viewer
"""


def resolve_viewer(marts: MartsReader, username: str, employee_id: str) -> Viewer:
    """The account's person and roles as the published grants have them now (a leaver has none)."""
    found = marts.row(VIEWER_SQL, viewer=employee_id)
    if not found or not found["is_active"]:
        return Viewer(username, employee_id, found["full_name"] if found else None, ())
    roles = [
        role
        for role, held in (
            ("executive", found["is_executive"]),
            ("hr_admin", found["is_hr_admin"]),
            ("manager", found["is_manager"]),
            ("mentor", found["is_mentor"]),
        )
        if held
    ]
    if found["leadership_level"] >= 1:
        roles.append("leader")
    return Viewer(username, employee_id, found["full_name"], tuple(roles) or ("employee",))
