"""`lpss batches`: every batch of every system and what became of it; `lpss batches retire`.

The listing reads the warehouse's ledgers with a read-only connection closed at once (as `lpss
status` does), then the landing zone and the receipts, so that it never keeps a pipeline from
writing. Retiring writes one ledger row (ingestion/ledger.py); the next `lpss run` rebuilds the
marts without the batch.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

import duckdb
import typer
from rich.markup import escape

from lpss_pipeline.console import console, ensured_settings, new_table
from lpss_pipeline.contract import SYSTEMS
from lpss_pipeline.settings import Settings, duckdb_config

from .landing import discover_batches, misnamed_folders
from .ledger import BatchState, RetireError, retire, warehouse_states

batches_app = typer.Typer(
    help="Export batches over time: list every batch and its state; retire a loaded batch."
)
COLOURS = {
    "loaded": "green",
    "unchanged": "dim",
    "pending": "yellow",
    "mapped": "cyan",
    "waiting": "yellow",
    "quarantined": "red",
    "retired": "magenta",
    "ignored": "dim",
}


def _vendor_states(settings: Settings, states: dict[tuple[str, str], BatchState]) -> None:
    """Vendor batches under ``landing/<source>/``: ``mapped`` (into which contract batch),
    ``unchanged`` (a repeat of the delivery loaded last), or ``pending`` when not handled yet; a
    refused one is in the ledger as quarantined already."""
    from lpss_pipeline.mapping.batches import handled, receipt_path, vendor_batches
    from lpss_pipeline.mapping.spec import MappingError, active_sources, load_mapping

    for name, path in active_sources(settings.config_dir, settings.landing_dir).items():
        try:
            mapping = load_mapping(path, name)
        except MappingError:
            continue  # `lpss ingest` names the broken file; its batches wait
        for vendor in vendor_batches(settings.landing_dir, mapping):
            key = (vendor.source, vendor.batch_id)
            if not handled(settings.receipts_dir, vendor):
                states[key] = BatchState(vendor.source, vendor.batch_id, "pending", note="not mapped yet")
                continue
            receipt = json.loads(receipt_path(settings.receipts_dir, vendor).read_text())
            notes = {
                "mapped": f"into {mapping.system}/{receipt['contract_batch']}",
                "unchanged": f"a repeat of the delivery loaded as {mapping.system}/{receipt.get('same_as')}",
            }
            if receipt["status"] in notes:
                states[key] = BatchState(
                    vendor.source, vendor.batch_id, receipt["status"], note=notes[receipt["status"]]
                )


def batch_states(settings: Settings) -> list[BatchState]:
    """Every batch the warehouse's ledgers, the landing zone and the receipts know, oldest first.

    Raises duckdb.Error when the warehouse cannot be read (a pipeline run holds it)."""
    from lpss_pipeline.summary import reading

    with reading(settings.warehouse_path) as (con, tables):
        states = warehouse_states(con, tables) if con is not None else {}
    for batch in discover_batches(settings.landing_dir):
        known = states.get((batch.system, batch.batch_id))
        if known is None:
            states[(batch.system, batch.batch_id)] = BatchState(batch.system, batch.batch_id, "pending")
        elif known.manifest_sha256 not in (None, batch.manifest_sha256):  # re-delivered, other files
            if known.loaded_at is None:  # refused or unchanged before: the next ingest tries it again
                known.note = f"re-delivered after it was {known.state}: tried again"
                known.state = "pending"
            else:
                known.note = f"re-delivered with other files, which the next ingest refuses; {known.note}"
    for folder in misnamed_folders(settings.landing_dir):  # not a batch: nothing in it is read
        system, name = folder.file.split("/", 1)
        states[(system, name)] = BatchState(system, name, "ignored", note=folder.message)
    _vendor_states(settings, states)
    return sorted(states.values(), key=lambda s: (s.batch_id, s.system))


@batches_app.callback(invoke_without_command=True)
def batches(
    ctx: typer.Context,
    system: str = typer.Option(None, "--system", help="Only this system (hris, crm) or vendor source."),
) -> None:
    """List every batch of every system: loaded, waiting, quarantined, retired, unchanged, pending or mapped,
    and the folders ignored because their name is not a batch id."""
    if ctx.invoked_subcommand is not None:
        return
    settings = ensured_settings()
    try:
        states = batch_states(settings)
    except duckdb.Error as exc:
        console.print(
            f"[red]Cannot read the warehouse right now (a pipeline run holds it?): {escape(str(exc))}[/]"
        )
        raise typer.Exit(1) from None
    shown = [s for s in states if system is None or s.system == system]
    if not shown:
        console.print("No batches yet: exports land in " + str(settings.landing_dir))
        return
    table = new_table("Export batches", "system", "batch", "state", "loaded at", ">rows", "note")
    for s in shown:
        table.add_row(
            s.system,
            s.batch_id,
            f"[{COLOURS[s.state]}]{s.state}[/]",
            f"{s.loaded_at:%Y-%m-%d %H:%M}" if s.loaded_at else "",
            "" if s.rows is None else f"{s.rows:,}",
            escape(s.note),
        )
    console.print(table)
    counts = {state: sum(1 for s in shown if s.state == state) for state in COLOURS}
    console.print(", ".join(f"{n} {state}" for state, n in counts.items() if n))


def current_user() -> str:
    """Who is retiring: ``LPSS_USER`` (e.g. when a shared account runs lpss), else the login name."""
    try:
        return os.environ.get("LPSS_USER") or getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[red]{escape(message)}[/]", highlight=False)
    return typer.Exit(code)


@batches_app.command("retire")
def retire_batch(
    batch: str = typer.Argument(..., help="The batch id, e.g. 2026-03-01T060000Z."),
    reason: str = typer.Option(..., "--reason", help="Why it is retired (kept in the ledger)."),
    system: str = typer.Option(None, "--system", help="hris or crm; needed only when both have the batch."),
) -> None:
    """Take a loaded batch out of the marts: its rows stay in raw, the ledger records who, when and
    why, and the next `lpss run` rebuilds without it (snapshots then come from the previous good batch)."""
    if system is not None and system not in SYSTEMS:
        raise _fail(f"--system must be one of {', '.join(SYSTEMS)}, not {system!r}")
    settings = ensured_settings()
    if not Path(settings.warehouse_path).exists():
        raise _fail(f"no loaded batch {batch}: there is no warehouse yet")
    try:
        con = duckdb.connect(str(settings.warehouse_path), config=duckdb_config())
    except duckdb.Error as exc:
        raise _fail(
            f"cannot open the warehouse (a pipeline run holds it?); try again later: {exc}", 1
        ) from None
    try:
        from lpss_pipeline.quality.quarantine import latest_good_batch

        done = retire(con, batch, reason, current_user(), settings.landing_dir, system)
        latest = latest_good_batch(con, done.system)
    except RetireError as error:
        raise _fail(str(error)) from None
    finally:
        con.close()
    when, why = f"{done.at:%Y-%m-%d %H:%M}", escape(done.reason)
    if done.already:
        console.print(
            f"{done.label} is already retired (by {done.by_user or 'unknown'} {when}: {why}); "
            "nothing changed.",
            highlight=False,
        )
        return
    after = f"{done.system}/{latest}" if latest else f"no {done.system} batch at all"
    console.print(
        f"[magenta]Retired {done.label}[/] (by {done.by_user}, {when}): {why}\n"
        f"Its rows stay in raw. The next [bold]lpss run[/] rebuilds the marts without it; the latest "
        f"good {done.system} batch is then {after}.",
        highlight=False,
    )
