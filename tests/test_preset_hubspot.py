"""The HubSpot preset maps a deals export, with the user export for owners' e-mails, end to end."""

from __future__ import annotations

import shutil

import duckdb

from lpss_pipeline.mapping.engine import map_batch
from lpss_pipeline.mapping.spec import load_mapping
from tests.vendor_fixtures import FIXTURES, batch_folder, map_fixture

DEALS = "hubspot/2026-11-30T061500Z/hubspot-crm-exports-all-deals-2026-11-30.csv"
USERS = "hubspot/2026-11-30T061500Z/hubspot-users-export-2026-11-30.csv"
MARCO, PRIYA, TOM = (f"{n}@northwind.example" for n in ("marco.rossi", "priya.natarajan", "tom.oneil"))


def test_hubspot_deals_map_to_monthly_team_revenue(tmp_path):
    mapped, rows = map_fixture("hubspot", tmp_path)
    assert not mapped.findings, [str(f) for f in mapped.findings]
    revenue = {
        (r["owner_email"], r["month"]): (r["revenue"], r["pipeline_value"], r["closed_deals"])
        for r in rows["team_revenue"]
    }
    assert len(revenue) == len(rows["team_revenue"])
    # (owner, month) -> revenue (closed won), pipeline_value (open), closed_deals; the deal without
    # an owner is skipped, and e-mails come from the user export, trimmed and lower-cased
    assert revenue == {
        (MARCO, "2026-09-01"): ("42000.0", "0.0", "1"),  # one won, one lost
        (PRIYA, "2026-09-01"): ("30000.0", "0.0", "1"),
        (TOM, "2026-09-01"): ("0.0", "0.0", "0"),  # lost only
        (MARCO, "2026-10-01"): ("19750.5", "0.0", "2"),
        (PRIYA, "2026-10-01"): ("0.0", "22000.0", "0"),
        (TOM, "2026-10-01"): ("9750.0", "0.0", "2"),  # one of them "Renewed" in the Renewals pipeline
        (MARCO, "2026-11-01"): ("0.0", "75000.0", "0"),  # two open, one written "$15,000.00"
        (PRIYA, "2026-11-01"): ("18400.0", "0.0", "1"),  # an open one without Amount
        (TOM, "2026-11-01"): ("0.0", "5000.0", "0"),
    }
    assert {r["revenue_target"] for r in rows["team_revenue"]} == {"0.0"}  # HubSpot exports no quota
    assert mapped.unused == {
        DEALS: [
            "Record ID",
            "Deal Name",
            "Associated Company",
            "Pipeline",
            "Deal Stage",
            "Deal Type",
            "Create Date",
        ],
        USERS: ["User ID", "Last Login", "Teams", "Role", "Permissions"],
    }


def test_hubspot_deal_owner_missing_from_user_export_refuses_the_batch(tmp_path):
    folder = tmp_path / "hubspot" / batch_folder("hubspot").name
    shutil.copytree(batch_folder("hubspot"), folder)
    deals = folder / DEALS.rsplit("/", 1)[1]
    text = deals.read_text(encoding="utf-8")
    owned_by_tom = '"2026-10-12 09:25","Tom O\'Neil"'  # Trey Research, line 17
    assert text.count(owned_by_tom) == 1
    deals.write_text(text.replace(owned_by_tom, '"2026-10-12 09:25","Sam Former"'), encoding="utf-8")
    mapping = load_mapping(FIXTURES / "hubspot" / "mapping.yaml", "hubspot")
    with duckdb.connect() as con:
        mapped = map_batch(con, mapping, folder, tmp_path)
    assert mapped.refused
    assert [(f.column, f.rows, f.message) for f in mapped.findings] == [
        ("owner_email", (17,), "value is required but empty (mapped to team_revenue.owner_email)")
    ]
