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
    region = t.column("region").to_pylist()
    return pa.array([COUNTRIES[r][i % len(COUNTRIES[r])] for i, r in enumerate(region)], pa.string())


@dataclass(frozen=True)
class VendorLayout:
    """How one vendor writes the people report its preset reads."""

    preset: str
    file_name: str
    report: str  # the preset's file key of that report
    columns: dict[str, Column]  # vendor column -> its values from the contract's employees
    department_column: str  # the vendor column that holds the department's name
    marker: str = "_DONE"
    bom: bool = False
    extra_columns: dict[str, str] = field(default_factory=dict)  # contract column -> vendor column


LAYOUTS: dict[str, VendorLayout] = {
    "bamboohr": VendorLayout(
        preset="bamboohr",
        file_name="employee_report.csv",
        report="report",
        bom=True,
        columns={
            "Employee #": text("employee_id"),
            "First Name": first_name,
            "Middle Name": lambda t: pa.nulls(len(t), pa.string()),
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
        extra_columns={"slack_user_id": "Slack Member ID"},
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
    joined = employees.join(departments, "department_id", join_type="left outer")
    order = pc.sort_indices(joined, [("employee_id", "ascending")])
    joined = joined.take(order)
    return pa.table({name: build(joined) for name, build in layout.columns.items()})


def export_as(preset: str, contract_folder: Path, landing_dir: Path) -> Path:
    """Rewrite the contract HRIS batch in ``contract_folder`` as the vendor's batch; return its folder."""
    layout = LAYOUTS[preset]
    target = Path(landing_dir) / preset / contract_folder.name
    target.mkdir(parents=True, exist_ok=True)
    people = _people(layout, contract_folder)
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
            "leadership_levels": {"level_from_title": "Job Title", "levels": LEVEL_RULES, "default": 0}
        },
        "files": {name: {"path": f"{name}.csv"} for name in others},
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
                    **layout.extra_columns,
                },
            },
            **{name: {"from": name, "group_by": [], "columns": "same"} for name in others},
        },
    }
    header = (
        f"# The demo organisation's {preset} mapping (written by `lpss demo --source {preset}`): the\n"
        "# preset, levels read from the demo's job titles, its other exports in the contract's shape.\n"
    )
    return header + yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True)


def vendor_presets() -> tuple[str, ...]:
    return tuple(LAYOUTS)
