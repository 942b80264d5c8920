"""The mapping's `lpss` commands: `lpss check` (a dry run) and `lpss mappings` (list, init)."""

from __future__ import annotations

from pathlib import Path

import typer

from lpss_pipeline.console import console, new_table
from lpss_pipeline.settings import load_settings

from .spec import PRESETS_DIR, Mapping, MappingError, find_mapping, load_mapping, mapping_files, preset_names

SHOWN_FINDINGS = 40


def _mapping_for(folder: Path, source: str | None) -> Mapping:
    config_dir = load_settings().config_dir
    if source:
        return find_mapping(source, config_dir)
    for guess in (folder.parent.name, folder.name):
        if guess in mapping_files(config_dir) or guess in preset_names():
            return find_mapping(guess, config_dir)
    raise MappingError(
        str(folder),
        "cannot tell which mapping reads this folder; say --source NAME "
        f"(presets: {', '.join(preset_names())}; yours: {', '.join(mapping_files(config_dir)) or 'none'})",
    )


def _print_previews(result) -> None:
    table = new_table("Contract entities", "entity", "from", ">rows mapped", ">rows with errors")
    for e in result.entities:
        table.add_row(e.name, e.label, f"{e.rows:,}", e.rows_with_errors)
    console.print(table)
    for e in result.entities:  # a column a line, so that a narrow terminal shows every value
        sample = new_table(f"{e.name}: first rows", "column", *(f"row {i + 1}" for i in range(len(e.sample))))
        for i, column in enumerate(e.columns):
            sample.add_row(column, *("" if row[i] is None else str(row[i]) for row in e.sample))
        console.print(sample)


def check(
    path: Path = typer.Argument(..., help="A folder of vendor export files (one batch)."),
    source: str = typer.Option(None, "--source", help="The mapping to use (default: the folder's source)."),
) -> None:
    """Dry run: map a folder of vendor exports and run the contract and integrity checks.

    Loads nothing, quarantines nothing, alerts no one. Exit 0 when the batch would load, 1 when it
    would be refused, 2 when the folder or the mapping cannot be used.
    """
    folder = path.expanduser().resolve()
    if not folder.is_dir():
        console.print(f"[red]{path} is not a folder of export files[/]")
        raise typer.Exit(2)
    try:
        mapping = _mapping_for(folder, source)
        from .dry_run import dry_run

        with console.status("Mapping and checking"):
            result = dry_run(mapping, folder, load_settings().warehouse_path)
    except MappingError as error:
        console.print(f"[red]Mapping error[/] {error}", highlight=False)
        raise typer.Exit(2) from None
    complete = (
        "complete"
        if result.complete
        else f"not complete yet ({next(iter(mapping.completion.values()))} missing)"
    )
    console.print(
        f"Source [bold]{mapping.source}[/] ({mapping.path}) -> {mapping.system}; "
        f"batch {result.batch_id}, {complete}",
        highlight=False,
    )
    _print_previews(result)
    for label, columns in result.unused.items():
        console.print(f"Vendor columns not used in {label}: {', '.join(columns)}", highlight=False)
    errors = [f for f in result.findings if f.blocking]
    warnings = [f for f in result.findings if not f.blocking]
    for kind, found, colour in (("error", errors, "red"), ("warning", warnings, "yellow")):
        for f in found[:SHOWN_FINDINGS]:
            console.print(f"[{colour}]{kind}[/] ", end="")
            console.print(str(f), markup=False, highlight=False)
        if len(found) > SHOWN_FINDINGS:
            console.print(f"... and {len(found) - SHOWN_FINDINGS} more {kind}s")
    if result.would_load:
        console.print(
            f"[green]Would load[/]: mapping, contract and integrity checks passed ({len(warnings)} warnings)."
        )
        raise typer.Exit(0)
    console.print(
        f"[red]Would be refused[/] at the {result.stage} checks: {len(errors)} error(s). Nothing was loaded."
    )
    raise typer.Exit(1)


mappings_app = typer.Typer(help="Source mappings: vendor export files to the lpss export contract.")


@mappings_app.command("list")
def mappings_list() -> None:
    """The shipped presets and the organisation's own mappings, with what each needs."""
    settings = load_settings()
    table = new_table("Source mappings", "source", "kind", "system", "entities", "needs rules")
    own = mapping_files(settings.config_dir)
    for name in sorted({*preset_names(), *own}):
        path = own.get(name, PRESETS_DIR / f"{name}.yaml")
        try:
            m = load_mapping(path)
        except MappingError as error:
            table.add_row(name, "yours" if name in own else "preset", "", f"[red]{error.message}[/]", "")
            continue
        missing = [r for r in m.needs if not m.has_rule(r)]
        table.add_row(
            name, "yours" if name in own else "preset", m.system, ", ".join(m.entities), ", ".join(missing)
        )
    console.print(table)
    console.print(f"Your mappings live in {settings.config_dir / 'mappings'}")


@mappings_app.command("init")
def mappings_init(
    preset: str = typer.Argument(..., help="The preset to start from."),
    name: str = typer.Option(None, help="Source name (the landing folder); default: the preset's name."),
) -> None:
    """Write <config>/mappings/NAME.yaml: the preset extended, with the rules it needs to fill in."""
    if preset not in preset_names():
        console.print(f"[red]{preset!r} is not a preset[/]; presets: {', '.join(preset_names())}")
        raise typer.Exit(2)
    settings = load_settings()
    target = settings.config_dir / "mappings" / f"{name or preset}.yaml"
    if target.exists():
        console.print(f"[red]{target} exists already[/]; edit it, or remove it first")
        raise typer.Exit(2)
    needs = load_mapping(PRESETS_DIR / f"{preset}.yaml").needs
    lines = [
        f"# The {preset} preset (lpss mappings list), with this organisation's rules.",
        f"extends: {preset}",
    ]
    if needs:
        lines.append("rules:")
        for rule, what in needs.items():
            lines += [f"  # {what}", f"  {rule}: TODO"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n")
    console.print(
        f"Wrote {target}: fill in its rules, then `lpss check <batch folder> --source {name or preset}`"
    )
