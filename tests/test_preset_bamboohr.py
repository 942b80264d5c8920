"""The BambooHR preset maps a custom employee report, as BambooHR exports it, end to end."""

from __future__ import annotations

from tests.vendor_fixtures import map_fixture


def test_bamboohr_report_maps_to_employees_and_departments(tmp_path):
    mapped, rows = map_fixture("bamboohr", tmp_path)
    assert not mapped.findings, [str(f) for f in mapped.findings]
    people = {r["employee_id"]: r for r in rows["employees"]}
    assert len(people) == 8
    ceo, vp, engineer = people["1001"], people["1002"], people["1007"]
    assert ceo["manager_id"] is None and ceo["leadership_level"] == "4" and ceo["region"] == "North America"
    assert vp["full_name"] == "Marco L Rossi" and vp["hire_date"] == "2015-06-15"
    assert vp["level_start_date"] == "2020-01-01" and vp["department_id"] == "Sales"  # padding trimmed
    assert people["1003"]["level_start_date"] == "2017-09-01"  # no job date: the hire date
    assert engineer["termination_date"] == "2026-08-31" and engineer["region"] == "LATAM"
    assert people["1008"]["leadership_level"] == "1" and people["1004"]["region"] == "EMEA"  # IE
    departments = {r["department_id"]: r for r in rows["departments"]}
    assert departments["Sales"] == {
        "department_id": "Sales",
        "department_name": "Sales",
        "parent_department_id": None,
        "head_employee_id": "1002",
        "executive_sponsor_id": "1002",
        "is_revenue_generating": "true",
    }
    assert departments["Engineering"]["head_employee_id"] == "1005"
    assert departments["Engineering"]["is_revenue_generating"] == "false"
    assert mapped.unused == {
        "bamboohr/2026-11-30T060000Z/employee_report.csv": [
            "Preferred Name",
            "Status",
            "Division",
            "Location",
            "Reports To",
        ]
    }
