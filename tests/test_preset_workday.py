"""The Workday preset maps a RaaS custom worker report (CSV), as Workday writes it, end to end."""

from __future__ import annotations

from tests.vendor_fixtures import map_fixture


def test_workday_report_maps_to_employees_and_departments(tmp_path):
    mapped, rows = map_fixture("workday", tmp_path)
    assert not mapped.findings, [str(f) for f in mapped.findings]
    people = {r["employee_id"]: r for r in rows["employees"]}
    assert len(people) == 10
    ceo, vp, engineer = people["21001"], people["21002"], people["21008"]
    assert ceo["full_name"] == "Grace Adaeze Okafor" and ceo["manager_id"] is None
    assert ceo["leadership_level"] == "4" and ceo["region"] == "North America"  # United States of America
    assert vp["job_title"] == "VP, Sales" and vp["leadership_level"] == "4"  # a quoted title with a comma
    assert vp["hire_date"] == "2014-09-15" and vp["level_start_date"] == "2019-04-01"
    assert vp["manager_id"] == "21001" and vp["region"] == "EMEA" and vp["department_id"] == "CC4100"
    assert people["21004"]["level_start_date"] == "2020-06-01"  # no job profile start: the hire date
    assert people["21003"]["region"] == "APAC" and people["21005"]["region"] == "LATAM"  # Singapore, Mexico
    assert people["21005"]["full_name"] == "Sofía Ramírez" and people["21005"]["leadership_level"] == "3"
    assert people["21006"]["leadership_level"] == "2" and people["21009"]["leadership_level"] == "1"
    assert engineer["termination_date"] == "2026-09-30" and engineer["region"] == "LATAM"
    assert engineer["manager_id"] == "21006" and engineer["leadership_level"] == "0"
    assert all(p["termination_date"] is None for i, p in people.items() if i != "21008")
    departments = {r["department_id"]: r for r in rows["departments"]}
    assert len(departments) == 4
    assert departments["CC4100"] == {
        "department_id": "CC4100",
        "department_name": "Sales",  # the cost center's name, its padding trimmed
        "parent_department_id": None,
        "head_employee_id": "21002",
        "executive_sponsor_id": "21002",
        "is_revenue_generating": "true",
    }
    assert departments["CC5200"]["department_name"] == "Engineering"
    assert departments["CC5200"]["head_employee_id"] == "21005"
    assert departments["CC5200"]["executive_sponsor_id"] == "21001"
    assert departments["CC5200"]["is_revenue_generating"] == "false"
    assert departments["CC1000"]["department_name"] == "Executive Office"
    assert mapped.unused == {
        "workday/2026-11-30T060000Z/LPSS_Workers.csv": [
            "Worker",
            "Worker_Type",
            "Job_Profile",
            "Management_Level",
            "Supervisory_Organization",
            "Location",
            "Worker_s_Manager",
        ]
    }
