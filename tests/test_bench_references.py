"""The references `lpss bench` times the dbt build against must compute what the marts compute.

A small organisation (two batches per system, so later corrections and snapshots are in play) runs
through the real pipeline once; then the hand-written SQL script and the pandas version each rebuild
the leader scorecards, succession coverage and KPIs from raw.* and config.*, and every column of the
marts must come out the same, row for row. A batch quarantined after loading must change nothing;
entities the organisation stops tracking must change the references as they change the marts.
"""

from __future__ import annotations

import operator
import shutil
from datetime import date
from functools import reduce

import dagster as dg
import duckdb
import pandas as pd
import pytest
from dagster_dbt import build_dbt_asset_selection

from lpss_pipeline.assets.dbt import dbt_assets_defs
from lpss_pipeline.bench.references import OUTPUTS, SCHEMA, run_pandas_reference, run_sql_reference
from lpss_pipeline.bench.runner import _dbt_transform
from lpss_pipeline.runner import QUIET_LOGS
from lpss_pipeline.settings import Settings
from lpss_pipeline.synthetic.generate import generate_history, generate_next_month
from tests.homes import settings_for, use

INGESTION = dg.AssetSelection.groups("raw")
CONFIGURATION = dg.AssetSelection.groups("configuration")
GRAIN = {
    "leader_scorecards": ["employee_id", "month"],
    "succession_coverage": ["quarter", "position_id"],
    "kpis": ["kpi_id", "period_start", "cut", "cut_value"],
}


def build_reference_marts(settings: Settings) -> None:
    """Ingest (with the raw checks), write the configuration (config.*, which dbt reads as a source) and
    dbt-build the marts the references reproduce and everything upstream of them, as `lpss bench` times
    it: not the whole scorecard_job, which takes twice as long. dbt's tests stay out: a subset's
    relationship tests reach models the subset does not build."""
    from lpss_pipeline.definitions import build_defs  # after ensure(): the instance reads DAGSTER_HOME

    defs = build_defs(settings)
    marts = " ".join(f"+{mart}" for mart in OUTPUTS.values())
    dbt = [build_dbt_asset_selection([d], dbt_select=marts) for d in dbt_assets_defs]
    selection = reduce(operator.or_, dbt).without_checks() | INGESTION | CONFIGURATION
    job = dg.define_asset_job("bench_reference_marts", selection=selection)
    job = dg.Definitions(
        assets=defs.assets, asset_checks=defs.asset_checks, resources=defs.resources, jobs=[job]
    ).resolve_job_def(job.name)
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=QUIET_LOGS)
    assert result.success
    blocked = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert all(e.severity != dg.AssetCheckSeverity.ERROR for e in blocked), blocked


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """300 people x 14 months, plus the next month as a second (incremental) batch per system."""
    mp = pytest.MonkeyPatch()
    settings = use(mp, settings_for(tmp_path_factory.mktemp("bench_home")))
    settings.ensure()
    generate_history(
        settings.landing_dir, settings.truth_dir, employees=300, months=14, as_of=date(2026, 5, 15), seed=11
    )
    generate_next_month(settings.landing_dir, settings.truth_dir)
    try:
        build_reference_marts(settings)
    finally:
        mp.undo()
    return settings.warehouse_path


@pytest.fixture(scope="module")
def con(warehouse):
    with duckdb.connect(str(warehouse)) as con:
        yield con


@pytest.fixture(scope="module")
def marts(con) -> dict[str, pd.DataFrame]:
    return {name: con.execute(f"select * from marts.{mart}").df() for name, mart in OUTPUTS.items()}


def sql_outputs(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    run_sql_reference(con)
    return {name: con.execute(f"select * from {SCHEMA}.{name}").df() for name in OUTPUTS}


@pytest.fixture(scope="module")
def sql_results(con) -> dict[str, pd.DataFrame]:
    return sql_outputs(con)


@pytest.fixture(scope="module")
def pandas_results(con) -> dict[str, pd.DataFrame]:
    return run_pandas_reference(con)


def normalised(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One representation per kind (dates, booleans with nulls, numbers as floats), sorted by the grain."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if values.dtype.kind == "M":
            frame[column] = values.astype("datetime64[ns]")
        elif values.dtype.kind in "iuf" or str(values.dtype) in {"Int32", "Int64", "Float64"}:
            frame[column] = values.astype(float)
        else:  # text and booleans, either possibly null
            frame[column] = values.astype(object).where(values.notna(), None)
    return frame.sort_values(keys).reset_index(drop=True)


def assert_same(result: pd.DataFrame, mart: pd.DataFrame, name: str) -> None:
    assert sorted(result.columns) == sorted(mart.columns), name
    assert len(mart) > 0, f"marts.{OUTPUTS[name]} is empty: the comparison would prove nothing"
    expected = normalised(mart, GRAIN[name])
    actual = normalised(result, GRAIN[name])[expected.columns]
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, atol=1e-6, obj=name)


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_the_sql_reference_reproduces_the_marts(sql_results, marts, name):
    assert_same(sql_results[name], marts[name], name)


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_the_pandas_reference_reproduces_the_marts(pandas_results, marts, name):
    assert_same(pandas_results[name], marts[name], name)


def test_the_org_exercises_what_the_references_compute(con, marts):
    """Not equal by accident: every metric has inputs, a later batch corrects rows of the first, and
    complete scorecards in every band, trends, successors and every KPI cut occur."""
    measured = "select distinct metric_id from intermediate.int_scorecard_metrics_scored order by 1"
    configured = "select metric_id from config.scorecard_metrics order by 1"
    assert con.execute(measured).fetchall() == con.execute(configured).fetchall()
    corrected = """select count(*) from (select session_id from raw.hris__mentoring_sessions
                   group by all having count(distinct _batch_id) > 1)"""
    assert con.execute(corrected).fetchall()[0][0] > 0
    scorecards = marts["leader_scorecards"]
    assert scorecards["is_complete"].sum() > 100 and scorecards["trend_slope_3m"].notna().sum() > 100
    assert set(scorecards["band"]) == {"on_track", "needs_development", "intervention", "insufficient_data"}
    assert marts["succession_coverage"]["ready_now_successors"].sum() > 0
    cuts = {"organisation", "department", "region", "level"}
    assert marts["kpis"]["kpi_id"].nunique() >= 8 and set(marts["kpis"]["cut"]) == cuts
    assert set(marts["kpis"]["status"]) == {"ok", "insufficient_data"}  # a reported period with no value


def test_a_batch_quarantined_after_loading_changes_nothing(warehouse, con, marts, tmp_path):
    """A later HRIS batch that would replace the employees snapshot and correct every goal row (so the
    references would differ if they read it), quarantined after loading as the data checks do."""
    con.execute("checkpoint")  # the module's connection is open: everything into the file before copying
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as sabotaged:
        [(latest,)] = sabotaged.execute("select max(_batch_id) from raw.hris__employees").fetchall()
        bad = latest[:11] + "235959Z"  # later the same day: the as-of date stays
        sabotaged.execute(f"""
            insert into raw.hris__employees
            select * replace ('{bad}' as _batch_id, 4 as leadership_level) from raw.hris__employees
            where _batch_id = '{latest}';
            insert into raw.hris__goal_attainment
            select * replace ('{bad}' as _batch_id, 0.0 as goal_attainment_pct)
            from raw.hris__goal_attainment;
        """)
        for outputs in [sql_outputs(sabotaged), run_pandas_reference(sabotaged)]:  # both read it...
            assert len(outputs["leader_scorecards"]) > len(marts["leader_scorecards"])
        sabotaged.execute(
            "insert into ops.quarantined_batches by name"
            " select 'hris' as system, ? as batch_id, now() as quarantined_at, 'checks' as stage,"
            " 'test' as reason, '[]' as findings, 'nowhere' as folder",
            [bad],
        )
        results = [sql_outputs(sabotaged), run_pandas_reference(sabotaged)]  # ...until it is quarantined
    for outputs in results:
        for name in OUTPUTS:
            assert_same(outputs[name], marts[name], name)


def test_entities_no_longer_tracked_change_the_references_as_they_change_the_marts(warehouse, con, tmp_path):
    """The organisation stops tracking succession nominations, readiness assessments and IDP milestones
    (none read by a configured scorecard metric) and dbt rebuilds the marts as `lpss bench` does: the
    successor figures become unknown and the KPIs over them not_tracked, in both references too."""
    con.execute("checkpoint")
    settings = settings_for(tmp_path)
    shutil.copy(warehouse, settings.warehouse_path)
    with duckdb.connect(str(settings.warehouse_path)) as copy:
        copy.execute(
            "update config.tracked_entities set tracked = false where system = 'hris'"
            " and entity in ('succession_nominations', 'readiness_assessments', 'idp_milestones')"
        )
    _dbt_transform(settings, "duckdb")
    with duckdb.connect(str(settings.warehouse_path)) as copy:
        rebuilt = {name: copy.execute(f"select * from marts.{mart}").df() for name, mart in OUTPUTS.items()}
        results = [sql_outputs(copy), run_pandas_reference(copy)]
    assert rebuilt["succession_coverage"]["total_successors"].isna().all()
    kpis = rebuilt["kpis"]
    assert set(kpis.loc[kpis["status"] == "not_tracked", "kpi_id"]) >= {
        "succession_coverage",
        "time_to_promotion",
    }
    for outputs in results:
        for name in OUTPUTS:
            assert_same(outputs[name], rebuilt[name], name)
