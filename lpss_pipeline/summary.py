"""What is in the warehouse and the published marts, for `lpss status`, `lpss quality` and `lpss demo`.

Each reader opens its DuckDB file read-only and closes it at once: a connection left open in
this process would keep the pipeline from writing the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from lpss_pipeline.contract import ENTITIES
from lpss_pipeline.settings import Settings


@dataclass
class WarehouseSummary:
    batches: list[tuple]  # system, batch_id, status, loaded/quarantined/retired/unchanged at, rows
    tables: list[tuple[str, int, int]]  # raw table, rows, batches contributing


@contextmanager
def reading(path: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection | None, set[str]]]:
    """A read-only connection (None when the file does not exist) and its ``schema.table`` names."""
    if not path.exists():
        yield None, set()
        return
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = {
            f"{s}.{t}"
            for s, t in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
        }
        yield con, tables
    finally:
        con.close()


BATCHES_SQL = """
    WITH events AS (
        SELECT system, batch_id, 'loaded' AS state, loaded_at AS happened_at, rows_loaded AS n
        FROM ops.ingested_batches
        UNION ALL
        SELECT system, batch_id,
            CASE WHEN bool_or(stage = 'retired') THEN 'retired'
                WHEN arg_max(stage, quarantined_at) = 'waiting' THEN 'waiting'
                ELSE 'quarantined (' || arg_max(stage, quarantined_at) || ')' END,
            max(quarantined_at), NULL
        FROM ops.quarantined_batches
        GROUP BY system, batch_id
        {unchanged}
    )
    -- one line per batch: retired whatever came after, else its latest state (a batch loaded and
    -- then quarantined, or quarantined and loaded again corrected, shows what holds now)
    SELECT system, batch_id, arg_max(state, {{'retired': (state = 'retired'), 'at': happened_at}}),
        arg_max(happened_at, {{'retired': (state = 'retired'), 'at': happened_at}}), max(n)
    FROM events
    GROUP BY system, batch_id
    ORDER BY batch_id, system
"""
UNCHANGED_SQL = "UNION ALL SELECT system, batch_id, 'unchanged', recorded_at, NULL FROM ops.unchanged_batches"


def summarize(settings: Settings) -> WarehouseSummary | None:
    """The batch ledger and raw row counts; None when there is no warehouse yet."""
    with reading(settings.warehouse_path) as (con, tables):
        if con is None:
            return None
        ledger = {"ops.ingested_batches", "ops.quarantined_batches"} <= tables
        unchanged = UNCHANGED_SQL if "ops.unchanged_batches" in tables else ""
        batches = con.execute(BATCHES_SQL.format(unchanged=unchanged)).fetchall() if ledger else []
        counts = [
            (
                f"raw.{e.raw_table}",
                *con.execute(
                    f'SELECT count(*), count(DISTINCT _batch_id) FROM raw."{e.raw_table}"'
                ).fetchone(),
            )
            for e in ENTITIES.values()
            if f"raw.{e.raw_table}" in tables
        ]
        return WarehouseSummary(batches, counts)


# Each KPI's latest closed period (its last day reached by the data's as-of date), else, for a KPI
# with none (the succession snapshots), its period in progress; its status says why a value is
# missing (not_tracked, insufficient_data).
HEADLINE_SQL = """
    SELECT k.kpi_id, k.period_start, k.is_closed, k.value, k.target, k.meets_target, k.population, k.status
    FROM marts.fct_kpis AS k
    WHERE k.cut = 'organisation'
    QUALIFY row_number() OVER (PARTITION BY k.kpi_id ORDER BY k.is_closed DESC, k.period_start DESC) = 1
    ORDER BY k.kpi_id
"""


def headline_kpis(settings: Settings) -> list[tuple]:
    """Every KPI's organisation-wide value of its latest closed period, read from the published marts
    (never the warehouse)."""
    with reading(settings.published_path) as (con, tables):
        return con.execute(HEADLINE_SQL).fetchall() if "marts.fct_kpis" in tables else []


QUALITY_SQL = {
    "latest": """
        SELECT system, entity, batch_id, status, expectations, blocking_findings, warnings, checked_at
        FROM ops.data_quality_runs
        QUALIFY row_number() OVER (PARTITION BY system, entity ORDER BY checked_at DESC, batch_id DESC) = 1
        ORDER BY system, entity""",
    "findings": """
        SELECT system, batch_id, blocking, message FROM ops.data_quality_findings
        WHERE checked_at >= (SELECT max(checked_at) - INTERVAL 1 DAY FROM ops.data_quality_findings)
        ORDER BY checked_at DESC, blocking DESC LIMIT 20""",
    "quarantined": """
        SELECT system, batch_id, stage, quarantined_at, folder FROM ops.quarantined_batches
        ORDER BY quarantined_at DESC LIMIT 20""",
}


def quality_report(settings: Settings) -> dict[str, list[tuple]] | None:
    """The latest data-integrity results per entity, recent findings and quarantined batches."""
    with reading(settings.warehouse_path) as (con, tables):
        needed = {"ops.data_quality_runs", "ops.data_quality_findings", "ops.quarantined_batches"}
        if con is None or not needed <= tables:
            return None
        return {name: con.execute(sql).fetchall() for name, sql in QUALITY_SQL.items()}


ALERT_SQL = {
    "by_rule": """
        SELECT rule_id, severity,
            count(*) FILTER (WHERE status = 'pending') AS pending,
            count(*) FILTER (WHERE status = 'delivered') AS delivered,
            count(*) FILTER (WHERE status = 'failed') AS failed,
            any_value(delivered_via) FILTER (WHERE status = 'delivered') AS via
        FROM ops.alert_deliveries GROUP BY rule_id, severity ORDER BY rule_id""",
    # what and whom, as people read them: the alert's title and subject, a person by name (a Slack
    # user id through dim_leaders.slack_user_id), a channel by its name
    "recent": """
        SELECT d.content ->> 'title' || coalesce(': ' || (d.content ->> 'subject_name'), '') AS alert,
            CASE WHEN d.recipient_kind = 'channel' THEN '#' || ltrim(d.recipient, '#')
                ELSE coalesce(l.full_name, d.recipient) END AS recipient,
            d.status, d.attempts, coalesce(d.last_error, ''),
            coalesce(strftime(d.delivered_at, '%Y-%m-%d %H:%M'), '')
        FROM ops.alert_deliveries AS d
        LEFT JOIN (SELECT DISTINCT slack_user_id, full_name FROM marts.dim_leaders) AS l
            ON d.recipient_kind <> 'channel' AND l.slack_user_id = d.recipient
        ORDER BY d.status = 'delivered', coalesce(d.delivered_at, d.planned_at) DESC, d.alert_key LIMIT ?""",
    "reviews": """
        SELECT status, count(*) FROM ops.review_cases GROUP BY status ORDER BY status""",
}


def alert_report(settings: Settings, limit: int = 20) -> dict[str, list[tuple]] | None:
    """Deliveries by rule and status, the latest (undelivered first), review cases; None before any."""
    with reading(settings.warehouse_path) as (con, tables):
        if con is None or not {"ops.alert_deliveries", "marts.dim_leaders"} <= tables:
            return None
        report = {
            "by_rule": con.execute(ALERT_SQL["by_rule"]).fetchall(),
            "recent": con.execute(ALERT_SQL["recent"], [limit]).fetchall(),
        }
        report["reviews"] = (
            con.execute(ALERT_SQL["reviews"]).fetchall() if "ops.review_cases" in tables else []
        )
        return report
