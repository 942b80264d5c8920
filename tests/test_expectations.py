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
    tolerant = RawContext(
        export_date=date(2026, 6, 15), reference_sets={"manager_id": ["E1"]}, reference_tolerance=0.1
    )
    refs = [x for x in raw_suite(employees, tolerant).expectations if x.check == "reference"]
    assert [(x.kwargs.get("mostly"), x.blocking) for x in refs] == [(0.9, True), (None, False)]
    strict = RawContext(export_date=date(2026, 6, 15), reference_sets={"manager_id": ["E1"]})
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
