"""The demo organisation's `lpss` commands: `lpss generate`, and what `lpss demo` generates with.

The generator (and its vendor exports) is imported only when a command runs: every other `lpss`
command starts without it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from lpss_pipeline.console import console, ensured_settings
from lpss_pipeline.contract import FILE_FORMATS
from lpss_pipeline.settings import Settings


def as_vendor(settings: Settings, source: str | None, written: list[Path]) -> list[Path]:
    """The HRIS batches rewritten as ``source``'s export, with the demo organisation's mapping."""
    if not source:
        return written
    from lpss_pipeline.synthetic.vendor_export import demo_mapping, export_as

    mapping = settings.config_dir / "mappings" / f"{source}.yaml"
    mapping.parent.mkdir(parents=True, exist_ok=True)
    mapping.write_text(demo_mapping(source))
    params = settings.truth_dir / "generator.json"
    params.write_text(json.dumps({**json.loads(params.read_text()), "source": source}, indent=2) + "\n")
    console.print(f"  the HRIS batch as {source} exports it, mapped by {mapping}")
    return [export_as(source, p, settings.landing_dir) if p.parent.name == "hris" else p for p in written]


def source_preset(source: str | None) -> str | None:
    """``--source``: an HRIS preset (a typer callback: anything else is a usage error, exit 2)."""
    from lpss_pipeline.synthetic.vendor_export import vendor_presets

    presets = vendor_presets()
    if source and source not in presets:
        raise typer.BadParameter(f"{source!r} is not an HRIS preset: use one of {', '.join(presets)}")
    return source or None


def as_of_date(value: str | None) -> date | None:
    """``--as-of``: a date YYYY-MM-DD (a typer callback)."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2026-06-15") from None


def export_format(value: str) -> str:
    """``--format``: one of the contract's file formats (a typer callback)."""
    if value not in FILE_FORMATS:
        raise typer.BadParameter(f"{value!r} is not an export format: use {' or '.join(FILE_FORMATS)}")
    return value


MIN_EMPLOYEES = 8  # the generator's smallest organisation (synthetic/generate.py)
SOURCE_HELP = "Write the HRIS batch as this vendor's export (an HRIS preset, e.g. bamboohr) and map it."


def employees_option(default: int, help: str):
    return typer.Option(default, min=MIN_EMPLOYEES, help=f"{help} (at least {MIN_EMPLOYEES}).")


def months_option(default: int, help: str):
    return typer.Option(default, min=1, help=help)


def as_of_option(help: str):
    return typer.Option(None, callback=as_of_date, help=help)


def source_option():
    return typer.Option(None, "--source", callback=source_preset, help=SOURCE_HELP)


def check_layout(settings: Settings) -> None:
    """The generator keeps the latent truth beside the landing zone: one line, exit 2, when
    LPSS_LANDING_DIR holds LPSS_HOME's synthetic_truth/."""
    landing, truth = settings.landing_dir.resolve(), settings.truth_dir.resolve()
    if truth == landing or landing in truth.parents:
        console.print(
            f"[red]The landing zone {landing} holds the demo's latent truth ({truth})[/]: point "
            "LPSS_LANDING_DIR at a folder outside LPSS_HOME/synthetic_truth.",
            soft_wrap=True,
        )
        raise typer.Exit(2)


def generate_organisation(
    settings: Settings,
    employees: int,
    months: int,
    as_of: date,
    seed: int,
    fmt: str,
    source: str | None = None,
) -> None:
    from lpss_pipeline.synthetic.access_roles import write_demo_access_roles
    from lpss_pipeline.synthetic.generate import generate_history

    console.print(f"Generating {employees:,} employees x {months} months (seed {seed}, as of {as_of})")
    written = generate_history(
        settings.landing_dir,
        settings.truth_dir,
        employees=employees,
        months=months,
        as_of=as_of,
        seed=seed,
        fmt=fmt,
        progress=console.is_terminal,
    )
    (hris,) = [p for p in written if p.parent.name == "hris"]
    roles = write_demo_access_roles(hris, settings.config_dir)
    console.print(f"  the demo organisation's HR admins and executives: {roles}")
    for path in as_vendor(settings, source, written):
        console.print(f"  wrote batch [bold]{path.relative_to(settings.landing_dir)}[/]")


def generate(
    employees: int = employees_option(2000, "Active headcount at the as-of date"),
    months: int = months_option(36, "Months of history ending with the as-of month."),
    as_of: str = as_of_option("As-of date YYYY-MM-DD (default: today)."),
    seed: int = typer.Option(42, help="Random seed; same seed and as-of give the same bytes."),
    fmt: str = typer.Option("csv", "--format", callback=export_format, help="csv or parquet."),
    next_month: bool = typer.Option(
        False, "--next-month", help="Write the next month as an incremental batch."
    ),
    source: str = source_option(),
) -> None:
    """Write a synthetic organisation's HRIS and CRM export batches into the landing zone."""
    settings = ensured_settings()
    check_layout(settings)
    if source and fmt != "csv":
        console.print("[red]--source writes the vendor's own files; --format is for contract batches[/]")
        raise typer.Exit(2)
    if next_month:
        from lpss_pipeline.synthetic.generate import CONFIG_FILE, generate_next_month

        if not (settings.truth_dir / CONFIG_FILE).exists():
            console.print(
                f"[red]No demo organisation to continue in {settings.home}[/]: run lpss generate (or "
                "lpss demo) first.",
                soft_wrap=True,
            )
            raise typer.Exit(2)
        written = generate_next_month(settings.landing_dir, settings.truth_dir, progress=console.is_terminal)
        previous = json.loads((settings.truth_dir / "generator.json").read_text()).get("source")
        for path in as_vendor(settings, source or previous, written):
            console.print(f"  wrote batch [bold]{path.relative_to(settings.landing_dir)}[/]")
        return
    generate_organisation(settings, employees, months, as_of or date.today(), seed, fmt, source)
