"""The demo organisation's own access_roles.csv, chosen from the people it generated.

A real organisation names its HR admins in its configuration folder; the demo does the same for
the organisation it wrote, so no other organisation ever inherits the demo's people. The demo has
no HR department: its people-operations department (Operations, else the first department that is
not revenue-generating and not the top, with staff) runs HR. Its head sits on the executive committee; its two
most senior active people below the head are the HR admins.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

CHOSEN = """
with people_ops as (
    select department_id, head_employee_id from departments as d
    where parent_department_id is not null and exists (
        select 1 from employees as e
        where e.department_id = d.department_id and e.employee_id <> d.head_employee_id
          and e.termination_date is null
    )
    order by department_name ilike '%operations%' desc, is_revenue_generating, department_id
    limit 1
),

admins as (
    select e.employee_id, e.full_name, e.job_title from employees as e, people_ops as d
    where e.department_id = d.department_id and e.termination_date is null
      and e.employee_id <> d.head_employee_id
    order by e.leadership_level desc, e.employee_id
    limit 2
)

select e.employee_id, 'executive' as role,
    e.full_name || ', ' || e.job_title || ': runs people operations, on the executive committee' as note
from employees as e join people_ops as d on e.employee_id = d.head_employee_id
where e.leadership_level < 4
union all
select employee_id, 'hr_admin', full_name || ', ' || job_title || ' (people operations): HR admin' from admins
"""


def write_demo_access_roles(batch: Path, config_dir: Path) -> Path:
    """Write ``config_dir/access_roles.csv`` for the organisation in the HRIS ``batch`` folder."""
    con = duckdb.connect()
    for entity in ("employees", "departments"):
        (path,) = [p for p in batch.glob(f"{entity}.*") if p.suffix in (".csv", ".parquet")]
        con.execute(f"create view {entity} as select * from '{path}'")
    target = config_dir / "access_roles.csv"
    config_dir.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({CHOSEN}) to '{target}' (header, quote '\"')")
    con.close()
    return target
