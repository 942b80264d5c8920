"""The ``lpss`` command: generate a demo organisation, ingest, run the pipeline, open the UI."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
import traceback
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import typer
from rich.live import Live
from rich.markup import escape
from rich.spinner import Spinner
from typer.core import TyperGroup

from lpss_pipeline.bench.command import bench, bench_report
from lpss_pipeline.config.commands import config_app
from lpss_pipeline.console import console, ensured_settings
from lpss_pipeline.dashboard.commands import print_demo_accounts, serve, users_app
from lpss_pipeline.ingestion.commands import batches_app
from lpss_pipeline.mapping.commands import check, mappings_app
from lpss_pipeline.printouts import (
    print_alerts,
    print_kpis,
    print_quality,
    print_readiness_model,
    print_summary,
)
from lpss_pipeline.recovery.doctor import doctor
from lpss_pipeline.settings import Settings, load_settings
from lpss_pipeline.synthetic.commands import (
    as_of_option,
    check_layout,
    employees_option,
    generate,
    generate_organisation,
    months_option,
    source_option,
)
from lpss_pipeline.tool_servers import docs, mlflow_ui, ui


class OneLineErrors(TyperGroup):
    """A usage error (an unknown option, a value out of range, a date that is none) is one line on
    stderr naming what is wrong and where the help is, exit 2: no usage box, no traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as error:  # typer's click: UsageError, BadParameter, NoSuchOption
            ctx = getattr(error, "ctx", None)
            if type(error).__name__ == "NoArgsIsHelpError":  # `lpss` alone: the help (printed by rich)
                if error.format_message().strip():
                    typer.echo(error.format_message())
                sys.exit(error.exit_code)
            message = " ".join(error.format_message().split())
            if ctx is not None:
                message = f"{ctx.command_path}: {message} (see {ctx.command_path} --help)"
            typer.echo(message, err=True)
            sys.exit(error.exit_code)
        except typer.Abort:
            typer.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    help="lpss: Leadership Performance & Succession System.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
VERBOSE_HELP = "Show dbt's and Dagster's log lines as well (always written to LPSS_HOME/logs/)."
UP_TO_DATE_EXIT = 3
"""`lpss run`'s exit code when nothing is new since the last build (0 built, 1 failed, 2 a usage
mistake, such as an empty landing zone)."""
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


def _quiet_dagster_warnings() -> None:
    """Dagster's notes on its own beta and preview APIs (``owners`` at definitions load) are not the
    person's business: the CLI drops them."""
    import warnings

    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    warnings.filterwarnings("ignore", category=dg.PreviewWarning)


@contextlib.contextmanager
def _logged(settings: Settings, command: str, verbose: bool) -> Iterator[Path]:
    """The block's stdout and stderr, dbt's and Dagster's included, go to a new log under
    ``LPSS_HOME/logs/`` (``verbose``: to the terminal too) while the console prints to the terminal
    (command_log.py); an unexpected error is one line there, its traceback in the log."""
    from lpss_pipeline.command_log import captured, new_log

    log = new_log(settings.home, command)
    if not verbose:  # dbt colours its lines whatever it writes to: not in a log file
        os.environ.setdefault("DBT_USE_COLORS", "false")
    try:
        with captured(log, verbose):
            try:
                yield log
            except (typer.Exit, typer.Abort, KeyboardInterrupt):
                raise
            except Exception as error:
                traceback.print_exc()  # into the log
                console.print(
                    f"[red]lpss {command} failed[/]: {escape(f'{type(error).__name__}: {error}')}; "
                    f"the traceback is in {log}",
                    soft_wrap=True,
                    highlight=False,
                )
                raise typer.Exit(1) from None
    finally:
        with contextlib.suppress(OSError):
            if not log.stat().st_size:  # nothing ran, nothing said: no log to point at
                log.unlink()


def _took(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"


def _run(settings: Settings, job_name: str, log: Path, verbose: bool = False):
    """Run a job, showing its progress (a spinner on a terminal), what recovery did and what it waits
    for; its log lines go to ``log`` (``_logged``). Returns the RunOutcome."""
    _quiet_dagster_warnings()
    from lpss_pipeline.command_log import flush_all
    from lpss_pipeline.runner import RunStopped, run_job

    def say(line: str) -> None:
        console.print(line, markup=False, highlight=False)

    started = time.monotonic()
    spinner = Spinner("dots", text=f"Running {job_name}", style="status.spinner")
    # not console.status: its live display would send Python's stdout and stderr (Dagster's logger)
    # to the terminal while it spins
    live = Live(spinner, console=console, transient=True, redirect_stdout=False, redirect_stderr=False)
    showing = console.is_terminal and not verbose

    def progress(steps: str) -> None:
        spinner.update(text=f"Running {job_name}: {steps} ({_took(time.monotonic() - started)})")

    try:
        with live if showing else contextlib.nullcontext():
            # the log holds Dagster's debug lines: the terminal sees them only with --verbose
            outcome = run_job(settings, job_name, verbose=True, say=say, progress=progress)
    except RunStopped as stopped:
        # The run is recorded and its slots are free; the step still executing in the run's thread
        # must not outlive the command, so the process ends here.
        console.print(f"[red]{escape(str(stopped))}[/]", highlight=False)
        console.print(f"dbt and Dagster log: {log}", soft_wrap=True, highlight=False)
        flush_all()
        os._exit(stopped.exit_code)
    took = _took(time.monotonic() - started)
    if outcome.success:
        console.print(f"[green]{job_name} succeeded[/] in {took} (run {outcome.run_id})", highlight=False)
    else:
        console.print(f"[red]{job_name} failed[/] after {took} (run {outcome.run_id})", highlight=False)
        for failure in outcome.failures:
            console.print(failure, markup=False, highlight=False)
    return outcome


def _build(settings: Settings, log: Path, verbose: bool) -> bool:
    """``pipeline_job``; when it succeeds, what it built from is recorded (build_state.py)."""
    from lpss_pipeline.build_state import configuration_fingerprint, record_build

    configuration = configuration_fingerprint(settings)
    outcome = _run(settings, "pipeline_job", log, verbose)
    if outcome.success:
        record_build(settings, outcome.run_id, configuration)
    return outcome.success


def _print_log(log: Path) -> None:
    if log.exists():
        console.print(f"dbt and Dagster log: {log}", soft_wrap=True, highlight=False)


@app.command()
def ingest(verbose: bool = typer.Option(False, help=VERBOSE_HELP)) -> None:
    """Load every complete export batch that is not loaded yet."""
    settings = ensured_settings()
    with _logged(settings, "ingest", verbose) as log:
        ok = _run(settings, "ingest_job", log, verbose).success
        print_summary(settings, compact=True)
    _print_log(log)
    raise typer.Exit(0 if ok else 1)


@app.command()
def run(
    verbose: bool = typer.Option(False, help=VERBOSE_HELP),
    rebuild: bool = typer.Option(False, help="Build even when nothing is new since the last build."),
) -> None:
    """Ingest new batches, materialize everything downstream, then send the alerts it raised.

    With nothing new since the last build (no batch waiting, no batch loaded and no configuration
    changed since) it says so and exits 3, unless --rebuild; with nothing to load at all, exit 2."""
    from lpss_pipeline.build_state import build_state

    settings = ensured_settings()
    state = build_state(settings)
    if state.nothing_to_load:
        _say_nothing_to_load(settings)
        raise typer.Exit(2)
    if state.reason is None and not rebuild:
        _say_up_to_date(settings, state, "lpss run --rebuild builds anyway")
        raise typer.Exit(UP_TO_DATE_EXIT)
    with _logged(settings, "run", verbose) as log:
        ok = _build(settings, log, verbose)
        ok = _run(settings, "alert_delivery_job", log, verbose).success and ok
        print_summary(settings, compact=True)
    _print_log(log)
    raise typer.Exit(0 if ok else 1)


def _say_nothing_to_load(settings: Settings) -> None:
    console.print(
        f"[red]Nothing to load[/]: no complete export batch in {settings.landing_dir} and none loaded "
        "before; land one (a folder per batch with its manifest.json; README, Bring your own data) or "
        "write the demo organisation's with lpss generate.",
        soft_wrap=True,
        highlight=False,
    )


def _say_up_to_date(settings: Settings, state, then: str) -> None:
    from lpss_pipeline.alerting.state import read_state
    from lpss_pipeline.build_state import describe_last

    pending = (read_state(settings.outbox_dir) or {}).get("pending")
    alerts = f"; {pending} alert deliveries pending: lpss alerts send" if pending else ""
    console.print(
        f"Up to date: nothing new since the last build ({describe_last(state)}): no new batch in "
        f"{settings.landing_dir}, no configuration change; {then}{alerts}.",
        soft_wrap=True,
        highlight=False,
    )


@app.command()
def status() -> None:
    """Show loaded and quarantined batches and the rows of every raw table."""
    print_summary(ensured_settings())


@app.command()
def demo(
    employees: int = employees_option(2000, "Active headcount of the demo organisation"),
    months: int = months_option(36, "Months of history."),
    as_of: str = as_of_option("As-of date YYYY-MM-DD (default: today)."),
    seed: int = typer.Option(42, help="Random seed."),
    fresh: bool = typer.Option(False, help="Delete the previous demo's state under LPSS_HOME first."),
    source: str = source_option(),
    verbose: bool = typer.Option(False, help=VERBOSE_HELP),
) -> None:
    """Generate the demo organisation (once), run the whole pipeline and say where to look.

    Run again with nothing new landed or configured, it builds nothing and keeps the demo passwords."""
    from lpss_pipeline.build_state import build_state

    settings = load_settings()
    check_layout(settings)
    if fresh:
        for name in DEMO_STATE:
            target = settings.home / name
            shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
    settings.ensure()
    params = settings.truth_dir / "generator.json"
    reused = None
    if params.exists():
        previous = json.loads(params.read_text())
        if source != previous.get("source"):
            was = f"as {previous['source']} exports" if previous.get("source") else "in the contract's shape"
            console.print(f"[red]The demo organisation was generated {was}[/]: add --fresh to start over.")
            raise typer.Exit(2)
        reused = previous.get("as_of")
    else:
        generate_organisation(settings, employees, months, as_of or date.today(), seed, "csv", source)
    state = build_state(settings)
    if state.nothing_to_load:  # generated before, and its batches deleted since
        _say_nothing_to_load(settings)
        raise typer.Exit(2)
    with _logged(settings, "demo", verbose) as log:
        if reused and state.reason is None:
            _say_up_to_date(
                settings, state, "lpss generate --next-month adds a month, lpss demo --fresh starts over"
            )
            ok = True
        else:
            if reused:
                console.print(
                    f"Demo organisation already generated (as of {reused}); reusing it "
                    f"({state.reason}). Use [bold]lpss demo --fresh[/] to start over."
                )
            ok = _build(settings, log, verbose)
            ok = _run(settings, "alert_delivery_job", log, verbose).success and ok
        print_summary(settings, compact=True)
        print_kpis(settings)
        print_readiness_model(settings)
        print_alerts(settings, limit=0)
        print_demo_accounts(settings)
    console.print(
        f"Published marts (for BI tools): {settings.published_path}\n"
        f"Warehouse: {settings.warehouse_path}\nLanding zone: {settings.landing_dir}\n"
        f"Alerts: [bold].venv/bin/lpss alerts[/] (without SLACK_BOT_TOKEN in {settings.outbox_dir})\n"
        "dbt docs (models, tests, lineage): [bold].venv/bin/lpss docs[/]\n"
        "MLflow UI (readiness model runs, plots, registry): [bold].venv/bin/lpss mlflow[/], then open "
        "http://127.0.0.1:5000\n"
        "Dagster UI (lineage, runs, sensors): [bold]make ui[/] (or .venv/bin/lpss ui), then open "
        "http://127.0.0.1:3000\n"
        "Leadership dashboard (scorecards, teams, succession, per role): [bold].venv/bin/lpss serve[/], then "
        f"open http://127.0.0.1:8000 and log in with an account from {settings.demo_users_path}"
        + (f"\nThis command's log (dbt, Dagster): {log}" if log.exists() else "")
    )
    raise typer.Exit(0 if ok else 1)


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
app.command()(ui)  # the tools' own UIs (lpss_pipeline/tool_servers.py)
app.command("mlflow")(mlflow_ui)
app.command()(docs)

alerts_app = typer.Typer(help="Alerts and reminders: their delivery status, and sending what is pending.")
app.add_typer(alerts_app, name="alerts")


@alerts_app.callback(invoke_without_command=True)
def alerts(
    ctx: typer.Context, limit: int = typer.Option(20, min=0, help="Latest deliveries to list.")
) -> None:
    """List alerts by rule with their delivery status, the latest deliveries and review cases."""
    if ctx.invoked_subcommand is None:
        print_alerts(ensured_settings(), limit)


@alerts_app.command("send")
def alerts_send(verbose: bool = typer.Option(False, help=VERBOSE_HELP)) -> None:
    """Send every pending, due delivery (Slack with SLACK_BOT_TOKEN, else the local outbox)."""
    settings = ensured_settings()
    with _logged(settings, "alerts-send", verbose) as log:
        ok = _run(settings, "alert_delivery_job", log, verbose).success
        print_alerts(settings, limit=0)
    _print_log(log)
    raise typer.Exit(0 if ok else 1)


@app.command()
def quality() -> None:
    """Print the latest data-integrity results, recent findings and quarantined batches."""
    print_quality(ensured_settings())


if __name__ == "__main__":
    app()
