"""The demo organisation as an HRIS vendor would export it, for `lpss demo --source <preset>`.

A contract-shaped HRIS batch is rewritten as the vendor's batch ``landing/<preset>/<batch_id>/``:
the people report in the vendor's own columns and formats (its names, dates, countries and
manager column, as the preset reads them), the organisation's department list, and the other
entities as files already in the contract's shape (what an organisation's LMS, survey tool and
succession workbook would deliver beside its HRIS). The demo organisation's mapping, written to
``<config>/mappings/<preset>.yaml``, extends the preset with its rules and those extra files, so
mapping the batch gives back the contract batch it came from, row for row.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import yaml

from lpss_pipeline.contract import entities_of

# Countries a region's people are placed in (read back by the preset's countries lookup).
COUNTRIES = {
    "North America": ("United States", "Canada"),
    "EMEA": ("Germany", "United Kingdom", "France"),
    "APAC": ("Singapore", "Japan", "Australia"),
    "LATAM": ("Brazil", "Mexico"),
}
# The demo's job titles carry its levels (vocabulary.LEVEL_TITLES): its rule reads them.
LEVEL_RULES = [
    {"match": "^(chief|vp)\\b", "level": 4},
    {"match": "^director\\b", "level": 3},
    {"match": "^senior .*manager$", "level": 2},
    {"match": "manager$", "level": 1},
    {"match": "^lead\\b", "level": 1},
]
Column = Callable[[pa.Table], pa.Array]


def text(name: str) -> Column:
    return lambda t: t.column(name)


def first_name(t: pa.Table) -> pa.Array:
    return pc.list_element(pc.split_pattern(t.column("full_name"), " ", max_splits=1), 0)


def last_name(t: pa.Table) -> pa.Array:
    return pc.list_element(pc.split_pattern(t.column("full_name"), " ", max_splits=1), 1)


def date_as(name: str, fmt: str) -> Column:
    """An ISO date column in the vendor's format (nulls stay empty)."""
    return lambda t: pc.strftime(pc.strptime(t.column(name), "%Y-%m-%d", "s"), fmt)


def country(t: pa.Table) -> pa.Array:
    """A country of the person's region, spread over the region's countries by row."""
    regions = list(COUNTRIES)
    code = pc.index_in(t.column("region"), pa.array(regions)).to_numpy(zero_copy_only=False).astype(np.int64)
    sizes = np.array([len(COUNTRIES[r]) for r in regions])
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    names = pa.array([c for r in regions for c in COUNTRIES[r]], pa.string())
    return names.take(pa.array(first[code] + np.arange(len(code)) % sizes[code]))


def date_cell(name: str) -> Column:
    """An ISO date column as a spreadsheet's date cells."""
    return lambda t: pc.strptime(t.column(name), "%Y-%m-%d", "s")


def top_as(name: str, marker: str) -> Column:
    """A manager column that names the top of the organisation with ``marker`` instead of nothing."""
    return lambda t: pc.fill_null(t.column(name), marker)


def empty(t: pa.Table) -> pa.Array:
    return pa.nulls(len(t), pa.string())


@dataclass(frozen=True)
class VendorLayout:
    """How one vendor writes the people report its preset reads, and what the demo organisation's
    own mapping adds: its report carries a few custom fields the vendor does not have as standard
    (the Slack id; where the preset matches managers by name, the manager's id, since names repeat
    in the demo organisation; where the vendor has no date the current job began, that date)."""

    preset: str
    file_name: str
    report: str  # the preset's file key of that report
    columns: dict[str, Column]  # vendor column -> its values from the contract's employees
    department_column: str  # the vendor column that holds the department's name
    title_column: str  # the vendor column that holds the job title
    org_columns: dict[str, object]  # contract column -> the demo organisation's expression
    rules: dict[str, object] = field(default_factory=dict)  # beyond leadership_levels
    marker: str = "_DONE"
    bom: bool = False

    @property
    def excel(self) -> bool:
        return self.file_name.endswith(".xlsx")


LAYOUTS: dict[str, VendorLayout] = {
    "bamboohr": VendorLayout(
        preset="bamboohr",
        file_name="employee_report.csv",
        report="report",
        bom=True,
        columns={
            "Employee #": text("employee_id"),
            "First Name": first_name,
            "Middle Name": empty,
            "Last Name": last_name,
            "Work Email": text("email"),
            "Hire Date": date_as("hire_date", "%m/%d/%Y"),
            "Termination Date": date_as("termination_date", "%m/%d/%Y"),
            "Job Title": text("job_title"),
            "Department": text("department_name"),
            "Country": country,
            "Supervisor EID": text("manager_id"),
            "Job Information: Date": date_as("level_start_date", "%m/%d/%Y"),
            "Slack Member ID": text("slack_user_id"),
        },
        department_column="Department",
        title_column="Job Title",
        org_columns={"slack_user_id": "Slack Member ID"},
    ),
    "workday": VendorLayout(
        preset="workday",
        file_name="LPSS_Workers.csv",
        report="report",
        columns={
            "Employee_ID": text("employee_id"),
            "Legal_Name_-_First_Name": first_name,
            "Legal_Name_-_Middle_Name": empty,
            "Legal_Name_-_Last_Name": last_name,
            "Email_-_Primary_Work": text("email"),
            "Hire_Date": text("hire_date"),
            "Termination_Date": text("termination_date"),
            "Business_Title": text("job_title"),
            "Cost_Center_-_ID": text("department_id"),
            "Cost_Center": text("department_name"),
            "Location_Address_-_Country": country,
            "Manager_ID": text("manager_id"),
            "Time_in_Job_Profile_Start_Date": text("level_start_date"),
            "Slack_ID": text("slack_user_id"),
        },
        department_column="Cost_Center",
        title_column="Business_Title",
        org_columns={"slack_user_id": "Slack_ID"},
    ),
    "successfactors": VendorLayout(
        preset="successfactors",
        file_name="lpss_employees.csv",
        report="export",
        columns={
            "userId": text("employee_id"),
            "firstName": first_name,
            "middleName": empty,
            "lastName": last_name,
            "email": text("email"),
            "startDate": date_as("hire_date", "%m/%d/%Y"),
            "endDate": date_as("termination_date", "%m/%d/%Y"),
            "jobTitle": text("job_title"),
            "department": text("department_name"),
            "countryOfCompany": country,
            "managerId": top_as("manager_id", "NO_MANAGER"),
            "jobEntryDate": date_as("level_start_date", "%m/%d/%Y"),
            "custom_slack_id": text("slack_user_id"),
        },
        department_column="department",
        title_column="jobTitle",
        org_columns={"slack_user_id": "custom_slack_id"},
    ),
    "hibob": VendorLayout(
        preset="hibob",
        file_name="people_report.csv",
        report="people",
        columns={
            "Employee ID": text("employee_id"),
            "First name": first_name,
            "Last name": last_name,
            "Display name": text("full_name"),
            "Email": text("email"),
            "Start date": date_as("hire_date", "%d/%m/%Y"),
            "Termination date": date_as("termination_date", "%d/%m/%Y"),
            "Job title": text("job_title"),
            "Department": text("department_name"),
            "Country": country,
            "Reports to": text("manager_name"),
            "Reports to ID": text("manager_id"),
            "Work effective date": date_as("level_start_date", "%d/%m/%Y"),
            "Slack ID": text("slack_user_id"),
        },
        department_column="Department",
        title_column="Job title",
        org_columns={
            "manager_id": "Reports to ID",
            "level_start_date": "Work effective date",
            "slack_user_id": "Slack ID",
        },
    ),
    "personio": VendorLayout(
        preset="personio",
        file_name="employees.xlsx",
        report="employees",
        columns={
            "ID": text("employee_id"),
            "First name": first_name,
            "Last name": last_name,
            "Email": text("email"),
            "Position": text("job_title"),
            "Department": text("department_name"),
            "Office": country,
            "Hire date": date_cell("hire_date"),
            "Termination date": date_cell("termination_date"),
            "Supervisor": text("manager_name"),
            "Supervisor ID": text("manager_id"),
            "Position since": date_cell("level_start_date"),
            "Slack ID": text("slack_user_id"),
        },
        department_column="Department",
        title_column="Position",
        org_columns={
            "manager_id": "Supervisor ID",
            "level_start_date": "Position since",
            "slack_user_id": "Slack ID",
        },
        rules={"office_regions": {"region_from": "Office", "lookup": "countries"}},
    ),
}


def _read_text(path: Path) -> pa.Table:
    """A contract CSV with every column as text, exactly as written."""
    names = pa_csv.read_csv(path, read_options=pa_csv.ReadOptions(block_size=1 << 16)).column_names
    types = {n: pa.string() for n in names}
    options = pa_csv.ConvertOptions(column_types=types, strings_can_be_null=True)
    return pa_csv.read_csv(path, convert_options=options)


def _people(layout: VendorLayout, folder: Path) -> pa.Table:
    employees = _read_text(folder / "employees.csv")
    departments = _read_text(folder / "departments.csv").select(["department_id", "department_name"])
    managers = employees.select(["employee_id", "full_name"]).rename_columns(["manager_id", "manager_name"])
    joined = employees.join(departments, "department_id", join_type="left outer")
    joined = joined.join(managers, "manager_id", join_type="left outer")
    order = pc.sort_indices(joined, [("employee_id", "ascending")])
    joined = joined.take(order)
    return pa.table({name: build(joined) for name, build in layout.columns.items()})


def export_as(preset: str, contract_folder: Path, landing_dir: Path) -> Path:
    """Rewrite the contract HRIS batch in ``contract_folder`` as the vendor's batch; return its folder."""
    layout = LAYOUTS[preset]
    target = Path(landing_dir) / preset / contract_folder.name
    target.mkdir(parents=True, exist_ok=True)
    people = _people(layout, contract_folder)
    if layout.excel:
        people.to_pandas().to_excel(target / layout.file_name, index=False)
    else:
        with (target / layout.file_name).open("wb") as handle:
            if layout.bom:
                handle.write(b"\xef\xbb\xbf")
            pa_csv.write_csv(people, handle, pa_csv.WriteOptions(quoting_style="needed"))
    for e in entities_of("hris"):
        if e.name != "employees":
            shutil.copyfile(contract_folder / f"{e.name}.csv", target / f"{e.name}.csv")
    (target / layout.marker).write_text("")
    shutil.rmtree(contract_folder)  # the vendor's batch replaces it; mapping writes it again
    return target


def demo_mapping(preset: str) -> str:
    """The demo organisation's mapping: the preset, its rules, and its files in the contract's shape."""
    layout = LAYOUTS[preset]
    others = [e.name for e in entities_of("hris") if e.name != "employees"]
    mapping = {
        "extends": preset,
        "rules": {
            "leadership_levels": {
                "level_from_title": layout.title_column,
                "levels": LEVEL_RULES,
                "default": 0,
            },
            **layout.rules,
        },
        "files": {layout.report: {"path": layout.file_name}, **{n: {"path": f"{n}.csv"} for n in others}},
        "entities": {
            "employees": {
                "join": [
                    {
                        "file": "departments",
                        "on": f'{layout.report}."{layout.department_column}" = departments.department_name',
                    }
                ],
                "columns": {
                    "department_id": {"column": "department_id", "file": "departments"},
                    **layout.org_columns,
                },
            },
            **{name: {"from": name, "join": [], "group_by": [], "columns": "same"} for name in others},
        },
    }
    header = (
        f"# The demo organisation's {preset} mapping (written by `lpss demo --source {preset}`): the\n"
        "# preset, levels read from the demo's job titles, its other exports in the contract's shape.\n"
    )
    return header + yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True)


def vendor_presets() -> tuple[str, ...]:
    return tuple(LAYOUTS)
