"""The pandas reference of `lpss bench`: scorecard, succession coverage and KPIs from whole raw tables.

Written the way an analyst would in a notebook (every table read whole and staged by
references.load_frames, then vectorised merges and groupbys, no loop over rows), so the benchmark can
set the dbt build against a plain dataframe pipeline. The semantics are those of the dbt models (SPEC
sections 2-4, 7 and 11); business numbers come from the config tables (the configuration), never from
constants here. Two pandas habits that differ from SQL are guarded against throughout: merges match
null keys (SQL joins never do) and the sum of nothing is 0 (SQL gives null), hence the dropna() and
min_count=1.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import numpy as np
import pandas as pd

from .reference_pandas_kpis import (
    OBSERVATION,
    coverage_observations,
    kpi_values,
    period_start,
    reported_periods,
    scorecard_observations,
    untracked_entities,
)

EMP = "employee_id"
KEYS = [EMP, "month"]
CATEGORIES = ["performance", "engagement", "development", "strategic_impact"]  # the marts' score columns
# the marts' columns, in their order
SCORECARD_COLUMNS = [*KEYS, *(f"{c}_score" for c in CATEGORIES), "composite_score", "composite_rounded"]
SCORECARD_COLUMNS += ["band", "is_complete", "composite_change", "trend_slope_3m", "config_version"]
SCORECARD_COLUMNS += ["categories_present", "metrics_present", "leadership_level", "level_name"]
SCORECARD_COLUMNS += ["department_id", "region", "is_provisional"]
COVERAGE_COLUMNS = ["quarter", "position_id", "department_id", "region", "leadership_level"]
COVERAGE_COLUMNS += ["incumbent_employee_id", "ready_now_successors", "total_successors"]
COVERAGE_COLUMNS += ["has_ready_now_successor", "has_emergency_successor", "emergency_successors", "title"]
COVERAGE_COLUMNS += ["is_vacant", "region_source", "as_of_date"]


def months(dates: pd.Series, n: int) -> pd.Series:
    """Shift by calendar months, clamped to the month's end, as DuckDB's date +/- interval does."""
    return dates + pd.DateOffset(months=n)


def true(mask: pd.Series) -> pd.Series:
    """A SQL where clause: null counts as false."""
    return mask.astype("boolean").fillna(False).astype(bool)


def latest(frame: pd.DataFrame, order: str, value: str) -> pd.DataFrame:
    """DuckDB's arg_max(value, order) per leader-month: rows with a null value are ignored."""
    return frame.dropna(subset=[value]).sort_values(order).drop_duplicates(KEYS, keep="last")


def compute(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """leader_scorecards, succession_coverage and kpis, with the columns of the marts they reproduce."""
    org = Org(t)
    scorecards, coverage = org.scorecards(), org.coverage()
    observations = [scorecard_observations(scorecards), org.personal_observations(), org.promotion_times()]
    observations = pd.concat([*observations, coverage_observations(coverage)])
    window = org.params["promotion_window_months"]
    periods = reported_periods(t["kpi_definitions"], org.calendar["month_start"], org.as_of, window)
    kpis = kpi_values(t, observations, periods, org.as_of)
    return {"leader_scorecards": scorecards, "succession_coverage": coverage, "kpis": kpis}


class Org:
    """The staged tables with what every computation shares: as-of date, calendar and person-months."""

    def __init__(self, t: dict[str, pd.DataFrame]) -> None:
        self.t, self.employees = t, t["employees"]
        self.params = t["lpss_parameters"].set_index("parameter")["value"].round().astype(int)
        batch = datetime.strptime(self.employees["_batch_id"].max(), "%Y-%m-%dT%H%M%SZ")
        self.as_of = as_of = pd.Timestamp(batch.date())
        # reporting months: from the first monthly export to the as-of month
        firsts = [t["goal_attainment"]["month"].min(), t["competency_assessments"]["month"].min()]
        first = min(d for d in [*firsts, as_of.replace(day=1)] if pd.notna(d))
        starts = pd.date_range(first, as_of.replace(day=1), freq=pd.DateOffset(months=1))
        cal = pd.DataFrame({"month_start": starts})
        cal["month_end"] = cal["month_start"] + pd.offsets.MonthEnd(0)
        cal["observed_through"] = cal["month_end"].clip(upper=as_of)
        cal["is_provisional"] = as_of < cal["month_end"]
        self.calendar = cal
        self.person_months = self._person_months()

    def _person_months(self) -> pd.DataFrame:
        """Employed on the month's last observed day, at the level held that day: the to_level of the
        latest promotion by then, else the from_level of the next one, else the current level."""
        columns = [EMP, "leadership_level", "department_id", "region", "hire_date", "termination_date"]
        pm = self.employees[columns].rename(columns={"leadership_level": "current_level"})
        pm = pm.merge(self.calendar, how="cross")
        stayed = pm["termination_date"].isna() | (pm["termination_date"] >= pm["observed_through"])
        pm = pm[(pm["hire_date"] <= pm["observed_through"]) & stayed].sort_values("observed_through")
        promos = self.t["promotions"].dropna(subset=[EMP, "effective_date"]).sort_values("effective_date")
        on = {"left_on": "observed_through", "right_on": "effective_date", "by": EMP}
        pm = pd.merge_asof(pm, promos[[EMP, "effective_date", "to_level"]], direction="backward", **on)
        after = promos[[EMP, "effective_date", "from_level"]]
        pm = pm.drop(columns="effective_date")
        pm = pd.merge_asof(pm, after, direction="forward", allow_exact_matches=False, **on)
        level = pm["to_level"].combine_first(pm["from_level"]).combine_first(pm["current_level"])
        pm = pm.assign(leadership_level=level.astype("Int64"))
        return pm[[EMP, *self.calendar.columns, "department_id", "region", "leadership_level"]]

    def measured(self, lm: pd.DataFrame) -> pd.DataFrame:
        """Raw value of every scorecard metric that has an input, per leader-month (SPEC section 3)."""
        t, out = self.t, []

        def add(frame: pd.DataFrame, metric: str, value: pd.Series | str) -> None:
            value = frame[value] if isinstance(value, str) else value
            out.append(frame[KEYS].assign(metric_id=metric, raw_value=value.astype(float)))

        def quarterly(entity: str, period: str) -> pd.DataFrame:
            """Rows whose period began within the lookback before the month's end, and by it."""
            f = lm.merge(t[entity], left_on=EMP, right_on="leader_employee_id")
            return f[(f[period] > f["lookback_start"]) & (f[period] <= f["month_end"])]

        add(lm.merge(t["goal_attainment"], on=KEYS), "goal_attainment", "goal_attainment_pct")
        owner = t["team_revenue"]["owner_email"].str.strip(" ").str.lower()
        crm = t["team_revenue"].assign(email_normalized=owner)
        people = self.employees[[EMP, "email_normalized"]]
        crm = crm.dropna(subset=["email_normalized"]).merge(people, on="email_normalized")
        revenue = crm.groupby(KEYS, as_index=False)[["revenue", "revenue_target"]].sum(min_count=1)
        rev = lm.merge(revenue, on=KEYS).query("revenue_target > 0")
        add(rev, "revenue_attainment", 100 * rev["revenue"] / rev["revenue_target"])

        g = lm.merge(revenue.rename(columns={"month": "r_month"})[[EMP, "r_month", "revenue"]], on=EMP)
        g = g[g["r_month"].between(g["m_2"], g["month"]) | g["r_month"].between(g["m_14"], g["m_12"])]
        recent = g["revenue"].where(g["r_month"] >= g["m_2"])
        by = g.assign(recent=recent, earlier=g["revenue"].where(g["r_month"] <= g["m_12"])).groupby(KEYS)
        sums = [by["r_month"].nunique(), by["recent"].sum(min_count=1), by["earlier"].sum(min_count=1)]
        g = pd.concat(sums, axis=1).reset_index().query("r_month == 6 and earlier > 0")
        add(g, "team_growth", 100 * (g["recent"] / g["earlier"] - 1))

        surveys = quarterly("engagement_surveys", "survey_quarter")
        add(latest(surveys, "survey_quarter", "team_satisfaction"), "team_satisfaction", "team_satisfaction")
        fb = lm.merge(t["one_on_one_feedback"], left_on=KEYS, right_on=["leader_employee_id", "month"])
        fb = fb.query("feedback_requested > 0")
        add(fb, "feedback_completion", 100 * fb["feedback_completed"] / fb["feedback_requested"])

        tr = lm.merge(t["trainings"], on=EMP)
        tr = tr[true(tr["is_required"]) & tr["due_date"].between(tr["m_2"], tr["observed_through"])]
        tr = tr.assign(on_time=(tr["completed_on"] <= tr["due_date"]) * 1.0)
        tr = tr.groupby(KEYS, as_index=False)["on_time"].mean()
        add(tr, "training_completion", 100 * tr["on_time"])

        # planned: each mentee assignment's sessions per month for every trailing month it was active in
        mentee = lm.merge(t["mentor_assignments"], left_on=EMP, right_on="mentee_employee_id")
        c = self.calendar.rename(columns={"month_start": "c_start", "month_end": "c_end"})
        p = mentee.merge(c[["c_start", "c_end"]], how="cross")
        active = (p["start_date"] <= p["c_end"]) & (p["end_date"].isna() | (p["end_date"] >= p["c_start"]))
        p = p[p["c_start"].between(p["m_2"], p["month"]) & active]
        planned = p.groupby(KEYS)["planned_sessions_per_month"].sum(min_count=1).rename("planned")
        done = mentee.merge(t["mentoring_sessions"].query("status == 'completed'"), on="assignment_id")
        done = done[done["scheduled_on"].between(done["m_2"], done["observed_through"])]
        att = planned.to_frame().join(done.groupby(KEYS).size().rename("completed")).reset_index()
        att = att.query("planned > 0")
        add(att, "mentoring_attendance", 100 * att["completed"].fillna(0) / att["planned"])

        ratings = quarterly("strategic_impact_ratings", "quarter")
        for metric in ["project_execution", "innovation", "cross_functional_influence"]:  # columns, not rows
            add(latest(ratings, "quarter", metric), metric, metric)
        measured = pd.concat(out, ignore_index=True)
        return measured[measured["raw_value"].notna()]

    def scorecards(self) -> pd.DataFrame:
        """Leader x month: metrics scored 0-100, weighted in their category over the metrics present,
        the composite (complete scorecards only), its band, change, trend and configuration version."""
        t, params = self.t, self.params
        lm = self.person_months[true(self.person_months["leadership_level"] >= 1)]
        lookback = months(lm["month_end"], -params["quarterly_lookback_months"])
        lm = lm.assign(month=lm["month_start"], lookback_start=lookback)
        lm = lm.assign(**{f"m_{n}": months(lm["month"], -n) for n in (2, 12, 14)})  # M-2, M-12, M-14

        weights = t["scorecard_categories"].set_index("category")["weight"].rename("category_weight")
        departments = t["departments"].dropna(subset=["department_id"])
        rev_gen = self.employees[[EMP, "department_id"]].merge(departments, on="department_id", how="left")
        rev_gen = rev_gen.assign(rev=true(rev_gen["is_revenue_generating"]))[[EMP, "rev"]]
        catalogue = t["scorecard_metrics"].join(weights, on="category", how="inner")
        sc = self.measured(lm).merge(catalogue, on="metric_id")
        sc = sc.merge(rev_gen, on=EMP)
        sc = sc[(sc["applies_to"] == "all") | ((sc["applies_to"] == "revenue_generating") & sc["rev"])]
        score = 100 * ((sc["raw_value"] - sc["floor"]) / (sc["target"] - sc["floor"])).clip(0, 1)
        weight = sc.groupby([*KEYS, "category"])["weight_in_category"].transform("sum")
        by = sc.assign(points=score * sc["weight_in_category"] / weight).groupby([*KEYS, "category"])
        cats = pd.concat([by["category_weight"].first(), by["points"].sum(min_count=1), by.size()], axis=1)
        cats = cats.set_axis(["weight", "score", "metrics"], axis=1).reset_index()
        wide = cats.pivot(index=KEYS, columns="category", values="score").reindex(columns=CATEGORIES)
        wide.columns = [f"{c}_score" for c in CATEGORIES]
        by = cats.assign(weighted=cats["weight"] * cats["score"]).groupby(KEYS)
        wide = wide.join(by["weighted"].sum(min_count=1))
        wide = wide.join(by.agg(categories_present=("category", "size"), metrics_present=("metrics", "sum")))
        s = lm[[*KEYS, "leadership_level", "department_id", "region", "is_provisional"]]
        s = s.merge(wide.reset_index(), on=KEYS, how="left")
        s[["categories_present", "metrics_present"]] = s[["categories_present", "metrics_present"]].fillna(0)
        s["is_complete"] = s["categories_present"] == len(t["scorecard_categories"])
        s["composite_score"] = composite = s["weighted"].where(s["is_complete"])
        # round(cast(x as decimal(18, 6)), 1): to the micro-point, then to one decimal, both half away from 0
        micro = np.sign(composite) * np.floor(composite.abs() * 1e6 + 0.5)
        s["composite_rounded"] = np.sign(micro) * ((micro.abs() + 50_000) // 100_000) / 10

        bands = t["score_bands"].assign(
            lo=lambda b: b["min_composite"].astype(float).fillna(-np.inf),
            hi=lambda b: b["max_composite"].astype(float).fillna(np.inf),
        )
        banded = s.loc[s["is_complete"], [*KEYS, "composite_rounded"]].merge(bands, how="cross")
        banded = banded[banded["composite_rounded"].between(banded["lo"], banded["hi"], inclusive="left")]
        s = s.merge(banded[[*KEYS, "band"]], on=KEYS, how="left")
        s["band"] = s["band"].where(s["is_complete"], "insufficient_data")

        # least-squares slope (points per month) over the trailing trend_months, given two of them
        past = s[[EMP, "month", "composite_score"]].dropna().set_axis([EMP, "p_month", "y"], axis=1)
        tr = s[KEYS].merge(past, on=EMP)
        tr = tr[tr["p_month"].between(months(tr["month"], 1 - params["trend_months"]), tr["month"])]
        tr = tr.assign(x=(tr["p_month"].dt.year * 12 + tr["p_month"].dt.month).astype(float))
        by = tr.groupby(KEYS)
        tr = tr.assign(dx=tr["x"] - by["x"].transform("mean"), dy=tr["y"] - by["y"].transform("mean"))
        tr = tr.assign(sxx=tr["dx"] ** 2, sxy=tr["dx"] * tr["dy"]).groupby(KEYS)
        slope = (tr["sxy"].sum() / tr["sxx"].sum()).where(tr.size() >= 2).rename("trend_slope_3m")

        s = s.sort_values(KEYS).join(slope, on=KEYS)
        previous = s.groupby(EMP)[["month", "composite_score"]].shift()
        follows = previous["month"] == months(s["month"], -1)
        s["composite_change"] = (s["composite_score"] - previous["composite_score"]).where(follows)
        s["config_version"] = config_version(t)
        names = t["leadership_levels"].astype({"leadership_level": "Int64"}).set_index("leadership_level")
        return s.assign(level_name=s["leadership_level"].map(names["level_name"]))[SCORECARD_COLUMNS]

    def coverage(self) -> pd.DataFrame:
        """Critical position x as-of quarter (SPEC 4, 7): incumbents and successors count while active.
        No positions when positions are not tracked; successor figures null when nominations are not."""
        e, as_of, untracked = self.employees, self.as_of, untracked_entities(self.t)
        stays = e["termination_date"].isna() | (e["termination_date"] > as_of)
        active = e[(e["hire_date"] <= as_of) & stays]
        region = active.dropna(subset=[EMP]).set_index(EMP)["region"]
        departments = self.t["departments"].dropna(subset=["department_id"]).set_index("department_id")
        positions = self.t["positions"]
        p = positions[true(positions["is_critical"]) & ("hris.positions" not in untracked)].copy()
        p["quarter"], p["as_of_date"] = as_of.to_period("Q").to_timestamp(), as_of
        listed = p["incumbent_employee_id"]
        regions = [  # the incumbent's region, else the department head's, else the executive sponsor's
            listed.map(region),
            p["department_id"].map(departments["head_employee_id"]).map(region),
            p["department_id"].map(departments["executive_sponsor_id"]).map(region),
        ]
        p["region"] = regions[0].combine_first(regions[1]).combine_first(regions[2])
        sources = ["incumbent", "department_head", "executive_sponsor"]
        p["region_source"] = np.select([r.notna() for r in regions], sources, default=None)
        p["incumbent_employee_id"] = listed.where(listed.isin(region.index))
        p["is_vacant"] = p["incumbent_employee_id"].isna()

        n = self.t["succession_nominations"].merge(p[["position_id"]].assign(listed=listed), on="position_id")
        n = n[n["candidate_employee_id"].isin(region.index) & (n["candidate_employee_id"] != n["listed"])]
        successors = [n[n["readiness"] == "ready_now"], n, n[true(n["is_emergency_successor"])]]
        counts = [f.groupby("position_id")["candidate_employee_id"].nunique() for f in successors]
        names = ["ready_now_successors", "total_successors", "emergency_successors"]
        counts = pd.concat(counts, axis=1, keys=names)
        p = p.join(counts, on="position_id")
        known = pd.Series("hris.succession_nominations" not in untracked, index=p.index)
        p[names] = p[names].fillna(0).astype("Int64").where(known, axis=0)  # else unknown, not empty
        p["has_ready_now_successor"] = p["ready_now_successors"] > 0
        p["has_emergency_successor"] = p["emergency_successors"] > 0
        return p[COVERAGE_COLUMNS].reset_index(drop=True)

    def personal_observations(self) -> pd.DataFrame:
        """KPI observations about people (SPEC section 4): ready cohorts, milestones due, mentoring months.
        A person is cut by the department, region and level of the period's person-month, else current."""
        t, as_of, window = self.t, self.as_of, self.params["promotion_window_months"]
        ready = t["readiness_assessments"][true(t["readiness_assessments"]["assessed_ready"])]
        cohort = ready.assign(period_start=period_start(ready["assessed_on"], "Q"))
        cohort = cohort.groupby([EMP, "period_start"], as_index=False)["assessed_on"].min()
        cohort = cohort[months(cohort["period_start"], 3 + window) <= as_of + pd.Timedelta(days=1)]
        promotions = t["promotions"]
        upward = promotions[true(promotions["to_level"] > promotions["from_level"])]
        hits = cohort.merge(upward[[EMP, "effective_date"]], on=EMP)
        within = hits["effective_date"] <= months(hits["assessed_on"], window)
        hits = hits[(hits["effective_date"] > hits["assessed_on"]) & within].set_index([EMP, "period_start"])
        promoted = cohort.set_index([EMP, "period_start"]).index.isin(hits.index)
        accuracy = cohort.assign(kpi_id="promotion_readiness_accuracy", numerator=promoted * 1.0)
        accuracy["attr_month"] = period_start(cohort["assessed_on"], "M")

        # a milestone is judged as of the as-of date, or of its owner's termination if earlier
        m = t["idp_milestones"].merge(self.employees[[EMP, "termination_date"]], on=EMP, how="left")
        done = m["completed_on"].notna()
        judged_by = m["termination_date"].fillna(as_of).clip(upper=as_of)
        conditions = [done & (m["completed_on"] <= m["due_date"]), done, m["due_date"] < judged_by]
        status = np.select(conditions, ["completed_on_time", "completed_late", "missed"], default="open")
        keep = ((status != "open") & (m["due_date"] <= as_of)).to_numpy()
        development = m[keep].assign(kpi_id="development_path_completion")
        development["period_start"] = development["attr_month"] = period_start(development["due_date"], "M")
        development["numerator"] = (status[keep] == "completed_on_time") * 1.0

        # assignment-months active (planned sessions) or with sessions scheduled in them
        assignments = t["mentor_assignments"]
        am = assignments.merge(self.calendar[["month_start", "observed_through"]], how="cross")
        ended = am["end_date"].isna() | (am["end_date"] >= am["month_start"])
        am = am[(am["start_date"] <= am["observed_through"]) & ended]
        am = am.rename(columns={"month_start": "month", "planned_sessions_per_month": "planned"})
        sessions = t["mentoring_sessions"].assign(month=lambda f: period_start(f["scheduled_on"], "M"))
        sessions = sessions.assign(completed=sessions["status"] == "completed")
        sm = sessions.groupby(["assignment_id", "month"], as_index=False, dropna=False)["completed"].sum()
        spine = am[["assignment_id", "month", "planned"]].merge(
            sm, on=["assignment_id", "month"], how="outer"
        )
        spine = spine[spine["month"].isin(self.calendar["month_start"])].dropna(subset=["assignment_id"])
        spine = spine.merge(assignments[["assignment_id", "mentee_employee_id"]], on="assignment_id")
        mentoring = spine.rename(columns={"mentee_employee_id": EMP, "month": "period_start"})
        mentoring = mentoring.assign(kpi_id="mentorship_engagement", attr_month=spine["month"])
        mentoring["numerator"] = spine["completed"].fillna(0)
        mentoring["denominator"] = spine["planned"].fillna(0)

        o = pd.concat([accuracy, development, mentoring], ignore_index=True)
        o = o.assign(denominator=o["denominator"].fillna(1.0), row_target=np.nan)
        people = self.employees[[EMP, "department_id", "region", "leadership_level"]]
        attrs = self.person_months[[EMP, "month_start", "department_id", "region", "leadership_level"]]
        attrs = attrs.rename(columns={"month_start": "attr_month"})
        o = o.merge(people, on=EMP).merge(attrs, on=[EMP, "attr_month"], how="left", suffixes=("", "_pm"))
        for column in ["department_id", "region", "leadership_level"]:
            o[column] = o[f"{column}_pm"].combine_first(o[column])
        return o[OBSERVATION]

    def promotion_times(self) -> pd.DataFrame:
        """Days from the first ready call for the level (since the previous promotion) to the promotion."""
        t = self.t
        dated = t["promotions"].sort_values([EMP, "effective_date"])
        dated = dated.assign(previous=dated.groupby(EMP)["effective_date"].shift())
        ready = t["readiness_assessments"][true(t["readiness_assessments"]["assessed_ready"])]
        calls = dated.merge(ready[[EMP, "assessed_on", "target_level"]], on=EMP)
        calls = calls[true(calls["target_level"] >= calls["to_level"])]
        since = calls["previous"].isna() | (calls["assessed_on"] > calls["previous"])
        calls = calls[(calls["assessed_on"] <= calls["effective_date"]) & since]
        by = calls.groupby([EMP, "effective_date", "to_level"], as_index=False, dropna=False)
        first = by["assessed_on"].min().merge(self.employees[[EMP, "department_id", "region"]], on=EMP)
        levels = t["leadership_levels"].astype({"leadership_level": "Int64"}).set_index("leadership_level")
        standard = first["to_level"].astype("Int64").map(levels["time_to_promotion_standard_days"])
        return first.assign(
            kpi_id="time_to_promotion",
            period_start=period_start(first["effective_date"], "Q"),
            leadership_level=first["to_level"],
            numerator=(first["effective_date"] - first["assessed_on"]).dt.days.astype(float),
            denominator=1.0,
            row_target=standard.astype(float),
        )[OBSERVATION]


def config_version(t: dict[str, pd.DataFrame]) -> str:
    """Hash of the scorecard configuration tables, each value rendered as DuckDB's varchar cast renders it
    (a double as its shortest round-trip text, an integer plainly), null fields skipped as concat_ws does."""

    def text(name: str, prefix: str, columns: str) -> list[str]:  # a few config rows
        frame = t[name][columns.split()]
        cells = {c: frame[c].map(repr, na_action="ignore") for c in frame.select_dtypes("float")}
        cells = frame.astype("string").assign(**cells)
        return cells.apply(lambda row: ":".join([prefix, *row.dropna()]), axis=1).tolist()

    rows = text("scorecard_categories", "category", "category weight")
    metric = "metric_id category weight_in_category floor target applies_to"
    rows += text("scorecard_metrics", "metric", metric)
    rows += text("score_bands", "band", "band min_composite max_composite")
    return "cfg-" + hashlib.md5("|".join(sorted(rows)).encode()).hexdigest()[:12]
