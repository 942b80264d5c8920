"""`lpss config`: write the defaults for HR to edit, check an edit, list the versions run with."""

from __future__ import annotations

import typer

from lpss_pipeline.console import console, new_table
from lpss_pipeline.settings import load_settings

from .files import FILES, ConfigError
from .folder import effective_paths, write_defaults
from .validate import validated_configuration
from .versions import file_digests, fingerprint, history

config_app = typer.Typer(
    help="The organisation's configuration folder (LPSS_CONFIG_DIR).", no_args_is_help=True
)


@config_app.command("init")
def init(force: bool = typer.Option(False, "--force", help="Overwrite files that already exist.")) -> None:
    """Write the shipped defaults into the configuration folder, for HR to edit."""
    folder = load_settings().config_dir
    written, kept = write_defaults(folder, force)
    console.print(f"Configuration folder: {folder}")
    for path in written:
        console.print(f"  wrote {path.name}")
    for path in kept:
        console.print(f"  kept  {path.name} (exists; --force overwrites)")
    console.print(
        "Edit the files, then `lpss config check`; the next run records a new configuration version."
    )


@config_app.command("check")
def check() -> None:
    """Validate the configuration folder: every file, and the rules across files. Exit 1 when invalid."""
    settings = load_settings()
    try:
        validated_configuration(settings.config_dir)
    except ConfigError as error:
        console.print(f"[red]The configuration in {settings.config_dir} is not valid:[/]")
        for problem in error.problems:
            console.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    paths = effective_paths(settings.config_dir)
    own = [n for n, p in paths.items() if p.parent == settings.config_dir]
    known = history(settings.config_history_dir)
    current = fingerprint(file_digests(paths))
    console.print(f"[green]The configuration in {settings.config_dir} is valid[/] ({len(FILES)} files).")
    console.print(f"  the organisation's own: {', '.join(own) or 'none (all defaults)'}")
    if known and known[-1].fingerprint == current:
        console.print(f"  configuration version {known[-1].number}, in use since {known[-1].recorded_at}")
    else:
        console.print(
            f"  the next run records it as configuration version {known[-1].number + 1 if known else 1}"
        )


@config_app.command("history")
def show_history() -> None:
    """Every configuration version the pipeline has run with, and what changed in each."""
    settings = load_settings()
    versions = history(settings.config_history_dir)
    if not versions:
        console.print("No configuration version recorded yet: the next run records version 1.")
        return
    table = new_table(
        "Configuration versions", ">version", "recorded at", "changed", "organisation's own files"
    )
    for v in versions:
        table.add_row(
            str(v.number),
            v.recorded_at,
            ", ".join(v.changed_files) or "(first)",
            ", ".join(v.own_files) or "none",
        )
    console.print(table)
    console.print(f"Each version's files: {settings.config_history_dir}/<version>/")
