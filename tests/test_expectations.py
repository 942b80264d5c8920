"""The raw suites are the export contract, restated for Great Expectations by code, not by hand."""

from __future__ import annotations

from datetime import date

from expectations.raw import RawContext, raw_suite
from lpss_pipeline.contract import ENTITIES, entity

CTX = RawContext(export_date=date(2026, 6, 15), previous_rows=100, reference_tolerance=0.0)


def kinds(suite, gx_type):
    return [e for e in suite.expectations if e.gx_type == gx_type]


def test_every_contract_rule_becomes_an_expectation():
    for e in ENTITIES.values():
        suite = raw_suite(e, CTX)
        not_null = {x.kwargs["column"] for x in kinds(suite, "ExpectColumnValuesToNotBeNull")}
        assert not_null == {c.name for c in e.columns if not c.nullable}, e.name
        in_set = {
            x.kwargs["column"]: x.kwargs["value_set"] for x in kinds(suite, "ExpectColumnValuesToBeInSet")
        }
        for c in e.columns:
            if c.allowed:
                assert in_set[c.name] == list(c.allowed)
        ranges = {
            x.kwargs["column"]: x for x in kinds(suite, "ExpectColumnValuesToBeBetween") if x.check == "range"
        }
        assert set(ranges) == {c.name for c in e.columns if c.min is not None or c.max is not None}
        assert all(x.blocking for x in suite.expectations if x.check in ("key_unique", "range", "required"))


def test_references_and_tolerances_come_from_the_context():
    employees = entity("hris", "employees")
    tolerant = RawContext(export_date=date(2026, 6, 15), referenced=("manager_id",), reference_tolerance=0.1)
    refs = [x for x in raw_suite(employees, tolerant).expectations if x.check == "reference"]
    assert [(x.kwargs.get("mostly"), x.blocking) for x in refs] == [(0.9, True), (None, False)]
    strict = RawContext(export_date=date(2026, 6, 15), referenced=("manager_id",))
    assert [x.blocking for x in raw_suite(employees, strict).expectations if x.check == "reference"] == [True]


def test_snapshot_collapse_threshold_follows_the_configured_share():
    suite = raw_suite(
        entity("hris", "positions"),
        RawContext(export_date=date(2026, 6, 15), previous_rows=200, collapse_share=0.5),
    )
    [collapse] = [x for x in suite.expectations if x.check == "row_count_collapse"]
    assert collapse.kwargs == {"min_value": 100}
    events = raw_suite(entity("hris", "goal_attainment"), CTX)
    assert not [x for x in events.expectations if x.check == "row_count_collapse"]


def test_the_default_demo_organisation_passes_every_blocking_check(tmp_path, monkeypatch):
    """`make demo` generates 2,000 employees x 36 months: its batches must load and pass the checks."""
    import dagster as dg

    from lpss_pipeline.runner import run_job
    from lpss_pipeline.settings import Settings
    from lpss_pipeline.synthetic.generate import generate_history

    settings = Settings(home=tmp_path, landing_dir=tmp_path / "landing")
    for name in ("LPSS_HOME", "LPSS_WAREHOUSE_PATH", "DAGSTER_HOME"):
        monkeypatch.setenv(name, "")
    generate_history(settings.landing_dir, settings.truth_dir, employees=2000, months=36, as_of=date.today())
    outcome = run_job(settings, "ingest_job", instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, "\n".join(outcome.failures)
    assert not list(settings.quarantine_dir.iterdir())


def test_an_entity_validated_in_parts_gives_the_findings_of_the_whole(tmp_path):
    """Big event entities are validated in parts by key: duplicates, unknown references, range
    breaks and a ``mostly`` tolerance must come out as they do from one frame."""
    import duckdb

    from expectations.gx_run import GxRunner, merge_outcomes
    from lpss_pipeline.quality.batch_frames import BatchRef, batch_frame, referenced_columns

    batch = BatchRef("hris", "2026-06-15T060000Z")
    goals = entity("hris", "goal_attainment")
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA ops")
    con.execute("CREATE TABLE ops.quarantined_batches (system VARCHAR, batch_id VARCHAR)")
    con.execute(
        "CREATE TABLE raw.hris__employees AS SELECT 'E' || i AS employee_id, $b AS _batch_id "
        "FROM range(50) AS r(i)",
        {"b": batch.batch_id},
    )
    con.execute(
        "CREATE TABLE raw.hris__goal_attainment AS SELECT "
        "CASE WHEN i % 97 = 5 THEN 'X' || i ELSE 'E' || (i % 50) END AS employee_id, "
        "DATE '2024-01-01' + TO_MONTHS(CAST(i // 50 AS INTEGER)) AS month, "
        "CASE WHEN i % 131 = 7 THEN 250.0 ELSE 80.0 END AS goal_attainment_pct, "
        "$b AS _batch_id, i + 1 AS _source_row FROM range(1000) AS r(i)",
        {"b": batch.batch_id},
    )
    con.execute(
        "INSERT INTO raw.hris__goal_attainment SELECT * REPLACE (1001 AS _source_row) "
        "FROM raw.hris__goal_attainment WHERE _source_row = 10"
    )  # a duplicated key
    ctx = RawContext(
        export_date=date(2026, 6, 15), referenced=referenced_columns(goals, batch), reference_tolerance=0.05
    )
    suite = raw_suite(goals, ctx)
    runner = GxRunner(tmp_path / "gx", tmp_path / "docs")
    whole = runner.validate(batch_frame(con, goals, batch), suite, run_name="whole")
    parts = merge_outcomes(
        [runner.validate(batch_frame(con, goals, batch, p, 3), suite, run_name="parts") for p in range(3)]
    )
    assert [(o.success, o.unexpected, o.checked) for o in parts] == [
        (o.success, o.unexpected, o.checked) for o in whole
    ]
    failed = {(o.expectation.check, o.expectation.blocking) for o in whole if not o.success}
    assert failed == {("key_unique", True), ("range", True), ("reference", False)}
    [unresolved] = [o for o in parts if o.expectation.check == "reference" and not o.expectation.blocking]
    assert unresolved.unexpected == 11 and str(unresolved.sample).startswith("X")
    assert len(unresolved.rows) == 5 and all((row - 1) % 97 == 5 for row in unresolved.rows)


def test_mart_metric_rows_validated_in_parts_find_every_bad_row(tmp_path):
    """The metric rows are checked in parts of whole leaders: a score out of range and a category
    whose weights do not sum to one are found whatever the part size, and block publishing."""
    import duckdb

    import expectations.marts as suites
    from expectations.gx_run import GxRunner
    from lpss_pipeline.quality.mart_checks import validate_marts

    con = duckdb.connect()
    for schema in ("intermediate", "marts", "config"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute(
        "CREATE TABLE marts.fct_scorecard_metrics AS SELECT 'E' || (i // 40) AS employee_id, "
        "DATE '2026-01-01' + TO_MONTHS(CAST(i // 4 % 10 AS INTEGER)) AS month, "
        "CASE WHEN i % 4 < 2 THEN 'performance' ELSE 'engagement' END AS category, "
        "CASE WHEN i = 333 THEN 140.0 ELSE 60.0 END AS metric_score, "
        "CASE WHEN i = 777 THEN 0.9 ELSE 0.5 END AS weight_in_category FROM range(2000) AS r(i)"
    )
    con.execute(
        "CREATE TABLE marts.fct_leader_scorecards AS SELECT DISTINCT employee_id, month, "
        "60.0 AS performance_score, 60.0 AS engagement_score, 60.0 AS development_score, "
        "60.0 AS strategic_impact_score, 60.0 AS composite_score FROM marts.fct_scorecard_metrics"
    )
    con.execute(
        "CREATE TABLE intermediate.int_employee_months AS "
        "SELECT true AS is_leader FROM marts.fct_leader_scorecards"
    )
    con.execute("CREATE TABLE marts.fct_kpis AS SELECT 'succession_coverage' AS kpi_id, 80.0 AS value")
    runner = GxRunner(tmp_path / "gx", tmp_path / "docs")
    for rows_per_part in (300, 5000):
        findings = validate_marts(con, runner, suites, rows_per_part=rows_per_part)
        metrics = {(f.check, f.affected) for f in findings["marts.fct_scorecard_metrics"]}
        assert metrics == {("score_range", 1), ("weights_sum_to_one", 2)}, rows_per_part
        assert not findings["marts.fct_leader_scorecards"] and not findings["marts.fct_kpis.coverage"]


def test_a_validated_frame_is_not_kept_alive_by_gx(tmp_path):
    """GX's execution engine caches each asset's last batch; at 2,000,000 employees the cached
    frames held 5.3 GB through the dbt build."""
    import weakref

    import pandas as pd

    from expectations.gx_run import GxRunner
    from expectations.spec import Expectation, Suite

    runner = GxRunner(tmp_path / "gx", tmp_path / "docs")
    suite = Suite("raw.probe", (Expectation("ExpectColumnValuesToNotBeNull", {"column": "a"}),))
    frame = pd.DataFrame({"a": range(100), "_source_row": range(100)})
    alive = weakref.ref(frame)
    assert runner.validate(frame, suite, run_name="probe")[0].success
    del frame
    assert alive() is None
