"""Codes as people read them: readiness bands, score bands, statuses, roles and levels by name.

The marts keep the codes (``ready_1_2_years``, ``needs_development``, ``hr_admin``): they are the
contract BI tools join on. The pages show these labels; a code not listed reads with its underscores
as spaces, and a leadership level by its configured name (leadership_levels.csv).
"""

from __future__ import annotations

from lpss_pipeline.config import config_rows

LABELS = {
    "ready_now": "ready now",
    "ready_1_2_years": "ready in 1-2 years",
    "ready_3_plus_years": "ready in 3+ years",
    "hr_admin": "HR admin",
    "completed_on_time": "completed on time",
    "completed_late": "completed late",
    "insufficient_data": "insufficient data",
    "not_tracked": "not tracked",
}


def label(code: object) -> str:
    """The label of a code (a dash for none)."""
    if code is None or code == "":
        return "—"
    return LABELS.get(str(code), str(code).replace("_", " "))


def level_name(level: object) -> str:
    """A leadership level by its configured name ("Senior Manager"), else "level N"."""
    if level is None:
        return "—"
    names = {row["leadership_level"]: row["level_name"] for row in config_rows("leadership_levels")}
    return names.get(str(level), f"level {level}")
