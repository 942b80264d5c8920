"""The Salesforce preset maps an opportunity report, and a quota report when there is one, end to end."""

from __future__ import annotations

import shutil

import duckdb

from lpss_pipeline.mapping.engine import map_batch
from lpss_pipeline.mapping.spec import load_mapping
from tests.vendor_fixtures import FIXTURES, batch_folder, map_fixture

OPPORTUNITIES = "salesforce/2026-11-30T061500Z/opportunity_report.csv"
QUOTAS = "salesforce/2026-11-30T061500Z/quota_report.csv"
MARCO, PRIYA, TOM = (f"{n}@northwind.example" for n in ("marco.rossi", "priya.natarajan", "tom.oneil"))

# (owner, month) -> revenue (won), revenue_target (quota of the month), pipeline_value (open), closed_deals
EXPECTED = {
    (MARCO, "2026-09-01"): ("48000.0", "50000.0", "0.0", "1"),  # one won, one lost
    (PRIYA, "2026-09-01"): ("30000.0", "40000.0", "0.0", "1"),
    (TOM, "2026-09-01"): ("0.0", "0.0", "0.0", "0"),  # lost only; no quota that month
    (MARCO, "2026-10-01"): ("19750.5", "50000.0", "0.0", "2"),  # "MARCO.ROSSI@..." is the same owner
    (PRIYA, "2026-10-01"): ("0.0", "40000.0", "22000.0", "0"),
    (TOM, "2026-10-01"): ("9750.0", "10000.0", "0.0", "2"),  # padded and mixed-case e-mails
    (MARCO, "2026-11-01"): ("0.0", "55000.0", "75000.0", "0"),  # two open
    (PRIYA, "2026-11-01"): ("18400.0", "40000.0", "0.0", "1"),  # an open one without Amount
    (TOM, "2026-11-01"): ("0.0", "12000.0", "5000.0", "0"),  # quota e-mail in upper case
}
UNUSED_OPPORTUNITY_COLUMNS = [
    "Opportunity Owner",
    "Account Name",
    "Opportunity Name",
    "Opportunity ID",
    "Type",
    "Lead Source",
    "Probability (%)",
    "Created Date",
    "Stage",
    "Fiscal Period",
]


def _by_owner_month(rows: list[dict]) -> dict[tuple[str, str], tuple[str, ...]]:
    keyed = {
        (r["owner_email"], r["month"]): (
            r["revenue"],
            r["revenue_target"],
            r["pipeline_value"],
            r["closed_deals"],
        )
        for r in rows
    }
    assert len(keyed) == len(rows)
    return keyed


def test_salesforce_reports_map_to_monthly_team_revenue(tmp_path):
    mapped, rows = map_fixture("salesforce", tmp_path)
    assert not mapped.findings, [str(f) for f in mapped.findings]
    assert _by_owner_month(rows["team_revenue"]) == EXPECTED  # the report's footer lines are skipped
    assert mapped.unused == {
        OPPORTUNITIES: UNUSED_OPPORTUNITY_COLUMNS,
        QUOTAS: ["Quota Owner: Full Name", "Forecasting Type: Master Label", "Product Family"],
    }


def test_salesforce_without_quota_report_has_target_zero(tmp_path):
    folder = tmp_path / "salesforce" / batch_folder("salesforce").name
    shutil.copytree(batch_folder("salesforce"), folder, ignore=shutil.ignore_patterns("*quota*"))
    mapping = load_mapping(FIXTURES / "salesforce" / "mapping.yaml", "salesforce")
    with duckdb.connect() as con:
        mapped = map_batch(con, mapping, folder, tmp_path)
        table = mapped.entities["team_revenue"].table
        cursor = con.execute(
            f"SELECT owner_email, month, revenue, revenue_target, pipeline_value, closed_deals FROM {table}"
        )
        rows = [dict(zip([d[0] for d in cursor.description], r, strict=True)) for r in cursor.fetchall()]
    assert not mapped.findings, [str(f) for f in mapped.findings]
    expected = {
        key: (revenue, "0.0", pipeline, deals) for key, (revenue, _, pipeline, deals) in EXPECTED.items()
    }
    assert _by_owner_month(rows) == expected
    assert mapped.unused == {OPPORTUNITIES: UNUSED_OPPORTUNITY_COLUMNS}
