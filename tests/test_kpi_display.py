"""How figures and codes read: a KPI's figure and period, the same in the CLI, the dashboard and the API
(config/kpi_display.py), and the dashboard's labels for codes and levels (dashboard/labels.py)."""

from __future__ import annotations

from datetime import date

from lpss_pipeline.config.kpi_display import KpiDisplay, kpi_displays


def test_figures_read_with_their_configured_units():
    shown = kpi_displays()
    assert shown["development_path_completion"].value(77.43) == "77.4%"
    assert shown["early_warning_leaders"].value(12.0) == "12 leaders"
    assert shown["successor_coverage_ratio"].value(2.2222) == "2.22 successors per position"
    assert shown["time_to_promotion"].value(466.0) == "466 days"
    assert shown["leadership_effectiveness_score"].value(72.61) == "72.6"
    assert shown["leadership_effectiveness_score"].target(85.0) == "target >= 85.0"
    assert shown["mentorship_engagement"].value(None) == "—", "no figure, never a 0"
    assert shown["mentorship_engagement"].target(None) == ""


def test_periods_read_by_cadence_and_the_one_in_progress_says_so():
    shown = kpi_displays()
    assert shown["mentorship_engagement"].period(date(2026, 11, 1), True) == "2026-11"
    assert shown["mentorship_engagement"].period(date(2026, 12, 1), False) == "2026-12, in progress"
    assert shown["succession_coverage"].period(date(2026, 10, 1), False) == "2026 Q4, in progress"
    assert shown["promotion_readiness_accuracy"].period(date(2025, 4, 1), True) == (
        "cohort assessed ready in 2025 Q2"
    )
    yearly = KpiDisplay("x", "X", "percent", "ratio_pct", "yearly", ">=")
    assert yearly.period(date(2026, 1, 1), True) == "2026" and yearly.period(None) == ""


def test_codes_and_levels_read_as_labels():
    from lpss_pipeline.dashboard.labels import label, level_name

    assert label("ready_1_2_years") == "ready in 1-2 years"
    assert label("needs_development") == "needs development"
    assert label("hr_admin") == "HR admin" and label(None) == "—"
    assert level_name(2) == "Senior Manager" and level_name(42) == "level 42"
