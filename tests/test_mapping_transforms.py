"""Each built-in transformation of a mapping on small cases (docs/MAPPINGS.md), through the engine."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from lpss_pipeline.mapping.engine import map_batch
from lpss_pipeline.mapping.spec import MappingError, load_mapping

BATCH = "2026-11-30T060000Z"
PEOPLE = (
    "Name,ID,Title,Dept,Boss,Start,State,Rating\n"
    '"Smith, John  A",1,Chief Executive Officer, Exec ,,1/5/2015,NY,Exceeds\n'
    '"Doe, Jane",2,VP Sales,Sales,"SMITH, JOHN",3/15/2018,California,Meets\n'
    '"Roe, Rick",3,Sales Manager,Sales,jane doe,7/1/2021,TX,4 - Exceeds Expectations\n'
    '"Poe, Ed",4,Account Executive,Sales,"Roe, Rick",12/31/2021,wa,PIP\n'
)
EMPLOYEE_COLUMNS = {
    "employee_id": "ID",
    "full_name": {"name": "Name"},
    "email": {"email": {"pattern": "{ID}@acme.example"}},
    "hire_date": "Start",
    "job_title": "Title",
    "leadership_level": {
        "level_from_title": "Title",
        "levels": [{"match": "^(chief|vp)", "level": 4}, {"match": "manager$", "level": 1}],
        "default": 0,
    },
    "level_start_date": "Start",
    "department_id": "Dept",
    "region": {"region_from": "State", "lookup": "us_states"},
    "manager_id": {"employee_by_name": "Boss"},
}


def run(tmp_path: Path, files: dict[str, str | bytes], mapping: dict):
    """Map ``files`` (name -> content) with ``mapping``: (findings as text, rows per entity)."""
    folder = tmp_path / "acme" / BATCH
    folder.mkdir(parents=True)
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump({"system": "hris", **mapping}, sort_keys=False))
    with duckdb.connect() as con:
        mapped = map_batch(con, load_mapping(path), folder, tmp_path)
        rows = {
            name: con.execute(f"SELECT * EXCLUDE (_file) FROM {e.table} ORDER BY _row, _lines").fetchdf()
            for name, e in mapped.entities.items()
        }
    return mapped.findings, rows


def people(tmp_path, content=PEOPLE, **columns):
    mapping = {
        "files": {"people": {"path": "people.csv", "date_formats": ["M/D/YYYY"]}},
        "entities": {"employees": {"from": "people", "columns": {**EMPLOYEE_COLUMNS, **columns}}},
    }
    findings, rows = run(tmp_path, {"people.csv": content}, mapping)
    return findings, rows.get("employees")


def test_names_dates_levels_regions_bom_and_padding(tmp_path):
    findings, e = people(tmp_path, "\ufeff" + PEOPLE.replace("Name,", " Name ,", 1))
    assert findings == []
    assert list(e.full_name) == ["John A Smith", "Jane Doe", "Rick Roe", "Ed Poe"]
    assert list(e.hire_date) == ["2015-01-05", "2018-03-15", "2021-07-01", "2021-12-31"]
    assert list(e.leadership_level) == ["4", "4", "1", "0"]
    assert list(e.region) == ["Northeast", "West", "South", "West"]
    assert list(e.department_id) == ["Exec", "Sales", "Sales", "Sales"]  # padding trimmed
    assert list(e.email) == ["1@acme.example", "2@acme.example", "3@acme.example", "4@acme.example"]
    assert list(e._lines) == ["2", "3", "4", "5"]  # each row keeps its vendor line


def test_manager_by_name_ignores_case_order_punctuation_and_middle_initials(tmp_path):
    findings, e = people(tmp_path)
    assert findings == []
    assert list(e.manager_id) == [None, "1", "2", "3"]


def test_unknown_manager_refused_emptied_or_placeholder(tmp_path):
    content = PEOPLE.replace('"Roe, Rick",12/31', '"Moe, Missing",12/31')
    findings, _ = people(tmp_path / "refuse", content)
    (f,) = findings
    assert f.blocking and f.rows == (5,) and f.column == "Boss"
    assert str(f) == (
        f"acme/{BATCH}/people.csv row 5, column Boss: 'Moe, Missing' matches no employee of the export "
        "(rule for employees.manager_id: employee_by_name, unknown: refuse)"
    )
    findings, e = people(
        tmp_path / "empty", content, manager_id={"employee_by_name": "Boss", "unknown": "empty"}
    )
    assert [x.blocking for x in findings] == [False] and e.manager_id.iloc[3] is None
    findings, e = people(
        tmp_path / "placeholder", content, manager_id={"employee_by_name": "Boss", "unknown": "placeholder"}
    )
    assert [x.blocking for x in findings] == [False]
    placeholder = e[e.employee_id.str.startswith("placeholder-")].iloc[0]
    assert e.manager_id.iloc[3] == placeholder.employee_id
    assert placeholder.full_name == "Missing Moe" and placeholder.job_title == "(not in the export)"
    assert placeholder.leadership_level == "1" and placeholder.department_id == "Sales"  # above its report


def test_ambiguous_manager_names_every_candidate(tmp_path):
    content = PEOPLE + '"Doe, Jane",5,Account Executive,Sales,"Roe, Rick",1/2/2022,TX,Meets\n'
    findings, _ = people(tmp_path, content)
    (f,) = findings
    assert f.blocking and f.rows == (4,)
    assert "'jane doe' matches 2 employees (2, 5)" in f.message and "ambiguous: refuse" in f.message


def test_every_broken_rule_is_reported_at_once_with_file_line_column_rule_and_value(tmp_path):
    content = PEOPLE.replace("12/31/2021,wa", "31.12.2021,Atlantis").replace("VP Sales", "VP Sales")
    findings, _ = people(tmp_path, content)
    text = [str(f) for f in findings]
    assert f"acme/{BATCH}/people.csv row 5, column Start: '31.12.2021' is not a date (M/D/YYYY) " in text[0]
    assert "(rule for employees.hire_date, employees.level_start_date)" in text[0]  # one value, two rules
    assert any("column State: 'Atlantis' is not a place in the us_states lookup" in t for t in text)
    assert all(f.blocking and f.rows == (5,) for f in findings)


def test_european_dates_excel_serials_and_a_missing_column(tmp_path):
    mapping = {
        "files": {"p": {"path": "p.csv", "delimiter": ";", "date_formats": ["D.M.YYYY", "excel_serial"]}},
        "entities": {
            "goal_attainment": {
                "from": "p",
                "columns": {
                    "employee_id": "ID",
                    "month": {"month_of": "Reviewed"},
                    "goal_attainment_pct": {"percent_from_words": "Rating"},
                },
            }
        },
    }
    content = "ID;Reviewed;Rating\n1;31.1.2026;Exceeds\n2;46053;Does not meet\n3;15.02.2026;87,5%\n"
    findings, rows = run(tmp_path / "ok", {"p.csv": content}, mapping)
    assert [str(f) for f in findings] == [
        "acme/2026-11-30T060000Z/p.csv row 4, column Rating: '87,5%' is not a "
        "rating word of the scale (outstanding, exceptional, far exceeds, "
        "significantly exceeds, exceeds, strong, ...) (rule for "
        "goal_attainment.goal_attainment_pct)"
    ]
    g = rows["goal_attainment"]
    assert list(g.month) == ["2026-01-01", "2026-01-01", "2026-02-01"]  # 46054 = 2026-01-31
    assert list(g.goal_attainment_pct[:2]) == ["115.0", "50.0"]
    mapping["entities"]["goal_attainment"]["columns"]["month"] = {"month_of": "Review Date"}
    findings, _ = run(tmp_path / "missing", {"p.csv": content}, mapping)
    assert str(findings[0]) == (
        "acme/2026-11-30T060000Z/p.csv header, column Review Date: column is not in the file "
        "(acme.yaml: entities.goal_attainment.columns.month reads it)"
    )


def test_emails_from_a_second_file_and_stable_hashed_ids(tmp_path):
    mapping = {
        "files": {"people": "people.csv", "emails": {"path": "emails.csv"}},
        "entities": {
            "employees": {
                "from": "people",
                "join": [{"file": "emails", "on": 'people."Name" = emails."Person"'}],
                "columns": {
                    **EMPLOYEE_COLUMNS,
                    "employee_id": {"id": {"hash": ["Name", "Start"], "prefix": "P"}},
                    "email": {"column": "Mail", "file": "emails"},
                    "hire_date": {"date": "Start", "formats": ["M/D/YYYY"]},
                    "level_start_date": {"date": "Start", "formats": ["M/D/YYYY"]},
                    "manager_id": {"value": None},
                },
            }
        },
    }
    emails = 'Person,Mail\n"Smith, John  A",john@acme.example\n"Doe, Jane",jane@acme.example\n'
    emails += '"Roe, Rick",rick@acme.example\n"Poe, Ed",ed@acme.example\n'
    findings, rows = run(tmp_path / "a", {"people.csv": PEOPLE, "emails.csv": emails}, mapping)
    e = rows["employees"]
    assert findings == [] and e.email.iloc[1] == "jane@acme.example"
    assert all(i.startswith("P") and len(i) == 13 for i in e.employee_id)
    _, again = run(tmp_path / "b", {"people.csv": PEOPLE, "emails.csv": emails}, mapping)
    assert list(again["employees"].employee_id) == list(e.employee_id)  # stable across runs


def test_aggregation_is_one_line_and_keeps_every_source_line(tmp_path):
    mapping = {
        "files": {"answers": {"path": "answers.csv", "date_formats": ["YYYY-MM-DD"]}},
        "entities": {
            "engagement_surveys": {
                "from": "answers",
                "group_by": ["leader_employee_id", "survey_quarter"],
                "columns": {
                    "leader_employee_id": "Manager ID",
                    "survey_quarter": {"quarter_of": "Submitted"},
                    "team_satisfaction": {"mean": "Score"},
                    "responses": {"count": "Score"},
                    "invited": {"count": "*"},
                },
            }
        },
    }
    answers = "Manager ID,Submitted,Score\n7,2026-10-02,4\n7,2026-11-15,5\n7,2026-12-01,\n8,2026-10-03,3\n"
    findings, rows = run(tmp_path, {"answers.csv": answers}, mapping)
    s = rows["engagement_surveys"]
    assert findings == []
    assert s.to_dict("records")[0] == {
        "_row": 2,
        "_lines": "2,3,4",
        "leader_employee_id": "7",
        "survey_quarter": "2026-10-01",
        "team_satisfaction": "4.5",
        "responses": "2",
        "invited": "3",
    }


def test_excel_sheets_with_date_cells(tmp_path):
    frame = pd.DataFrame(
        {
            "ID": [1, 2],
            "Month": [pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-01")],
            "Goal %": [95, 110.5],
        }
    )
    path = tmp_path / "goals.xlsx"
    frame.to_excel(path, sheet_name="Goals", index=False)
    mapping = {
        "files": {"goals": {"path": "*.xlsx", "sheet": "Goals"}},
        "entities": {
            "goal_attainment": {
                "from": "goals",
                "columns": {"employee_id": "ID", "month": "Month", "goal_attainment_pct": "Goal %"},
            }
        },
    }
    findings, rows = run(tmp_path / "x", {"goals.xlsx": path.read_bytes()}, mapping)
    assert findings == []
    assert rows["goal_attainment"][["employee_id", "month", "goal_attainment_pct"]].values.tolist() == [
        ["1", "2026-10-01", "95.0"],
        ["2", "2026-11-01", "110.5"],
    ]


def test_a_mapping_file_mistake_names_the_file_and_key(tmp_path):
    with pytest.raises(
        MappingError, match=r"acme.yaml: entities.employees.columns: no expression for required"
    ):
        people(tmp_path, job_title=None)
    path = tmp_path / "needs.yaml"
    path.write_text("extends: bamboohr\n")
    with pytest.raises(MappingError, match="needs rule 'leadership_levels'"):
        people_folder = tmp_path / "needs" / BATCH
        people_folder.mkdir(parents=True)
        (people_folder / "employee_report.csv").write_text("Employee #\n1\n")
        with duckdb.connect() as con:
            map_batch(con, load_mapping(path), people_folder, tmp_path)
