"""One batch's rows of one entity, with the helper columns the raw suites need, read in SQL.

The suites run on pandas frames; everything that needs a join or a recursion (the reporting-line
cycle, e-mail matching, the owner's hire date, whether each reference resolves, the previous
batch's size) is computed here in DuckDB first. E-mails are compared by the key the loader stored
beside them (``_<column>_normalized``, lpss_pipeline/contract/emails.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from expectations.raw import RESOLVED
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


def referenced_columns(e: Entity, batch: BatchRef) -> tuple[str, ...]:
    """Columns with a reference into the same system, checked in this batch."""
    return tuple(
        c.name for c in e.columns if c.references is not None and c.references.system == batch.system
    )


def _reference_helpers(
    con: duckdb.DuckDBPyConnection, e: Entity, batch: BatchRef
) -> tuple[list[str], list[str]]:
    """A ``_<column>_reference`` select expression and its join for each referenced column.

    Resolving in SQL keeps the suites small: a GX value set of every employee id cost seconds per
    entity (GX serialises its configuration many times per validation)."""
    selects, joins = [], []
    for i, name in enumerate(referenced_columns(e, batch)):
        ref = e.column(name).references
        source = reference_batch(con, ref.system, ref.entity, batch)
        values = (
            f'SELECT DISTINCT "{ref.column}" AS v FROM {_table(entity(ref.system, ref.entity))} '
            f"WHERE _batch_id = {_literal(source)}"
        )
        joins.append(f'LEFT JOIN ({values}) AS ref{i} ON ref{i}.v = t."{name}"')
        selects.append(
            f"CASE WHEN t.\"{name}\" IS NULL THEN NULL WHEN ref{i}.v IS NOT NULL THEN '{RESOLVED}' "
            f'ELSE CAST(t."{name}" AS VARCHAR) END AS "_{name}_reference"'
        )
    return selects, joins


def _literal(batch_id: str | None) -> str:
    return "NULL" if batch_id is None else "'" + batch_id.replace("'", "''") + "'"


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
            "t._email_normalized, coalesce(cyc.in_cycle, false) AS _in_reporting_cycle",
            f"LEFT JOIN ({_cycle_sql()}) AS cyc ON cyc.employee_id = t.employee_id",
        )
    if e.system == "hris" and e.name == "idp_milestones":
        source = reference_batch(con, "hris", "employees", batch)
        return (
            "emp.hire_date AS _owner_hire_date",
            f"LEFT JOIN {_table(entity('hris', 'employees'))} AS emp "
            f"ON emp.employee_id = t.employee_id AND emp._batch_id = {_literal(source)}",
        )
    if e.system == "crm":
        source = latest_good_batch(con, "hris")
        return (
            "emp.employee_id IS NOT NULL AS _owner_email_matched",
            f"LEFT JOIN {_table(entity('hris', 'employees'))} AS emp "
            f"ON emp._email_normalized = t._owner_email_normalized AND emp._batch_id = {_literal(source)}",
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


def parts_of(con: duckdb.DuckDBPyConnection, e: Entity, batch: BatchRef, rows_per_part: int) -> int:
    """Into how many parts the entity's rows of the batch are validated.

    Only events are split: their suites are row-level apart from the key's uniqueness, and a part
    holds every row of its keys (:func:`batch_frame`). Snapshots are checked whole (row-count
    collapse, e-mails unique)."""
    if e.kind != "event":
        return 1
    rows = con.execute(f"SELECT count(*) FROM {_table(e)} WHERE _batch_id = ?", [batch.batch_id]).fetchall()
    return max(1, -(-rows[0][0] // rows_per_part))


def batch_frame(
    con: duckdb.DuckDBPyConnection, e: Entity, batch: BatchRef, part: int = 0, parts: int = 1
) -> pd.DataFrame:
    """The entity's rows of the batch, contract columns plus ``_source_row`` and helper columns;
    with ``parts`` > 1, the ``part``-th share of its keys (a frame of a 70-million-row table would
    not fit in memory, nor would GX's copies of it)."""
    extra, join = _helpers(e, batch, con)
    ref_selects, ref_joins = _reference_helpers(con, e, batch)
    selects = [
        *(f't."{c}"' for c in e.column_names),
        "t._source_row",
        *([extra] if extra else []),
        *ref_selects,
    ]
    joins = " ".join([*([join] if join else []), *ref_joins])
    sql = (
        f"SELECT {', '.join(selects)} FROM {_table(e)} AS t {joins} "
        "WHERE t._batch_id = $batch "
        + (f"AND hash({', '.join(f't.{k}' for k in e.key)}) % {parts} = {part} " if parts > 1 else "")
        + "ORDER BY t._source_row"
    )
    params = {"batch": batch.batch_id}
    return con.execute(sql, params).df()
