"""One batch's rows of one entity, with the helper columns the raw suites need, read in SQL.

The suites run on pandas frames; everything that needs a join or a recursion (the reporting-line
cycle, e-mail matching, the owner's hire date, reference sets, the previous batch's size) is
computed here in DuckDB first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from lpss_pipeline.contract import BATCH_ID_FORMAT, Entity, entities_of, entity

from .quarantine import latest_good_batch

# Raw rows of batches that are not quarantined.
GOOD = "_batch_id NOT IN (SELECT batch_id FROM ops.quarantined_batches WHERE system = $system)"


@dataclass(frozen=True)
class BatchRef:
    system: str
    batch_id: str

    @property
    def label(self) -> str:
        return f"{self.system}/{self.batch_id}"

    @property
    def export_date(self) -> date:
        return datetime.strptime(self.batch_id, BATCH_ID_FORMAT).date()


def _table(e: Entity) -> str:
    return f'raw."{e.raw_table}"'


def entities_in(con: duckdb.DuckDBPyConnection, batch: BatchRef) -> list[Entity]:
    """The entities this batch carried (incremental batches may omit event entities)."""
    present = []
    for e in entities_of(batch.system):
        if con.execute(f"SELECT 1 FROM {_table(e)} WHERE _batch_id = ? LIMIT 1", [batch.batch_id]).fetchone():
            present.append(e)
    return present


def reference_batch(con: duckdb.DuckDBPyConnection, system: str, name: str, batch: BatchRef) -> str | None:
    """The batch whose rows of ``name`` a reference is checked against: this batch if it carries
    the entity, else the latest good batch before it."""
    e = entity(system, name)
    return con.execute(
        f"SELECT max(_batch_id) FROM {_table(e)} WHERE _batch_id <= $batch AND {GOOD}",
        {"batch": batch.batch_id, "system": system},
    ).fetchone()[0]


def reference_sets(con: duckdb.DuckDBPyConnection, e: Entity, batch: BatchRef) -> dict[str, list]:
    """For each column with a same-system reference: the values it must be among."""
    sets = {}
    for c in e.columns:
        ref = c.references
        if ref is None or ref.system != batch.system:
            continue
        source = reference_batch(con, ref.system, ref.entity, batch)
        target = entity(ref.system, ref.entity)
        sets[c.name] = [
            r[0]
            for r in con.execute(
                f'SELECT DISTINCT "{ref.column}" FROM {_table(target)} '
                f'WHERE _batch_id = ? AND "{ref.column}" IS NOT NULL',
                [source],
            ).fetchall()
        ]
    return sets


def previous_rows(con: duckdb.DuckDBPyConnection, e: Entity, batch: BatchRef) -> int | None:
    """Rows of the latest good batch before this one (snapshots), to spot a collapse."""
    if e.kind != "snapshot":
        return None
    return (
        con.execute(
            f"SELECT count(*) FROM {_table(e)} WHERE _batch_id = ("
            f"SELECT max(_batch_id) FROM {_table(e)} WHERE _batch_id < $batch AND {GOOD})",
            {"batch": batch.batch_id, "system": batch.system},
        ).fetchone()[0]
        or None
    )


def _helpers(e: Entity, batch: BatchRef, con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """Extra select expressions and joins for the entity's helper columns."""
    if e.system == "hris" and e.name == "employees":
        return (
            "lower(trim(t.email)) AS _email_normalized, coalesce(cyc.in_cycle, false) AS _in_reporting_cycle",
            f"LEFT JOIN ({_cycle_sql()}) AS cyc ON cyc.employee_id = t.employee_id",
        )
    if e.system == "hris" and e.name == "idp_milestones":
        source = reference_batch(con, "hris", "employees", batch)
        return (
            "emp.hire_date AS _owner_hire_date",
            f"LEFT JOIN {_table(entity('hris', 'employees'))} AS emp "
            f"ON emp.employee_id = t.employee_id AND emp._batch_id = '{source}'",
        )
    if e.system == "crm":
        source = latest_good_batch(con, "hris")
        return (
            "emp.employee_id IS NOT NULL AS _owner_email_matched",
            f"LEFT JOIN {_table(entity('hris', 'employees'))} AS emp "
            f"ON lower(trim(emp.email)) = lower(trim(t.owner_email)) AND emp._batch_id = '{source}'",
        )
    return "", ""


def _cycle_sql() -> str:
    """Employees of the batch who are their own ancestor through manager_id."""
    return """
        WITH RECURSIVE emp AS (
            SELECT employee_id, manager_id FROM raw."hris__employees" WHERE _batch_id = $batch
        ),
        chain(employee_id, ancestor, path) AS (
            SELECT employee_id, manager_id, [employee_id] FROM emp WHERE manager_id IS NOT NULL
            UNION ALL
            SELECT chain.employee_id, emp.manager_id, list_append(chain.path, chain.ancestor)
            FROM chain JOIN emp ON emp.employee_id = chain.ancestor
            WHERE emp.manager_id IS NOT NULL AND NOT list_contains(chain.path, chain.ancestor)
        )
        SELECT DISTINCT employee_id, true AS in_cycle FROM chain WHERE ancestor = employee_id"""


def batch_frame(con: duckdb.DuckDBPyConnection, e: Entity, batch: BatchRef) -> pd.DataFrame:
    """The entity's rows of the batch, contract columns plus ``_source_row`` and helper columns."""
    extra, joins = _helpers(e, batch, con)
    columns = ", ".join(f't."{c}"' for c in e.column_names)
    sql = (
        f"SELECT {columns}, t._source_row{', ' + extra if extra else ''} FROM {_table(e)} AS t {joins} "
        "WHERE t._batch_id = $batch ORDER BY t._source_row"
    )
    params = {"batch": batch.batch_id}
    return con.execute(sql, params).df()
