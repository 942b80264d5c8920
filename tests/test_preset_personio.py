"""The Personio preset maps a Personio employee export (XLSX), as Personio exports it, end to end."""

from __future__ import annotations

import shutil

import duckdb
from openpyxl import load_workbook

from lpss_pipeline.mapping.engine import map_batch
from lpss_pipeline.mapping.spec import load_mapping
from tests.vendor_fixtures import FIXTURES, batch_folder, map_fixture

EXPORT = "personio/2026-11-30T060000Z/employees_2026-11-30.xlsx"


def test_personio_export_maps_to_employees_and_departments(tmp_path):
    mapped, rows = map_fixture("personio", tmp_path)
    assert not mapped.findings, [str(f) for f in mapped.findings]
    people = {r["employee_id"]: r for r in rows["employees"]}
    assert len(people) == 11
    ceo, vp = people["2040101"], people["2040102"]  # ID: a number cell
    assert ceo["manager_id"] is None and ceo["leadership_level"] == "4" and ceo["region"] == "EMEA"  # München
    assert ceo["hire_date"] == "2014-04-01" and ceo["level_start_date"] == "2014-04-01"  # a date cell
    assert vp["full_name"] == "Lukas Schneider" and vp["manager_id"] == "2040101"
    assert people["2040103"]["full_name"] == "Émilie Laurent" and people["2040103"]["leadership_level"] == "1"
    ferreira = people["2040104"]
    assert ferreira["department_id"] == "Sales" and ferreira["region"] == "EMEA"  # padding; office Portugal
    assert ferreira["manager_id"] == "2040103"  # Supervisor "Émilie Laurent"
    assert people["2040105"]["leadership_level"] == "3" and people["2040106"]["manager_id"] == "2040105"
    assert people["2040107"]["region"] == "North America"  # New York, from the organisation's values
    leaver = people["2040108"]
    assert leaver["termination_date"] == "2026-09-30" and leaver["manager_id"] == "2040106"
    student = people["2040109"]  # hire date typed as text; a fixed-term contract end is no termination
    assert student["hire_date"] == "2025-10-01" and student["termination_date"] is None
    assert student["full_name"] == "Zoë Hoffmann"
    assert people["2040110"]["full_name"] == "Aylin Yıldız" and people["2040110"]["department_id"] == (
        "People & Culture"
    )
    assert people["2040111"]["manager_id"] == "2040103" and people["2040101"]["email"] == (
        "K.Vogel@alpenglow.example"
    )
    departments = {r["department_id"]: r for r in rows["departments"]}
    assert set(departments) == {"Management", "Sales", "Engineering", "People & Culture"}
    assert departments["Sales"] == {
        "department_id": "Sales",
        "department_name": "Sales",
        "parent_department_id": None,
        "head_employee_id": "2040102",
        "executive_sponsor_id": "2040102",
        "is_revenue_generating": "true",
    }
    assert departments["Engineering"]["head_employee_id"] == "2040105"
    assert departments["Engineering"]["executive_sponsor_id"] == "2040101"
    assert departments["People & Culture"]["head_employee_id"] == "2040110"
    assert departments["Engineering"]["is_revenue_generating"] == "false"
    assert mapped.unused == {
        EXPORT: ["Gender", "Status", "Employment type", "Team", "Contract ends", "Weekly hours"]
    }


def test_personio_unknown_supervisor_refuses_the_batch(tmp_path):
    source = batch_folder("personio")
    folder = tmp_path / "personio" / source.name
    shutil.copytree(source, folder)
    path = folder / "employees_2026-11-30.xlsx"
    book = load_workbook(path)
    sheet = book.worksheets[0]
    supervisor = [c.value for c in sheet[1]].index("Supervisor") + 1
    assert sheet.cell(12, 1).value == 2040111  # James O'Connor, line 12 of the sheet
    sheet.cell(12, supervisor).value = "Max Mustermann"  # a supervisor who is not in the export
    book.save(path)
    mapping = load_mapping(FIXTURES / "personio" / "mapping.yaml", "personio")
    with duckdb.connect() as con:
        mapped = map_batch(con, mapping, folder, tmp_path / "scratch")
    assert mapped.refused
    (finding,) = mapped.findings
    assert finding.blocking and finding.check == "mapping"
    assert str(finding) == (
        f"{EXPORT} row 12, column Supervisor: 'Max Mustermann' matches no employee of the export "
        "(rule for employees.manager_id: employee_by_name, unknown: refuse)"
    )
