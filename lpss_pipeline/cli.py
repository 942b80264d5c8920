"""The ``lpss`` command: generate a demo organisation, ingest, run the pipeline, open the UI."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from lpss_pipeline.bench.command import bench, bench_report
from lpss_pipeline.config.commands import config_app
from lpss_pipeline.console import console, ensured_settings, new_table
from lpss_pipeline.dashboard.commands import print_demo_accounts, serve, users_app
from lpss_pipeline.ingestion.commands import batches_app
from lpss_pipeline.mapping.commands import check, mappings_app
from lpss_pipeline.recovery.doctor import doctor
from lpss_pipeline.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings, load_settings, mlflow_store_exists
from lpss_pipeline.synthetic.commands import SOURCE_HELP, generate, generate_organisation, vendor_option

app = typer.Typer(
    help="lpss: Leadership Performance & Succession System.", no_args_is_help=True, add_completion=False
)
DEMO_STATE = (
    "warehouse.duckdb",
    "warehouse.duckdb.wal",
    "landing",
    "receipts",
    "quarantine",
    "published",
    "synthetic_truth",
    "dagster_home",
    "mlflow.db",
    "mlartifacts",
    "config",
)


def _run(settings: Settings, job_name: str, verbose: bool) -> bool:
    from lpss_pipeline.runner import RunStopped, run_job

    # While a run executes, Dagster redirects this process's stdout into its log capture: what the
    # watch says, and the last word of a stopped run, go to the terminal directly.
    terminal = Console(file=os.fdopen(os.dup(sys.stdout.fileno()), "w"))

    def say(line: str) -> None:
        terminal.print(line, markup=False, highlight=False)

    try:
        with console.status(f"Running {job_name}"):
            outcome = run_job(settings, job_name, verbose=verbose, say=say)
    except RunStopped as stopped:
        # The run is recorded and its slots are free; the step still executing in the run's thread
        # must not outlive the command, so the process ends here.
        terminal.print(f"[red]{stopped}[/]", highlight=False)
        terminal.file.flush()
        os._exit(stopped.exit_code)
    terminal.file.close()
    if outcome.success:
        console.print(f"[green]{job_name} succeeded[/] (run {outcome.run_id})")
    else:
        console.print(f"[red]{job_name} failed[/] (run {outcome.run_id})")
        for failure in outcome.failures:
            console.print(failure, markup=False, highlight=False)
    return outcome.success


@app.command()
def ingest(verbose: bool = typer.Option(False, help="Show Dagster's own log lines.")) -> None:
    """Load every complete export batch that is not loaded yet."""
    settings = ensured_settings()
    ok = _run(settings, "ingest_job", verbose)
    _print_summary(settings)
    raise typer.Exit(0 if ok else 1)


@app.command()
def run(verbose: bool = typer.Option(False, help="Show Dagster's own log lines.")) -> None:
    """Ingest new batches, materialize everything downstream, then send the alerts it raised."""
    settings = ensured_settings()
    ok = _run(settings, "pipeline_job", verbose)
    ok = _run(settings, "alert_delivery_job", verbose) and ok
    _print_summary(settings)
    raise typer.Exit(0 if ok else 1)


@app.command()
def status() -> None:
    """Show loaded and quarantined batches and the rows of every raw table."""
    _print_summary(ensured_settings())


@app.command()
def demo(
    employees: int = typer.Option(2000, help="Active headcount of the demo organisation."),
    months: int = typer.Option(36, help="Months of history."),
    as_of: str = typer.Option(None, help="As-of date YYYY-MM-DD (default: today)."),
    seed: int = typer.Option(42, help="Random seed."),
    fresh: bool = typer.Option(False, help="Delete the previous demo's state under LPSS_HOME first."),
    source: str = typer.Option(None, "--source", help=SOURCE_HELP),
) -> None:
    """Generate the demo organisation (once), run the whole pipeline and say where to look."""
    source = vendor_option(source)
    settings = load_settings()
    if fresh:
        for name in DEMO_STATE:
            target = settings.home / name
            shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
    settings.ensure()
    params = settings.truth_dir / "generator.json"
    if params.exists():
        previous = json.loads(params.read_text())
        if (source or None) != previous.get("source"):
            was = f"as {previous['source']} exports" if previous.get("source") else "in the contract's shape"
            console.print(f"[red]The demo organisation was generated {was}[/]: add --fresh to start over.")
            raise typer.Exit(2)
        console.print(
            f"Demo organisation already generated (as of {previous.get('as_of')}); reusing it. "
            "Use [bold]lpss demo --fresh[/] to start over."
        )
    else:
        as_of_day = date.fromisoformat(as_of) if as_of else date.today()
        generate_organisation(settings, employees, months, as_of_day, seed, "csv", source)
    ok = _run(settings, "pipeline_job", verbose=False)
    ok = _run(settings, "alert_delivery_job", verbose=False) and ok
    _print_summary(settings)
    _print_kpis(settings)
    _print_readiness_model(settings)
    _print_alerts(settings, limit=0)
    print_demo_accounts(settings)
    console.print(
        f"\nPublished marts (for BI tools): {settings.published_path}\n"
        f"Warehouse: {settings.warehouse_path}\nLanding zone: {settings.landing_dir}\n"
        f"Alerts: [bold].venv/bin/lpss alerts[/] (without SLACK_BOT_TOKEN in {settings.outbox_dir})\n"
        "dbt docs (models, tests, lineage): [bold].venv/bin/lpss docs[/]\n"
        "MLflow UI (readiness model runs, plots, registry): [bold].venv/bin/lpss mlflow[/], then open "
        "http://127.0.0.1:5000\n"
        "Dagster UI (lineage, runs, sensors): [bold]make ui[/] (or .venv/bin/lpss ui), then open "
        "http://127.0.0.1:3000\n"
        "Leadership dashboard (scorecards, teams, succession, per role): [bold].venv/bin/lpss serve[/], then "
        f"open http://127.0.0.1:8000 and log in with an account from {settings.demo_users_path}"
    )
    raise typer.Exit(0 if ok else 1)


@app.command()
def ui(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(3000, help="Port of the Dagster webserver."),
) -> None:
    """Start the Dagster webserver and daemon (sensors, schedules) on this code location."""
    settings = ensured_settings()
    env = {**os.environ, "DAGSTER_HOME": str(settings.dagster_home)}
    dagster = Path(sys.executable).with_name("dagster")
    cmd = [str(dagster), "dev", "-w", str(PROJECT_ROOT / "workspace.yaml"), "-h", host, "-p", str(port)]
    console.print(f"Dagster UI on http://{host}:{port} (Ctrl-C to stop)")
    os.chdir(PROJECT_ROOT)
    os.execve(cmd[0], cmd, env)  # become dagster dev: signals sent to this pid reach it directly


app.command()(generate)  # the demo organisation's (lpss_pipeline/synthetic/commands.py)
app.command()(serve)  # the dashboard's commands live beside it (lpss_pipeline/dashboard/commands.py)
app.command()(bench)  # the benchmark's too (lpss_pipeline/bench/command.py)
app.command("bench-report")(bench_report)
app.add_typer(users_app, name="users")
app.command()(check)  # the mapping's too (lpss_pipeline/mapping/commands.py)
app.add_typer(mappings_app, name="mappings")
app.add_typer(batches_app, name="batches")  # lpss_pipeline/ingestion/commands.py
app.add_typer(config_app, name="config")
app.command()(doctor)  # lpss_pipeline/recovery/doctor.py

alerts_app = typer.Typer(help="Alerts and reminders: their delivery status, and sending what is pending.")
app.add_typer(alerts_app, name="alerts")


@alerts_app.callback(invoke_without_command=True)
def alerts(ctx: typer.Context, limit: int = typer.Option(20, help="Latest deliveries to list.")) -> None:
    """List alerts by rule with their delivery status, the latest deliveries and review cases."""
    if ctx.invoked_subcommand is None:
        _print_alerts(ensured_settings(), limit)


@alerts_app.command("send")
def alerts_send(verbose: bool = typer.Option(False, help="Show Dagster's own log lines.")) -> None:
    """Send every pending, due delivery (Slack with SLACK_BOT_TOKEN, else the local outbox)."""
    settings = ensured_settings()
    ok = _run(settings, "alert_delivery_job", verbose)
    _print_alerts(settings, limit=0)
    raise typer.Exit(0 if ok else 1)


@app.command("mlflow")
def mlflow_ui(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(5000, help="Port of the MLflow UI."),
) -> None:
    """Start the MLflow UI on the readiness model's store: runs, metrics, plots, the registry."""
    from ml.relocation import home_store, relocate_artifact_root
    from ml.tracking import EXPERIMENT

    settings = ensured_settings()
    store = home_store(settings.mlflow_tracking_uri, settings.mlartifacts_dir)
    if store is not None:  # a copied home's UI must read (and write) its own artifacts
        relocate_artifact_root(store, EXPERIMENT, settings.mlartifacts_dir)
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    mlflow = Path(sys.executable).with_name("mlflow")
    cmd = [
        str(mlflow),
        "server",
        "--backend-store-uri",
        settings.mlflow_tracking_uri,
        "--default-artifact-root",
        settings.mlartifacts_dir.as_uri(),
        "--host",
        host,
        "--port",
        str(port),
    ]
    console.print(f"MLflow UI on http://{host}:{port} for {settings.mlflow_tracking_uri} (Ctrl-C to stop)")
    os.execve(cmd[0], cmd, env)  # become the server: signals sent to this pid reach it directly


@app.command()
def quality() -> None:
    """Print the latest data-integrity results, recent findings and quarantined batches."""
    from lpss_pipeline.summary import quality_report

    settings = ensured_settings()
    report = quality_report(settings)
    if report is None:
        console.print("No data-integrity results yet: run [bold]lpss run[/].")
        raise typer.Exit(0)
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


@app.command()
def docs(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8080, help="Port of the dbt docs site."),
) -> None:
    """Generate the dbt docs (models, columns, tests, lineage, exposures) and serve them."""
    settings = ensured_settings()
    dbt = str(Path(sys.executable).with_name("dbt"))
    target = settings.home / "dbt_docs"  # generated files stay under LPSS_HOME, out of the repo
    project = [
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target),
    ]
    if subprocess.call([dbt, "docs", "generate", *project], cwd=DBT_PROJECT_DIR) != 0:
        raise typer.Exit(1)
    console.print(f"dbt docs on http://{host}:{port} (Ctrl-C to stop); warehouse {settings.warehouse_path}")
    os.chdir(DBT_PROJECT_DIR)
    cmd = [dbt, "docs", "serve", *project, "--host", host, "--port", str(port), "--no-browser"]
    os.execv(cmd[0], cmd)


def _print_kpis(settings: Settings) -> None:
    from lpss_pipeline.summary import headline_kpis

    rows = headline_kpis(settings)
    if not rows:
        return
    table = new_table(
        "Headline KPIs (organisation, latest period)", "KPI", "period", ">value", ">target", "status"
    )
    for kpi_id, period, value, target, meets, unit, _population, status in rows:
        if status == "ok" and value is not None:
            shown = f"{value:,.1f}{'%' if unit == 'percent' else ''}"
            mark = "" if meets is None else "[green]met[/]" if meets else "[red]not met[/]"
        else:  # never a number for what is not measured
            shown, mark = "—", {"not_tracked": "[dim]not tracked[/]"}.get(status, "[yellow]no data yet[/]")
        table.add_row(kpi_id, f"{period:%Y-%m}", shown, "" if target is None else f"{target:,.1f}", mark)
    console.print(table)


@contextlib.contextmanager
def _unless_busy(settings: Settings) -> Iterator[None]:
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


def _print_alerts(settings: Settings, limit: int) -> None:
    from lpss_pipeline.summary import alert_report

    with _unless_busy(settings):
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


def _print_readiness_model(settings: Settings) -> None:
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


def _print_summary(settings: Settings) -> None:
    from lpss_pipeline.summary import summarize

    with _unless_busy(settings):
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
        tables = new_table("Raw tables", "table", ">rows", ">batches")
        for name, rows, n_batches in summary.tables:
            tables.add_row(name, f"{rows:,}", str(n_batches))
        console.print(batches, tables)


if __name__ == "__main__":
    app()
