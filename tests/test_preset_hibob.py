"""The HiBob preset maps a Bob people report, as Bob exports it, end to end."""

from __future__ import annotations

import shutil

import duckdb

from lpss_pipeline.mapping.engine import map_batch
from lpss_pipeline.mapping.spec import load_mapping
from tests.vendor_fixtures import FIXTURES, batch_folder, map_fixture

REPORT = "hibob/2026-11-30T060000Z/people_report.csv"


def test_hibob_report_maps_to_employees_and_departments(tmp_path):
    mapped, rows = map_fixture("hibob", tmp_path)
    assert not mapped.findings, [str(f) for f in mapped.findings]
    people = {r["employee_id"]: r for r in rows["employees"]}
    assert len(people) == 10
    ceo, vp, director = people["1"], people["2"], people["5"]
    assert ceo["manager_id"] is None and ceo["leadership_level"] == "4" and ceo["region"] == "EMEA"  # Israel
    assert vp["hire_date"] == "2017-06-15" and vp["level_start_date"] == "2017-06-15"  # DD/MM/YYYY
    assert people["4"]["hire_date"] == "2021-01-13" and people["4"]["department_id"] == "Sales"  # padding
    assert people["3"]["department_id"] == "Sales" and people["3"]["manager_id"] == "2"
    assert people["4"]["full_name"] == "Jürgen Müller" and people["4"]["manager_id"] == "3"  # "Chloé Dubois"
    # The display name (a preferred first name) is the name, and the name "Reports to" gives.
    assert director["full_name"] == "Maggie O'Brien" and director["leadership_level"] == "3"
    assert people["6"]["manager_id"] == "5" and people["6"]["region"] == "APAC"
    leaver = people["7"]
    assert leaver["termination_date"] == "2026-08-31" and leaver["region"] == "LATAM"
    assert leaver["manager_id"] == "5"
    assert people["8"]["region"] == "North America" and people["8"]["leadership_level"] == "1"  # US
    assert people["8"]["email"] == "Priya.Shah@kestrel.example"
    assert people["9"]["manager_id"] == "8" and people["9"]["region"] == "EMEA"  # IL
    assert people["10"]["full_name"] == "Sofía García" and people["10"]["leadership_level"] == "3"
    departments = {r["department_id"]: r for r in rows["departments"]}
    assert set(departments) == {"Management", "Sales", "Engineering", "People"}
    assert departments["Sales"] == {
        "department_id": "Sales",
        "department_name": "Sales",
        "parent_department_id": None,
        "head_employee_id": "2",
        "executive_sponsor_id": "2",
        "is_revenue_generating": "true",
    }
    assert departments["Engineering"]["head_employee_id"] == "5"
    assert departments["Engineering"]["executive_sponsor_id"] == "1"
    assert departments["People"]["head_employee_id"] == "10"
    assert departments["People"]["is_revenue_generating"] == "false"
    assert mapped.unused == {REPORT: ["Lifecycle status", "Site"]}


def test_hibob_ambiguous_manager_name_refuses_the_batch(tmp_path):
    source = batch_folder("hibob")
    folder = tmp_path / "hibob" / source.name
    shutil.copytree(source, folder)
    report = folder / "people_report.csv"
    with report.open("a", encoding="utf-8") as handle:  # a second Priya Shah joins Sales (line 12)
        handle.write(
            "11,Priya,Shah,Priya Shah,priya.shah2@kestrel.example,02/11/2026,,Employed,"
            "Account Executive,Sales,London,United Kingdom,Chloé Dubois\n"
        )
    mapping = load_mapping(FIXTURES / "hibob" / "mapping.yaml", "hibob")
    with duckdb.connect() as con:
        mapped = map_batch(con, mapping, folder, tmp_path / "scratch")
    assert mapped.refused
    (finding,) = mapped.findings
    assert (finding.file, finding.rows, finding.column) == (REPORT, (10,), "Reports to")  # Daniel Cohen
    assert finding.blocking and finding.check == "mapping"
    assert finding.message.startswith("'Priya Shah' matches 2 employees (")
    assert set(finding.message.split("(")[1].split(")")[0].split(", ")) == {"8", "11"}
    assert finding.message.endswith("(rule for employees.manager_id: employee_by_name, ambiguous: refuse)")
    assert str(finding).startswith(f"{REPORT} row 10, column Reports to: 'Priya Shah' matches 2 employees")
