"""The same demo organisation built on DuckDB and on Spark (`lpss demo`, one seed, each in its own home)
publishes the same marts, row for row, and every dbt test passes on Spark (issue 20): the data tests in
the demo's build, the unit tests after it. Marker ``spark``: part of `make test-spark`, which CI runs
after `make test`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.dbt_runs import assert_every_unit_test_passes
from tests.homes import settings_for

pytestmark = pytest.mark.spark

LPSS = str(Path(sys.executable).with_name("lpss"))
# Small, and long enough for the readiness model to train: the equality is of SQL, not of volume.
DEMO = ("demo", "--employees", "200", "--months", "15", "--seed", "7", "--as-of", "2026-06-15")
MARTS = {
    "fct_leader_scorecards": (),
    "fct_scorecard_metrics": (),
    "fct_kpis": (),
    "fct_succession_coverage": (),
    # the model's own output differs by run (its version, the probability of a retrained model)
    "fct_promotion_readiness": ("promotion_probability", "model_version"),
    "fct_alerts": (),
    "dim_access_grants": (),
}
FLOAT_TOLERANCE = 1e-9


def _demo(home: Path, target: str) -> subprocess.Popen:
    env = {**os.environ, "LPSS_HOME": str(home), "LPSS_DBT_TARGET": target, "COLUMNS": "200"}
    for name in ("LPSS_LANDING_DIR", "LPSS_CONFIG_DIR", "MLFLOW_TRACKING_URI"):
        env.pop(name, None)
    with (home.parent / f"{home.name}.log").open("w") as log:  # the child keeps its own descriptor
        return subprocess.Popen([LPSS, *DEMO], env=env, stdout=log, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def homes(tmp_path_factory) -> dict[str, Path]:
    """Both demos at once: DuckDB's takes minutes, Spark's (a JVM per dbt step) several times that."""
    pytest.importorskip("pyspark", reason="needs the spark extra (make install-spark)")
    if shutil.which("java") is None:
        pytest.skip("needs Java (17)")
    built = {target: tmp_path_factory.mktemp(f"home_{target}") for target in ("duckdb", "spark")}
    running = {target: _demo(home, target) for target, home in built.items()}
    for target, process in running.items():
        code = process.wait(timeout=2400)
        log = (built[target].parent / f"{built[target].name}.log").read_text()
        assert code == 0, f"lpss demo on {target}:\n{log[-6000:]}"
    return built


def _published(home: Path, table: str, leave_out: tuple[str, ...]) -> pd.DataFrame:
    with duckdb.connect(str(home / "published" / "lpss_marts.duckdb"), read_only=True) as con:
        columns = [
            (name, kind)
            for name, kind in con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            if name not in leave_out
        ]
        # rows in one order on both sides: the exact columns first, floats (rounded) last
        exact = [f'"{name}"' for name, kind in columns if kind not in ("DOUBLE", "FLOAT")]
        floats = [f'round("{name}", 6)' for name, kind in columns if kind in ("DOUBLE", "FLOAT")]
        select = ", ".join(f'"{name}"' for name, _ in columns)
        return con.execute(f"select {select} from marts.{table} order by {', '.join(exact + floats)}").df()


@pytest.mark.parametrize("table", list(MARTS))
def test_spark_publishes_the_same_mart_as_duckdb(homes, table):
    duck, spark = (_published(homes[t], table, MARTS[table]) for t in ("duckdb", "spark"))
    assert len(duck) > 0, f"{table} is empty: the comparison would prove nothing"
    assert list(spark.columns) == list(duck.columns)
    assert list(spark.dtypes) == list(duck.dtypes), f"{table}: column types differ"
    pd.testing.assert_frame_equal(spark, duck, check_exact=False, rtol=0, atol=FLOAT_TOLERANCE)


def test_both_targets_publish_the_same_tables_and_types(homes):
    def catalog(home: Path) -> list[tuple]:
        with duckdb.connect(str(home / "published" / "lpss_marts.duckdb"), read_only=True) as con:
            return con.execute(
                "select table_schema, table_name, column_name, data_type from information_schema.columns "
                "order by all"
            ).fetchall()

    assert catalog(homes["spark"]) == catalog(homes["duckdb"])


def test_every_dbt_unit_test_passes_on_spark(homes, tmp_path):
    """The demo's Spark build left them out, as every scheduled build does: they run over what it built."""
    settings = settings_for(homes["spark"])
    env = {
        "LPSS_DBT_TARGET": "spark",
        "LPSS_WAREHOUSE_PATH": str(settings.warehouse_path),
        "LPSS_LAKE_DIR": str(settings.lake_dir),
        "LPSS_SPARK_DIR": str(settings.spark_dir),
    }
    assert_every_unit_test_passes(tmp_path / "target", env)
