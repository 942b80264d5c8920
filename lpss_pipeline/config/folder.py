"""Where each configuration file is read from: the organisation's folder, else the shipped default."""

from __future__ import annotations

import shutil
from pathlib import Path

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
"""The shipped defaults: what an organisation starts from (``lpss config init`` copies them)."""


def config_path(name: str, config_dir: Path) -> Path:
    """The organisation's ``<name>.csv`` when it has one, else the default."""
    own = config_dir / f"{name}.csv"
    return own if own.is_file() else DEFAULTS_DIR / f"{name}.csv"


KEYED_DEFAULTS = {"lpss_parameters": "parameter", "data_quality_rules": "rule"}
"""Named-value files: a name the organisation's file leaves out keeps its default value (so a
parameter added by an upgrade never breaks an organisation's configuration)."""


def effective_rows(name: str, config_dir: Path) -> tuple[dict[str, str], ...]:
    """A file's validated rows; for the named-value files, completed with the defaults it leaves out."""
    from lpss_pipeline.config.files import read_validated

    path = config_path(name, config_dir)
    rows = read_validated(path)
    key = KEYED_DEFAULTS.get(name)
    if key is None or path.parent == DEFAULTS_DIR:
        return rows
    present = {row[key] for row in rows}
    return rows + tuple(r for r in read_validated(DEFAULTS_DIR / f"{name}.csv") if r[key] not in present)


def effective_paths(config_dir: Path) -> dict[str, Path]:
    """Every configuration file by name, each from where it is read."""
    from lpss_pipeline.config.files import FILES

    return {name: config_path(name, config_dir) for name in FILES}


def write_defaults(config_dir: Path, force: bool = False) -> tuple[list[Path], list[Path]]:
    """Copy the shipped defaults into ``config_dir``: (written, kept); an existing file is kept unless
    ``force``."""
    from lpss_pipeline.config.files import FILES

    config_dir.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for name in FILES:
        target = config_dir / f"{name}.csv"
        if target.exists() and not force:
            kept.append(target)
            continue
        shutil.copyfile(DEFAULTS_DIR / f"{name}.csv", target)
        written.append(target)
    return written, kept
