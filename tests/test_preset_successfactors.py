"""The SuccessFactors preset maps an Employee Central CSV export (Integration Center), end to end."""

from __future__ import annotations

from tests.vendor_fixtures import map_fixture


def test_successfactors_export_maps_to_employees_and_departments(tmp_path):
    mapped, rows = map_fixture("successfactors", tmp_path)
    assert not mapped.findings, [str(f) for f in mapped.findings]
    people = {r["employee_id"]: r for r in rows["employees"]}
    assert len(people) == 10
    ceo, vp, engineer = people["100001"], people["100002"], people["100008"]
    assert ceo["manager_id"] is None  # NO_MANAGER
    assert ceo["leadership_level"] == "4" and ceo["region"] == "EMEA"  # DEU
    assert ceo["hire_date"] == "2010-01-04"  # MM/dd/yyyy
    assert vp["full_name"] == "James R Whitaker" and vp["job_title"] == "VP, Sales"
    assert vp["hire_date"] == "2013-03-15" and vp["level_start_date"] == "2019-07-01"
    assert vp["manager_id"] == "100001" and vp["leadership_level"] == "4"
    ana = people["100003"]
    assert (
        ana["hire_date"] == "2017-08-02" and ana["level_start_date"] == "2017-08-02"
    )  # 8/2/2017, no job entry
    assert ana["region"] == "LATAM" and ana["leadership_level"] == "1"
    assert people["100004"]["department_id"] == "SALES" and people["100004"]["region"] == "APAC"  # padding
    assert people["100005"]["leadership_level"] == "3" and people["100006"]["leadership_level"] == "2"
    assert people["100009"]["region"] == "North America" and people["100009"]["manager_id"] == "100005"
    assert engineer["full_name"] == "Jonas Müller" and engineer["termination_date"] == "2026-06-30"
    assert engineer["manager_id"] == "100006" and engineer["leadership_level"] == "0"
    assert all(p["termination_date"] is None for i, p in people.items() if i != "100008")
    departments = {r["department_id"]: r for r in rows["departments"]}
    assert len(departments) == 4
    assert departments["SALES"] == {
        "department_id": "SALES",
        "department_name": "SALES",
        "parent_department_id": None,
        "head_employee_id": "100002",
        "executive_sponsor_id": "100002",
        "is_revenue_generating": "true",
    }
    assert departments["ENG"]["head_employee_id"] == "100005"
    assert departments["ENG"]["executive_sponsor_id"] == "100001"
    assert departments["ENG"]["is_revenue_generating"] == "false"
    assert departments["FIN"]["head_employee_id"] == "100010"
    assert mapped.unused == {
        "successfactors/2026-11-30T060000Z/lpss_employees_20261130055912.csv": [
            "personIdExternal",
            "emplStatus",
            "jobCode",
            "division",
            "location",
            "seniorityDate",
        ]
    }
