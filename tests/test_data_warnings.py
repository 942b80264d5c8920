"""Warnings about the organisation a batch describes, and the freshness of the exports (SPEC section 10).

Each case lands a tiny, hand-made contract batch (six people, one department, every reference
resolving), loads it with the real loader and runs the warning or freshness rule on the warehouse:
a warning is there when it should be, absent on clean data, and never keeps a batch from loading.
Great Expectations runs only where the checks themselves are under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb
from typer.testing import CliRunner

from lpss_pipeline.alerting.deliveries import planned_for
from lpss_pipeline.config import channel, tracked_entities
from lpss_pipeline.contract import BATCH_ID_FORMAT, entities_of
from lpss_pipeline.quality.data_warnings import leaders_without_input
from tests.small_org import (
    employee,
    hris_batch_id,
    organisation,
    person,
    without,
)

# --- item 5: warnings -------------------------------------------------------------------------------


def test_a_clean_organisation_raises_no_warning(wh):
    assert wh.warnings(wh.land(organisation())) == []


def test_a_manager_who_has_left_with_active_reports_is_named_with_their_count(wh):
    org = organisation()
    employee(org, "E3")["termination_date"] = date(2026, 5, 29)
    employee(org, "E5")["termination_date"] = date(2026, 6, 1)  # left too: not an active report
    org["goal_attainment"] = without(org["goal_attainment"], month=date(2026, 6, 1))
    [finding] = wh.warnings(wh.land(org), "departed_manager")
    assert finding.entity == "employees" and finding.column == "manager_id"
    assert finding.affected == 1 and finding.rows == (4,)  # E4's row: its manager_id needs updating
    assert "E3 Cy Lead (left 2026-05-29): 1 active report" in finding.message, finding.message
    # A termination later than the as-of date is a notice period: the manager is still there.
    employee(org, "E3")["termination_date"] = date(2026, 7, 31)
    employee(org, "E5")["termination_date"] = None
    assert wh.warnings(wh.land(org, "2026-06-15T070000Z"), "departed_manager") == []


def test_more_than_one_person_without_a_manager_lists_all_but_the_top(wh):
    org = organisation()
    employee(org, "E6")["manager_id"] = None
    org["employees"].append(person("E7", 3, None, left=date(2026, 1, 31)))  # has left: not counted
    [finding] = wh.warnings(wh.land(org), "several_tops")
    assert finding.affected == 1 and finding.rows == (6,)
    assert "top of the organisation E1 Ada Top (level 4)" in finding.message
    assert "E6 Person E6 (level 1)" in finding.message and "E7" not in finding.message


def test_rows_dated_after_the_persons_termination_are_counted_per_entity_with_examples(wh):
    org = organisation()
    employee(org, "E5")["termination_date"] = date(2026, 4, 20)  # goal rows of May and June come after
    org["promotions"] = [
        {
            "employee_id": "E5",
            "effective_date": date(2026, 4, 20),
            "from_level": 0,
            "to_level": 1,
        },  # last day
        {"employee_id": "E4", "effective_date": date(2026, 5, 1), "from_level": 0, "to_level": 1},
    ]
    sessions = [("S1", date(2026, 4, 10), "completed"), ("S2", date(2026, 5, 10), "completed")]
    sessions.append(("S3", date(2026, 6, 10), "cancelled"))  # cancelled: as it should be
    org["mentoring_sessions"] = [
        {
            "session_id": s,
            "assignment_id": "A1",
            "scheduled_at": datetime(d.year, d.month, d.day, 9, tzinfo=UTC),
            "status": status,
            "mentee_feedback": None,
        }
        for s, d, status in sessions
    ]
    found = {f.entity: f for f in wh.warnings(wh.land(org), "after_termination")}
    assert set(found) == {"goal_attainment", "mentoring_sessions"}, found
    goals = found["goal_attainment"]
    assert goals.affected == 2 and goals.column == "month" and len(goals.rows) == 2
    assert "E5 left 2026-04-20, month 2026-05-01" in goals.message, goals.message
    assert found["mentoring_sessions"].affected == 1
    assert "E5 left 2026-04-20, scheduled_at 2026-05-10" in found["mentoring_sessions"].message


def test_untracked_entities_are_not_read_for_rows_after_termination(wh, tmp_path, monkeypatch):
    org = organisation()
    employee(org, "E5")["termination_date"] = date(2026, 4, 20)
    batch = wh.land(org)
    config = tmp_path / "config"
    config.mkdir()
    tracked = [f"hris,{e.name},{str(e.name != 'goal_attainment').lower()}," for e in entities_of("hris")]
    (config / "tracked_entities.csv").write_text("\n".join(["system,entity,tracked,note", *tracked]) + "\n")
    monkeypatch.setenv("LPSS_CONFIG_DIR", str(config))
    assert "goal_attainment" not in tracked_entities("hris")
    assert wh.warnings(batch, "after_termination") == []


def test_a_leader_with_no_scorecard_input_for_three_months_is_named(wh):
    org = organisation()
    org["goal_attainment"] = without(org["goal_attainment"], employee_id="E3")
    org["goal_attainment"].append({"employee_id": "E3", "month": date(2026, 3, 1), "goal_attainment_pct": 80})
    batch = wh.land(org)
    [finding] = wh.warnings(batch, "leader_without_input")
    assert finding.affected == 1 and finding.rows == (3,)
    assert "no scorecard input in 2026-04 to 2026-06" in finding.message
    assert "E3 Cy Lead (level 1)" in finding.message, finding.message  # not E6 (new) nor E4 (IC)

    # A quarterly input counts in every month of its quarter; CRM revenue through the owner's e-mail.
    hris, crm = tracked_entities("hris"), tracked_entities("crm")
    org["strategic_impact_ratings"] = [
        {
            "leader_employee_id": "E3",
            "quarter": date(2026, 1, 1),  # January to March: outside the window
            "project_execution": 3,
            "innovation": 3,
            "cross_functional_influence": 3,
            "rated_by": "E2",
        }
    ]
    wh.land(org, "2026-06-15T070000Z")
    assert [f.check for f in leaders_without_input(wh.con, batch, 3, hris, crm)] == ["leader_without_input"]
    revenue = {"revenue": 10.0, "revenue_target": 10.0, "pipeline_value": 1.0, "closed_deals": 1}
    wh.land(
        {"team_revenue": [{"owner_email": " E3@Example.org", "month": date(2026, 4, 1), **revenue}]},
        "2026-06-15T061500Z",
        "crm",
    )
    assert leaders_without_input(wh.con, batch, 3, hris, crm) == []
    # Only tracked entities count: without CRM, E3 is silent again; without goals, so are E1 and E2.
    assert leaders_without_input(wh.con, batch, 3, hris, frozenset())[0].affected == 1
    [silent] = leaders_without_input(wh.con, batch, 3, hris - {"goal_attainment"}, crm)
    assert silent.affected == 2 and "E1 Ada Top (level 4)" in silent.message and "E3" not in silent.message


def test_warnings_are_recorded_shown_and_never_stop_a_batch(wh, tmp_path, monkeypatch):
    """Through the real checks: the batch passes, the warnings are in ops.data_quality_findings, in
    `lpss quality`, and in the Dagster check's result (passed, severity WARN)."""
    import dagster as dg

    from expectations.gx_run import GxRunner
    from lpss_pipeline.checks.results import check_result
    from lpss_pipeline.cli import app
    from lpss_pipeline.console import console

    org = organisation()
    employee(org, "E3")["termination_date"] = date(2026, 5, 29)  # left, with two reports; goals of June
    employee(org, "E6")["manager_id"] = None
    org["goal_attainment"] = without(org["goal_attainment"], employee_id="E2")
    wh.land(org)
    [validation] = wh.check(GxRunner(tmp_path / "gx", tmp_path / "docs"))

    assert not validation.quarantined
    assert not wh.con.execute("SELECT count(*) FROM ops.quarantined_batches").fetchone()[0]
    employees = validation.entities["employees"]
    assert {f.check for f in employees.warnings} == {
        "departed_manager",
        "several_tops",
        "leader_without_input",
    }
    assert [f.check for f in validation.entities["goal_attainment"].warnings] == ["after_termination"]
    recorded = wh.con.execute(
        "SELECT check_name, entity, blocking FROM ops.data_quality_findings ORDER BY ALL"
    ).fetchall()
    assert recorded == [
        ("after_termination", "goal_attainment", False),
        ("departed_manager", "employees", False),
        ("leader_without_input", "employees", False),
        ("several_tops", "employees", False),
    ]
    status = wh.con.execute("SELECT status FROM ops.data_quality_runs WHERE entity = 'employees'").fetchone()[
        0
    ]
    assert status == "warning"

    result = check_result(dg.AssetKey(["raw", "hris", "employees"]), "data_integrity", employees.findings, {})
    assert result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["warnings"].value == 3 and result.metadata["blocking_findings"].value == 0
    assert "still have 2 active direct report(s)" in result.metadata["findings"].value

    wh.con.close()
    monkeypatch.setattr(console, "width", 1000)  # one finding a line
    shown = CliRunner().invoke(app, ["quality"])
    assert shown.exit_code == 0, shown.output
    assert "E3 Cy Lead (left 2026-05-29): 2 active reports" in shown.output
    assert "E6 Person E6 (level 1)" in shown.output and "E2 Person E2 (level 2)" in shown.output
    assert "row(s) dated after the last day of employment" in shown.output
    wh.con = duckdb.connect(str(wh.settings.warehouse_path))


# --- item 6: freshness -----------------------------------------------------------------------------


def late_alerts(con) -> list[dict]:
    return [a for a in planned_for(con, channel("data")) if ":late:" in a["alert_key"]]


def test_a_backfill_of_old_exports_raises_one_late_alert_whatever_its_age(wh, tmp_path):
    from expectations.gx_run import GxRunner
    from lpss_pipeline.quality.freshness import freshness_findings

    runner = GxRunner(tmp_path / "gx", tmp_path / "docs")
    for as_of in (date(2022, 1, 17), date(2022, 2, 17)):
        wh.land(organisation(as_of), hris_batch_id(as_of))
    assert [v.quarantined for v in wh.check(runner)] == [False, False]
    now = datetime.now(UTC)
    for day in range(5):  # the daily check, five days running
        late = freshness_findings(wh.con, now + timedelta(days=day), ("hris",))["hris"]
        assert not late.blocking and late.check == "freshness"
    age = (now + timedelta(days=4) - datetime(2022, 2, 17, 6, tzinfo=UTC)).days
    assert late.message.startswith(
        f"the latest HRIS export that passed its checks is from 2022-02-17, {age:,} days old"
    )
    # One more old export in a later run: still the same late period.
    wh.land(organisation(date(2022, 3, 17)), hris_batch_id(date(2022, 3, 17)))
    wh.check(runner)
    freshness_findings(wh.con, now, ("hris",))
    [alert] = late_alerts(wh.con)
    assert (
        alert["alert_key"] == "missing_data:hris:late:since-first-load" and alert["rule_id"] == "missing_data"
    )
    assert "is from 2022-02-17" in alert["message"] and "days old" in alert["message"]
    assert freshness_findings(wh.con, now, ("crm",)) == {}  # no CRM batch: nothing to say


def test_the_late_alert_names_the_latest_batch_that_passed_its_checks(wh, tmp_path):
    from expectations.gx_run import GxRunner
    from lpss_pipeline.quality.freshness import freshness_findings

    runner = GxRunner(tmp_path / "gx", tmp_path / "docs")
    now = datetime.now(UTC)
    good, bad, unchecked = (now.date() - timedelta(days=d) for d in (10, 6, 3))
    wh.land(organisation(good), hris_batch_id(good))
    broken = organisation(bad)
    broken["goal_attainment"][0]["goal_attainment_pct"] = 250.0  # out of range: quarantined by the checks
    wh.land(broken, hris_batch_id(bad))
    validations = wh.check(runner)
    assert [v.quarantined for v in validations] == [False, True]
    wh.land(organisation(unchecked), hris_batch_id(unchecked))  # loaded, its checks not run yet

    late = freshness_findings(wh.con, now, ("hris",))["hris"]
    assert f"batch {hris_batch_id(good)}" in late.message, late.message
    [alert] = late_alerts(wh.con)
    assert hris_batch_id(good) in alert["message"]
    assert hris_batch_id(bad) not in alert["message"] and hris_batch_id(unchecked) not in alert["message"]

    # A batch that arrives on time ends the late period; when it ages, that is a new one: a new alert.
    exported = now - timedelta(hours=1)
    fresh = exported.strftime(BATCH_ID_FORMAT)
    wh.land(organisation(exported.date()), fresh)
    wh.check(runner)
    assert freshness_findings(wh.con, now, ("hris",)) == {}
    freshness_findings(wh.con, now + timedelta(days=3), ("hris",))
    freshness_findings(wh.con, now + timedelta(days=4), ("hris",))
    assert [a["alert_key"] for a in late_alerts(wh.con)] == [
        "missing_data:hris:late:since-first-load",
        f"missing_data:hris:late:{fresh}",
    ]
    assert f"batch {fresh}" in late_alerts(wh.con)[1]["message"]
