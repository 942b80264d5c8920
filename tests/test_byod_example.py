"""The README's worked example, as a person runs it: a raw HRIS export, a draft mapping that
`lpss check` refuses, the two-line fix, the load and the published marts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "byod"
BATCH = "landing/acme/2026-11-30"
LPSS = str(Path(sys.executable).with_name("lpss"))
# The draft of the README: the people report's date format and the unknown-manager policy left out.
DRAFT = {
    '  people: {path: "people_*.csv", date_formats: [M/D/YYYY]}': '  people: {path: "people_*.csv"}',
    "      manager_id: {employee_by_name: Supervisor, unknown: placeholder}": (
        "      manager_id: {employee_by_name: Supervisor}"
    ),
}


def lpss(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LPSS_HOME": str(home), "COLUMNS": "250"}
    env.pop("LPSS_CONFIG_DIR", None)
    env.pop("LPSS_LANDING_DIR", None)
    return subprocess.run([LPSS, *args], env=env, capture_output=True, text=True, timeout=600)


def flat(result: subprocess.CompletedProcess) -> str:
    return " ".join(result.stdout.split())


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("acme")
    shutil.copytree(EXAMPLE / "landing", home / "landing")
    (home / "config" / "mappings").mkdir(parents=True)
    return home


def use_mapping(home: Path, draft: bool) -> None:
    text = (EXAMPLE / "acme.yaml").read_text()
    for final, first in DRAFT.items():
        assert final in text
        text = text.replace(final, first) if draft else text
    (home / "config" / "mappings" / "acme.yaml").write_text(text)


def test_the_draft_mapping_is_refused_with_every_error_at_once(home):
    use_mapping(home, draft=True)
    result = lpss(home, "check", str(home / BATCH))
    out = flat(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "people_20261130.csv rows 2, 3, 4, 5, 6 (28 rows in all), column Hire Date: '3/1/2009' is not a date "
        "(YYYY-MM-DD; other formats go under the file's date_formats) "
        "(rule for employees.hire_date, employees.level_start_date)"
    ) in out
    assert "rows 27, 28, column Supervisor: 'Reyes, Carmen' matches no employee of the export" in out
    assert "row 29, column Supervisor: 'Hale, Marcus' matches no employee of the export" in out
    assert "column Review Date: '11/15/2026' is not a date" in out
    assert "Would be refused at the mapping checks: 5 error(s). Nothing was loaded." in out
    assert not (home / "warehouse.duckdb").exists() and not (home / "landing" / "hris").exists()


def test_the_fixed_mapping_would_load(home):
    use_mapping(home, draft=False)
    check = lpss(home, "check", str(home / BATCH))
    assert check.returncode == 0, check.stdout + check.stderr
    out = flat(check)
    assert "Would load: mapping, contract and integrity checks passed (5 warnings)." in out
    assert "1 row(s) dated after the last day of employment" in out  # a review after 1010 left
    assert not (home / "warehouse.duckdb").exists(), "a check loads nothing"


def test_with_its_configuration_acme_loads_gets_complete_scorecards_and_says_what_it_does_not_track(home):
    """README: Acme's configuration folder (docs/byod/config) tracks what it exports and scores
    performance and engagement at 50/50; one `lpss run` loads the batch and publishes."""
    for path in (EXAMPLE / "config").glob("*.csv"):
        shutil.copyfile(path, home / "config" / path.name)
    run = lpss(home, "run")
    assert run.returncode == 0, run.stdout + run.stderr
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        [(rows,)] = con.execute(
            "SELECT sum(CAST(rows_loaded->>'$.employees' AS INT)) FROM ops.ingested_batches"
        ).fetchall()
        assert rows == 30  # 28 people and two placeholder managers
        [(source,)] = con.execute(
            "SELECT DISTINCT _vendor_file FROM raw.hris__succession_nominations"
        ).fetchall()
        assert source == "acme/2026-11-30/talent.xlsx"
    with duckdb.connect(str(home / "published" / "lpss_marts.duckdb"), read_only=True) as con:
        coverage = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE has_ready_now_successor) "
            "FROM marts.fct_succession_coverage"
        ).fetchone()
        assert coverage == (7, 3)
        placeholders = con.execute(
            "SELECT full_name FROM marts.dim_leaders WHERE employee_id LIKE 'placeholder-%' ORDER BY 1"
        ).fetchall()
        assert placeholders == [("Carmen Reyes",), ("Marcus Hale",)]
        bands = dict(
            con.execute(
                "SELECT band, count(*) FROM marts.fct_leader_scorecards "
                "WHERE month = DATE '2026-11-01' GROUP BY 1"
            ).fetchall()
        )
        assert bands == {"on_track": 6, "needs_development": 4, "intervention": 2, "insufficient_data": 2}
        kpis = {
            k: (s, v)
            for k, s, v in con.execute(
                "SELECT kpi_id, status, round(value, 1) FROM marts.fct_kpis WHERE cut = 'organisation'"
            ).fetchall()
        }
        assert kpis["leadership_effectiveness_score"][0] == "ok"
        assert kpis["leadership_effectiveness_score"][1] == pytest.approx(81.25, abs=0.051)
        assert kpis["succession_coverage"] == ("ok", 42.9)
        for untracked in ("development_path_completion", "mentorship_engagement", "time_to_promotion"):
            assert kpis[untracked] == ("not_tracked", None)
        rules = {r for (r,) in con.execute("SELECT DISTINCT rule_id FROM marts.fct_alerts").fetchall()}
        assert rules == {"intervention", "missing_data", "succession_gap"}
    history = lpss(home, "config", "history")
    assert "scorecard_categories" in flat(history) and "tracked_entities" in flat(history)
