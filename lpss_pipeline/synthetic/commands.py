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


def vendor_option(source: str | None) -> str | None:
    from lpss_pipeline.synthetic.vendor_export import vendor_presets

    if source and source not in vendor_presets():
        console.print(f"[red]--source {source}: not an HRIS preset[/]; one of {', '.join(vendor_presets())}")
        raise typer.Exit(2)
    return source


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


SOURCE_HELP = "Write the HRIS batch as this vendor's export (an HRIS preset, e.g. bamboohr) and map it."


def generate(
    employees: int = typer.Option(2000, help="Active headcount at the as-of date."),
    months: int = typer.Option(36, help="Months of history ending with the as-of month."),
    as_of: str = typer.Option(None, help="As-of date YYYY-MM-DD (default: today)."),
    seed: int = typer.Option(42, help="Random seed; same seed and as-of give the same bytes."),
    fmt: str = typer.Option("csv", "--format", help="csv or parquet."),
    next_month: bool = typer.Option(
        False, "--next-month", help="Write the next month as an incremental batch."
    ),
    source: str = typer.Option(None, "--source", help=SOURCE_HELP),
) -> None:
    """Write a synthetic organisation's HRIS and CRM export batches into the landing zone."""
    settings = ensured_settings()
    source = vendor_option(source)
    if source and fmt != "csv":
        console.print("[red]--source writes the vendor's own files; --format is for contract batches[/]")
        raise typer.Exit(2)
    if next_month:
        from lpss_pipeline.synthetic.generate import generate_next_month

        written = generate_next_month(settings.landing_dir, settings.truth_dir, progress=console.is_terminal)
        previous = json.loads((settings.truth_dir / "generator.json").read_text()).get("source")
        for path in as_vendor(settings, source or previous, written):
            console.print(f"  wrote batch [bold]{path.relative_to(settings.landing_dir)}[/]")
        return
    generate_organisation(
        settings, employees, months, date.fromisoformat(as_of) if as_of else date.today(), seed, fmt, source
    )
