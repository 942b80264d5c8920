"""The demo organisation generator: exports obey the contract, the org is realistic, runs repeat
byte for byte, and an incremental month is consistent with the history it extends."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from lpss_pipeline.contract import ENTITIES, MANIFEST_NAME, entities_of, entity
from lpss_pipeline.contract.hris import READINESS_BANDS
from lpss_pipeline.synthetic.batch_writer import ARROW_TYPES
from lpss_pipeline.synthetic.generate import generate_history, generate_next_month
from lpss_pipeline.synthetic.org import build_org
from lpss_pipeline.synthetic.vocabulary import competency_framework_path

EMPLOYEES, MONTHS, SEED = 300, 24, 7
AS_OF, NEXT_AS_OF = date(2026, 6, 15), date(2026, 7, 15)


def _history(root: Path, months: int = MONTHS, as_of: date = AS_OF) -> list[Path]:
    return generate_history(
        root / "landing", root / "truth", employees=EMPLOYEES, months=months, as_of=as_of, seed=SEED
    )


def read_batch(folder: Path) -> dict[str, pd.DataFrame]:
    """Every entity of a batch, parsed with the contract's types (a type error fails the read)."""
    system = folder.parent.name
    frames = {}
    for e in entities_of(system):
        path = folder / f"{e.name}.csv"
        if not path.exists():
            continue
        convert = pa_csv.ConvertOptions(
            column_types={c.name: ARROW_TYPES[c.type] for c in e.columns},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        frames[e.name] = pa_csv.read_csv(path, convert_options=convert).to_pandas(date_as_object=False)
    return frames


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    root = tmp_path_factory.mktemp("history")
    hris, crm = _history(root)
    return {"root": root, "hris": hris, "crm": crm, "data": {**read_batch(hris), **read_batch(crm)}}


@pytest.fixture(scope="module")
def data(history):
    return history["data"]


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    _history(root)
    hris, crm = generate_next_month(root / "landing", root / "truth")
    return {"root": root, "hris": hris, "crm": crm, "data": {**read_batch(hris), **read_batch(crm)}}


# --- the export contract -----------------------------------------------------------------------


def test_every_entity_written_with_exactly_the_contract_columns(history):
    assert history["hris"].name == "2026-06-15T060000Z" and history["crm"].name == "2026-06-15T061500Z"
    for (system, name), e in ENTITIES.items():
        path = history[system] / f"{name}.csv"
        with path.open(newline="") as handle:
            assert tuple(next(csv.reader(handle))) == e.column_names, name
        assert len(history["data"][name]) > 0, f"{name} is empty"


def test_manifests_match_files(history):
    for system in ("hris", "crm"):
        manifest = json.loads((history[system] / MANIFEST_NAME).read_text())
        assert manifest["system"] == system and manifest["batch_id"] == history[system].name
        assert set(manifest["files"]) == {e.name for e in entities_of(system)}
        for name, info in manifest["files"].items():
            path = history[system] / f"{name}.csv"
            assert hashlib.sha256(path.read_bytes()).hexdigest() == info["sha256"]
            assert info["rows"] == len(history["data"][name])


def test_same_seed_gives_identical_bytes(history, tmp_path):
    for first, second in zip(_history(tmp_path), (history["hris"], history["crm"]), strict=True):
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(p.name for p in second.iterdir())
        for name in names:
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_keys_unique_and_values_within_the_contract(data):
    for (_, name), e in ENTITIES.items():
        df = data[name]
        assert not df.duplicated(list(e.key)).any(), f"{name}: duplicate keys"
        for c in e.columns:
            col = df[c.name]
            if not c.nullable:
                assert col.notna().all(), f"{name}.{c.name} has nulls"
            values = col.dropna()
            if c.allowed:
                assert set(values) <= set(c.allowed), f"{name}.{c.name}"
            if c.min is not None:
                assert (values >= c.min).all(), f"{name}.{c.name} below {c.min}"
            if c.max is not None:
                assert (values <= c.max).all(), f"{name}.{c.name} above {c.max}"
            if c.unique_ci:
                assert not values.str.strip().str.lower().duplicated().any(), f"{name}.{c.name}"
            if c.type in ("month", "quarter"):
                assert (values.dt.day == 1).all(), f"{name}.{c.name} not first of month"
            if c.type == "quarter":
                assert values.dt.month.isin([1, 4, 7, 10]).all(), f"{name}.{c.name} not a quarter"


def test_references_resolve(data):
    for (_, name), e in ENTITIES.items():
        for c in e.columns:
            if c.references:
                target = set(data[c.references.entity][c.references.column])
                missing = set(data[name][c.name].dropna()) - target
                assert not missing, f"{name}.{c.name}: {sorted(missing)[:3]}"


def test_dates_are_plausible(data):
    as_of = pd.Timestamp(AS_OF)
    emp = data["employees"]
    assert (emp.hire_date <= as_of).all()
    left = emp.termination_date.notna()
    assert (emp.termination_date[left] > emp.hire_date[left]).all()
    assert (emp.termination_date[left] <= as_of).all()
    assert (emp.level_start_date >= emp.hire_date).all() and (emp.level_start_date <= as_of).all()
    for name, start, done in (("trainings", "assigned_on", "completed_on"),):
        df = data[name]
        assert (df[done].dropna() >= df.loc[df[done].notna(), start]).all()
        assert (df[start] <= as_of).all() and (df[done].dropna() <= as_of).all()
    assert (data["idp_milestones"].completed_on.dropna() <= as_of).all()
    for name, col in (
        ("goal_attainment", "month"),
        ("competency_assessments", "month"),
        ("readiness_assessments", "assessed_on"),
        ("promotions", "effective_date"),
        ("leadership_reviews", "held_on"),
    ):
        assert (data[name][col] <= as_of).all(), name
    sessions = data["mentoring_sessions"]
    future = sessions.scheduled_at > pd.Timestamp(AS_OF, tz="UTC")
    assert (sessions.status[future] == "scheduled").all() and future.any()
    assert (sessions.scheduled_at <= pd.Timestamp(AS_OF, tz="UTC") + pd.Timedelta(days=15)).all()
    assert sessions.mentee_feedback[sessions.status != "completed"].isna().all()


# --- the organisation -------------------------------------------------------------------------


def test_spans_of_the_seat_tree_are_4_to_10_except_the_ceo_and_the_leads():
    for seats in (150, EMPLOYEES, 2000, 20000):
        org = build_org(seats, SEED)
        span = np.bincount(org.parent[1:], minlength=org.size)
        lead = org.lead
        assert all(org.titles[t].startswith("Lead ") for t in org.title[lead])
        managers = np.flatnonzero((org.level >= 1) & ~lead)[1:]
        assert span[managers].min() >= 4 and span[managers].max() <= 10, seats
        assert (span[org.level == 0] == 0).all() and org.level[0] == 4
        # leads: level-1 leaders without reports, a few per organisation, never critical
        assert 1 <= lead.sum() <= 0.01 * seats + 1 and (org.level[lead] == 1).all(), seats
        assert (span[lead] == 0).all() and not org.critical[lead].any(), seats


def test_one_ceo_and_no_reporting_cycles(data):
    emp = data["employees"]
    top = emp[emp.manager_id.isna()]
    assert len(top) == 1 and top.leadership_level.iloc[0] == 4 and top.termination_date.isna().all()
    assert top.employee_id.iloc[0] in set(data["strategic_impact_ratings"].leader_employee_id)  # complete
    index = {e: i for i, e in enumerate(emp.employee_id)}
    manager = np.array([index.get(m, -1) for m in emp.manager_id.fillna("")])
    current = np.arange(len(emp))
    for _ in range(len(emp)):
        current = np.where(current >= 0, manager[np.maximum(current, 0)], -1)
        if (current < 0).all():
            break
    assert (current < 0).all(), "reporting line has a cycle"


def test_exported_teams_mostly_have_spans_4_to_10(data):
    emp = data["employees"]
    active = emp[emp.termination_date.isna()]
    spans = active.groupby("manager_id").size()
    leaders = active[
        (active.leadership_level >= 1) & active.manager_id.notna() & ~active.job_title.str.startswith("Lead ")
    ].employee_id
    in_range = spans.reindex(leaders).fillna(0).between(4, 10)
    assert in_range.mean() >= 0.85  # open seats (skip-level, not yet backfilled) explain the rest


def test_departments_regions_and_sponsors(data):
    dep, emp = data["departments"], data["employees"]
    assert dep.is_revenue_generating.any() and not dep.is_revenue_generating.all()
    level = emp.set_index("employee_id").leadership_level
    assert (dep.executive_sponsor_id.map(level) == 4).all()
    per_dep = emp.groupby("department_id").region.nunique()
    assert emp.region.nunique() >= 3 and (per_dep > 1).sum() >= 2
    assert set(emp.leadership_level) == {0, 1, 2, 3, 4}
    assert emp.email.str.match(r"^[a-z]+\.[a-z]+\d*@example\.com$").all()
    assert 0.8 < emp.slack_user_id.notna().mean() < 0.97
    assert data["positions"].incumbent_employee_id.isna().any() or True  # vacancies are allowed
    assert emp.termination_date.notna().any()


# --- talent, development and CRM --------------------------------------------------------------


def test_succession_slates(data):
    nom, pos = data["succession_nominations"], data["positions"]
    assert set(nom.readiness) == set(READINESS_BANDS)
    critical = pos[pos.is_critical].position_id
    assert set(nom.position_id) <= set(critical)
    ready_now = set(nom[nom.readiness == "ready_now"].position_id)
    assert len(set(critical) - ready_now) >= 1
    assert nom.is_emergency_successor.any()


def test_milestones_some_late_some_missed(data):
    ms = data["idp_milestones"]
    due = ms[ms.due_date < pd.Timestamp(AS_OF)]
    missed = due.completed_on.isna()
    late = due.completed_on > due.due_date
    assert missed.any() and late.any() and (~missed & ~late).mean() > 0.5
    ms = due.assign(miss=missed | late).sort_values(["employee_id", "due_date"])
    twice = ms.groupby("employee_id").miss.apply(lambda s: (s & s.shift(fill_value=False)).any())
    assert twice.any(), "someone should have two consecutive missed milestones"
    comps = pd.read_csv(competency_framework_path()).competency_id
    assert set(ms.competency_id.dropna()) <= set(comps)
    assert set(data["competency_assessments"].competency_id) == set(comps)


def test_mentoring_has_missed_sessions_and_ended_pairs(data):
    sessions, pairs = data["mentoring_sessions"], data["mentor_assignments"]
    assert {"completed", "missed", "cancelled", "scheduled"} <= set(sessions.status)
    assert pairs.end_date.notna().any() and pairs.end_date.isna().any()
    assert pairs.planned_sessions_per_month.between(1, 2).all()
    emp = data["employees"].set_index("employee_id")
    same_level = pairs.mentee_employee_id.map(emp.level_start_date) <= pairs.start_date  # not promoted since
    mentor, mentee = (
        pairs[same_level][c].map(emp.leadership_level) for c in ("mentor_employee_id", "mentee_employee_id")
    )
    assert same_level.sum() > 10 and (mentor > mentee).all()


def test_competencies_rated_monthly_in_thirds(data):
    ca = data["competency_assessments"]
    per_month = ca.groupby(["employee_id", "month"]).competency_id.nunique()
    assert per_month.max() == 4
    assert ca.groupby("month").competency_id.nunique().eq(4).all()


def _crm_spelling(rev: pd.DataFrame, emp: pd.DataFrame) -> tuple[float, bool, bool]:
    """Share of rows matching no employee, and whether padded / re-cased addresses occur."""
    normalised = rev.owner_email.str.strip().str.lower()
    unmatched = ~normalised.isin(set(emp.email.str.lower()))
    padded = (rev.owner_email != rev.owner_email.str.strip()).any()
    recased = (rev.owner_email.str.strip() != normalised).any()
    return unmatched.mean(), padded, recased


def test_crm_emails_vary_and_some_match_no_employee(data):
    unmatched, padded, recased = _crm_spelling(data["team_revenue"], data["employees"])
    assert 0 < unmatched < 0.1  # one shared mailbox weighs more in a 300-seat org
    assert padded or recased


def test_crm_spelling_at_demo_size(tmp_path):
    hris, crm = generate_history(
        tmp_path / "landing", tmp_path / "truth", employees=2000, months=6, as_of=AS_OF, seed=SEED
    )
    data = {**read_batch(hris), **read_batch(crm)}
    unmatched, padded, recased = _crm_spelling(data["team_revenue"], data["employees"])
    assert 0.005 < unmatched < 0.03 and padded and recased


def test_promotions_follow_latent_readiness(history):
    data, truth_dir = history["data"], history["root"] / "truth"
    promotions = data["promotions"]
    assert len(promotions) >= 5 and (promotions.to_level > promotions.from_level).all()
    truth = pq.read_table(truth_dir / "latent_truth.parquet").to_pandas()
    assert truth.level.max() <= 3 and set(truth.employee_id) <= set(data["employees"].employee_id)
    labelled = truth.dropna(subset=["promoted_within_12m"])
    means = labelled.groupby(["level", "promoted_within_12m"]).latent_readiness.mean().unstack().dropna()
    assert 0 in means.index and (means[True] > means[False]).all()


def test_truth_lives_beside_the_landing_zone(history, tmp_path):
    landing = (history["root"] / "landing").resolve()
    truth = history["root"] / "truth"
    assert (truth / "latent_truth.parquet").exists() and (truth / "generator.json").exists()
    assert not any(p.suffix == ".parquet" for p in landing.rglob("*"))
    with pytest.raises(ValueError):
        generate_history(tmp_path, tmp_path / "truth", employees=50, months=2, as_of=AS_OF)


# --- the incremental month ----------------------------------------------------------------------


def test_next_month_batch_is_dated_a_month_later(incremental):
    assert incremental["hris"].name == "2026-07-15T060000Z"
    assert incremental["crm"].name == "2026-07-15T061500Z"
    config = json.loads((incremental["root"] / "truth" / "generator.json").read_text())
    assert config["months"] == MONTHS + 1 and config["as_of"] == NEXT_AS_OF.isoformat()
    data = incremental["data"]
    assert set(data) == {name for _, name in ENTITIES}
    for name in ("goal_attainment", "one_on_one_feedback", "competency_assessments", "team_revenue"):
        assert (data[name].month == pd.Timestamp(NEXT_AS_OF.replace(day=1))).all(), name
    for name, col in (
        ("promotions", "effective_date"),
        ("readiness_assessments", "assessed_on"),
        ("leadership_reviews", "held_on"),
    ):
        assert (data[name][col] > pd.Timestamp(AS_OF)).all(), name


def test_incremental_over_history_equals_a_fresh_longer_history(history, incremental, tmp_path):
    fresh_hris, fresh_crm = _history(tmp_path, MONTHS + 1, NEXT_AS_OF)
    fresh = {**read_batch(fresh_hris), **read_batch(fresh_crm)}
    for (system, name), e in ENTITIES.items():
        new = incremental["data"][name]
        if e.kind == "snapshot":
            folder = incremental[system]
            assert (folder / f"{name}.csv").read_bytes() == (
                (fresh_hris if system == "hris" else fresh_crm) / f"{name}.csv"
            ).read_bytes(), name
            continue
        merged = pd.concat([history["data"][name], new]).drop_duplicates(list(e.key), keep="last")
        key = list(e.key)
        expected = fresh[name].sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(merged.sort_values(key).reset_index(drop=True), expected, obj=name)
        assert len(new) < len(expected)


def test_first_months_do_not_change_when_more_are_simulated(history, incremental, tmp_path):
    inside = pd.Timestamp(2025, 10, 1)
    fresh = read_batch(_history(tmp_path, MONTHS + 1, NEXT_AS_OF)[0])
    for name in ("goal_attainment", "competency_assessments", "one_on_one_feedback"):
        before = history["data"][name]
        after = fresh[name]
        pd.testing.assert_frame_equal(
            before[before.month == inside].reset_index(drop=True),
            after[after.month == inside].reset_index(drop=True),
        )
    assert entity("hris", "goal_attainment").kind == "event"
