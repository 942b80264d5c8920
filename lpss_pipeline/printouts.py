"""What the commands print from the warehouse, the published marts and the MLflow store: the batches
and raw tables, the headline KPIs, the alerts and review cases, the readiness model's champion, the
data-integrity results."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

from lpss_pipeline.console import console, new_table
from lpss_pipeline.settings import Settings, mlflow_store_exists


def print_kpis(settings: Settings) -> None:
    from lpss_pipeline.config.kpi_display import kpi_displays
    from lpss_pipeline.summary import headline_kpis

    rows = headline_kpis(settings)
    if not rows:
        return
    displays = kpi_displays()
    table = new_table(
        "Headline KPIs (organisation, latest closed period)", "KPI", "period", ">value", "target", ""
    )
    for kpi_id, period, closed, value, target, meets, _population, status in rows:
        display = displays.get(kpi_id)
        if display is None:  # a KPI no longer configured
            continue
        if status == "ok" and value is not None:
            mark = "" if meets is None else "[green]met[/]" if meets else "[red]not met[/]"
        else:  # never a number for what is not measured
            mark = {"not_tracked": "[dim]not tracked[/]"}.get(status, "[yellow]no data yet[/]")
        table.add_row(
            display.name, display.period(period, closed), display.value(value), display.target(target), mark
        )
    console.print(table)


@contextlib.contextmanager
def unless_busy(settings: Settings) -> Iterator[None]:
    """Skip the rest of a printout, in one line, while another process holds the warehouse."""
    import duckdb

    from lpss_pipeline.resources.warehouse import busy_message

    try:
        yield
    except duckdb.IOException as error:
        message = busy_message(str(settings.warehouse_path), error)
        if message is None:
            raise
        console.print(f"[yellow]Cannot read the warehouse right now: {message}[/]", highlight=False)


def print_alerts(settings: Settings, limit: int) -> None:
    from lpss_pipeline.summary import alert_report

    with unless_busy(settings):
        report = alert_report(settings, limit)
        if report is None:
            console.print("No alerts yet: run [bold]lpss run[/].")
            return
        table = new_table(
            "Alert deliveries by rule", "rule", "severity", ">pending", ">delivered", ">failed", "via"
        )
        for rule, severity, pending, delivered, failed, via in report["by_rule"]:
            table.add_row(rule, severity, str(pending), str(delivered), str(failed), via or "")
        console.print(table)
        if limit:
            recent = new_table(
                "Latest deliveries", "alert", "recipient", "status", ">attempts", "last error", "delivered"
            )
            for row in report["recent"]:
                recent.add_row(*(str(v) for v in row))
            console.print(recent)
        if report["reviews"]:
            console.print(
                "Leadership-review cases: " + ", ".join(f"{n} {status}" for status, n in report["reviews"])
            )


def print_readiness_model(settings: Settings) -> None:
    """The champion's validation figures beside the rule's and the oracle's."""
    if not mlflow_store_exists(settings.mlflow_tracking_uri):
        return
    from ml.tracking import Tracking, champion_metrics

    figures = champion_metrics(Tracking(settings.mlflow_tracking_uri, settings.mlartifacts_dir))
    if figures is None:
        console.print("Readiness model: no champion yet (see the readiness_model asset's log).")
        return
    version, metrics = figures
    table = new_table(
        f"Readiness model: lpss-readiness v{version} (champion), validation months", "score", ">ROC AUC"
    )
    for label, key in (
        ("XGBoost model", "val_roc_auc"),
        ("rule composite >= 85", "rule_val_roc_auc"),
        ("oracle (generator's latent readiness)", "oracle_val_roc_auc"),
    ):
        if key in metrics:
            table.add_row(label, f"{metrics[key]:.3f}")
    console.print(table)


def print_summary(settings: Settings, compact: bool = False) -> None:
    """The batches and the raw tables' rows (``compact``: the raw tables in one line, as `run`, `ingest`
    and `demo` say them; `status` lists each)."""
    from lpss_pipeline.summary import summarize

    with unless_busy(settings):
        summary = summarize(settings)
        if summary is None:
            console.print("No warehouse yet: run [bold]lpss ingest[/] or [bold]lpss run[/].")
            return
        batches = new_table("Export batches", "system", "batch", "status", "when", ">rows")
        for system, batch_id, state, when, rows in summary.batches:
            total = sum(json.loads(rows).values()) if rows else 0
            colour = {"loaded": "green", "unchanged": "dim", "retired": "magenta"}.get(state, "red")
            batches.add_row(
                system, batch_id, f"[{colour}]{state}[/]", f"{when:%Y-%m-%d %H:%M:%S}", f"{total:,}"
            )
        if compact:
            empty = [name for name, rows, _ in summary.tables if not rows]
            console.print(batches)
            console.print(
                f"Raw tables: {len(summary.tables) - len(empty)} of {len(summary.tables)} hold rows, "
                f"{sum(rows for _, rows, _ in summary.tables):,} in all"
                + (f" (empty: {', '.join(empty)})" if empty else "")
                + "; lpss status lists each.",
                soft_wrap=True,
                highlight=False,
            )
            return
        tables = new_table("Raw tables", "table", ">rows", ">batches")
        for name, rows, n_batches in summary.tables:
            tables.add_row(name, f"{rows:,}", str(n_batches))
        console.print(batches, tables)


def print_quality(settings: Settings) -> None:
    """The latest data-integrity result per entity, the recent findings, the quarantined batches."""
    from lpss_pipeline.summary import quality_report

    report = quality_report(settings)
    if report is None:
        console.print("No data-integrity results yet: run [bold]lpss run[/].")
        return
    latest = new_table(
        "Latest data-integrity check per entity",
        "system",
        "entity",
        "batch",
        "status",
        ">expectations",
        ">blocking",
        ">warnings",
        "checked at",
    )
    colours = {"passed": "green", "warning": "yellow", "failed": "red"}
    for system, entity, batch, state, n, blocking, warnings, when in report["latest"]:
        latest.add_row(
            system,
            entity,
            batch,
            f"[{colours[state]}]{state}[/]",
            str(n),
            str(blocking),
            str(warnings),
            f"{when:%Y-%m-%d %H:%M}",
        )
    console.print(latest)
    for system, batch, blocking, message in report["findings"]:
        console.print(
            ("[red]BLOCKING[/] " if blocking else "[yellow]warning[/] ") + f"{system}/{batch}: ", end=""
        )
        console.print(message, markup=False, highlight=False)
    quarantined = new_table("Quarantined batches", "system", "batch", "stage", "when", "folder")
    for system, batch, stage, when, folder in report["quarantined"]:
        quarantined.add_row(system, batch, stage, f"{when:%Y-%m-%d %H:%M}", folder)
    console.print(quarantined)
    console.print(f"Data Docs: {settings.data_docs_dir / 'index.html'}")
