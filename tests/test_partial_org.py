"""An organisation that tracks only part of the export contract: employees, departments, goal
attainment and engagement surveys, nothing from the CRM, and a two-category scorecard
(performance: goal_attainment; engagement: team_satisfaction; 0.5 each).

The demo organisation's HRIS batch is cut down to those four entities (manifest rewritten), its CRM
batch removed, and the organisation's configuration folder says what it tracks and scores. The real
pipeline then runs, and the marts must speak only about what was measured: complete scorecards and
bands over the two configured categories, the effectiveness KPI measured, every KPI over untracked
data ``not_tracked`` (never a 0 or a missed target), no alert from a rule over untracked data, and
no bench rank without a known readiness.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from fastapi.testclient import TestClient

from lpss_pipeline.config.inputs import ALERT_RULES, KPIS
from lpss_pipeline.contract import SYSTEMS, entities_of
from lpss_pipeline.dashboard import accounts, store
from lpss_pipeline.dashboard.app import create_app
from lpss_pipeline.runner import run_job
from lpss_pipeline.settings import Settings
from lpss_pipeline.synthetic.access_roles import write_demo_access_roles
from lpss_pipeline.synthetic.generate import generate_history
from tests.homes import settings_for, use

TRACKED = {
    ("hris", "employees"),
    ("hris", "departments"),
    ("hris", "goal_attainment"),
    ("hris", "engagement_surveys"),
}
CATEGORIES = [("performance", "0.5", "1"), ("engagement", "0.5", "2")]
METRICS = [
    ("goal_attainment", "performance", "1", "50", "100", "all"),
    ("team_satisfaction", "engagement", "1", "2.5", "4.5", "all"),
]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def keep_only_tracked(landing: Path) -> Path:
    """Cut the HRIS batch down to the tracked entities (manifest rewritten, written last) and remove
    every CRM batch; return the HRIS batch folder."""
    shutil.rmtree(landing / "crm", ignore_errors=True)
    (batch,) = sorted((landing / "hris").iterdir())
    manifest_path = batch / "_manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.unlink()
    files = {}
    for name, entry in manifest["files"].items():
        path = batch / entry.get("file", f"{name}.csv")
        if ("hris", name) in TRACKED:
            files[name] = {**entry, "sha256": _sha256(path)}
        else:
            path.unlink()
    assert set(files) == {e for s, e in TRACKED if s == "hris"}
    manifest_path.write_text(json.dumps({**manifest, "files": files}, indent=2))
    return batch


def write_configuration(config_dir: Path, batch: Path) -> None:
    """The organisation's own tracked_entities, scorecard categories and metrics, and access roles."""
    config_dir.mkdir(parents=True, exist_ok=True)

    def write(name: str, header: list[str], rows: list[tuple]) -> None:
        with (config_dir / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    contract = [(s, e.name) for s in SYSTEMS for e in entities_of(s)]
    write(
        "tracked_entities",
        ["system", "entity", "tracked", "note"],
        [(s, e, "true" if (s, e) in TRACKED else "false", "") for s, e in contract],
    )
    write(
        "scorecard_categories",
        ["category", "weight", "display_order", "description"],
        [(*c, "") for c in CATEGORIES],
    )
    write(
        "scorecard_metrics",
        ["metric_id", "category", "weight_in_category", "floor", "target", "applies_to", "description"],
        [(*m, "") for m in METRICS],
    )
    write_demo_access_roles(batch, config_dir)


def build_partial_home(settings: Settings, seed: int = 7) -> None:
    """The demo organisation (150 people, 15 months) as an organisation tracking only TRACKED."""
    settings.ensure()
    generate_history(
        settings.landing_dir,
        settings.truth_dir,
        employees=150,
        months=15,
        as_of=date(2026, 11, 30),
        seed=seed,
    )
    batch = keep_only_tracked(settings.landing_dir)
    write_configuration(settings.config_dir, batch)


def untracked(items: dict[str, tuple[tuple[str, str], ...]]) -> set[str]:
    return {item for item, reads in items.items() if any(r not in TRACKED for r in reads)}


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Settings:
    mp = pytest.MonkeyPatch()
    mp.delenv("LPSS_CONFIG_DIR", raising=False)
    settings = use(mp, settings_for(tmp_path_factory.mktemp("partial_home")))
    try:
        build_partial_home(settings)
        outcome = run_job(settings, "pipeline_job", instance=dg.DagsterInstance.ephemeral())
        assert outcome.success, outcome.failures
    finally:
        mp.undo()
    return settings


def published(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_scorecards_are_complete_over_the_two_configured_categories(home):
    [(complete, banded, unconfigured, wrong_composite, categories)] = published(
        home,
        """
        select
            count(*) filter (where is_complete),
            count(*) filter (where is_complete and band in ('on_track', 'needs_development', 'intervention')),
            count(*) filter (where development_score is not null or strategic_impact_score is not null),
            count(*) filter (
                where is_complete
                and abs(composite_score - (0.5 * performance_score + 0.5 * engagement_score)) > 1e-6
            ),
            max(categories_present)
        from marts.fct_leader_scorecards
        """,
    )
    assert complete > 0 and banded == complete
    assert unconfigured == 0 and wrong_composite == 0 and categories == 2
    metrics = {r[0] for r in published(home, "select distinct metric_id from marts.fct_scorecard_metrics")}
    assert metrics == {"goal_attainment", "team_satisfaction"}


def test_kpis_say_not_tracked_instead_of_a_value(home):
    rows = published(
        home,
        """
        select kpi_id, status, count(*), count(value), count(meets_target)
        from marts.fct_kpis where cut = 'organisation' group by all
        """,
    )
    by_kpi: dict[str, dict[str, tuple[int, int, int]]] = {}
    for kpi, status, n, values, judged in rows:
        by_kpi.setdefault(kpi, {})[status] = (n, values, judged)
    not_tracked = untracked(KPIS)
    assert not_tracked >= {"succession_coverage", "mentorship_engagement", "development_path_completion"}
    for kpi in not_tracked:
        assert set(by_kpi[kpi]) == {"not_tracked"}, (kpi, by_kpi[kpi])
        n, values, judged = by_kpi[kpi]["not_tracked"]
        assert n >= 1 and values == 0 and judged == 0, kpi
    effectiveness = by_kpi["leadership_effectiveness_score"]
    assert effectiveness["ok"][0] > 0 and effectiveness["ok"][1] == effectiveness["ok"][0]
    assert set(effectiveness) <= {"ok", "insufficient_data"}
    [(untracked_cut_rows,)] = published(
        home, "select count(*) from marts.fct_kpis where status = 'not_tracked' and cut <> 'organisation'"
    )
    assert untracked_cut_rows == 0


def test_no_alert_from_a_rule_over_untracked_data(home):
    rules = {r[0] for r in published(home, "select distinct rule_id from marts.fct_alerts")}
    assert not rules & untracked(ALERT_RULES), rules
    [(coverage_rows,)] = published(home, "select count(*) from marts.fct_succession_coverage")
    assert coverage_rows == 0
    missing = published(home, "select message from marts.fct_alerts where rule_id = 'missing_data'")
    assert len({m for (m,) in missing}) == len(missing), "missing-data alerts name their leader"
    for (message,) in missing:
        assert "development" not in message and "strategic" not in message, message


def test_bench_ranks_only_candidates_whose_readiness_is_known(home):
    [(ranked_unknown, unranked_known, ranks_in_order)] = published(
        home,
        """
        select
            count(*) filter (where readiness_pct is null and bench_rank is not null),
            count(*) filter (where readiness_pct is not null and bench_rank is null),
            bool_and(bench_rank <= ranked) filter (where bench_rank is not null)
        from (
            select *, count(readiness_pct) over (partition by month, target_level) as ranked
            from marts.fct_leadership_bench
        )
        """,
    )
    assert ranked_unknown == 0 and unranked_known == 0 and ranks_in_order in (True, None)
    [(milestones_as_zero,)] = published(
        home, "select count(*) from marts.fct_leadership_bench where idp_milestones_due is not null"
    )
    assert milestones_as_zero == 0, "IDP progress is unknown, not 0, when milestones are untracked"


def test_the_dashboard_says_not_tracked_on_the_real_marts(home, monkeypatch):
    """The CEO's department page over this organisation's published marts: the untracked KPIs read
    "not tracked", never a number or a 0%."""
    use(monkeypatch, home)
    [(ceo, department)] = published(
        home,
        "SELECT employee_id, department_id FROM marts.dim_leaders WHERE manager_id IS NULL AND is_active",
    )
    with store.connect(home.dashboard_store_path) as con:
        accounts.set_account(con, "ceo", ceo, "a long test password")
    client = TestClient(create_app(home))
    client.post("/login", data={"username": "ceo", "password": "a long test password"})
    page = client.get(f"/departments/{department}")
    assert page.status_code == 200
    assert page.text.count("not tracked") >= 4 and "0.0%" not in page.text
    api = client.get(f"/api/v1/departments/{department}").json()
    status = {k["kpi_id"]: (k["status"], k["value"]) for k in api["kpis"]}
    assert status["development_path_completion"] == ("not_tracked", None)
    assert status["leadership_effectiveness_score"][0] == "ok"
