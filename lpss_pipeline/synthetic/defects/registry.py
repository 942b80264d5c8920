"""The defect catalogue and how a defect is applied to a batch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .csv_batch import (
    BATCH_LEVEL,
    Apply,
    DefectNotApplicable,
    _manifest,
    _stale_batch_id,
)


@dataclass(frozen=True)
class Defect:
    name: str
    system: str  # "hris" or "crm": the batch it breaks
    entity: str  # the entity whose file is broken, or "*" / "_manifest" for the whole batch
    column: str | None  # the column at fault, if any
    stage: str  # "ingest" (refused by the structural checks) or "checks" (loads, fails a DQ check)
    description: str
    apply: Apply = field(repr=False, compare=False)  # (batch_dir, landing_dir) -> None, in place

    @property
    def batch_level(self) -> bool:
        return self.entity in BATCH_LEVEL


DEFECTS: dict[str, Defect] = {}


def inject_defect(batch_dir: Path, name: str, landing_dir: Path | None = None) -> Defect:
    """Apply defect ``name`` to the complete batch in ``batch_dir`` (in place) and return it.

    ``landing_dir`` (default: ``batch_dir``'s grandparent) is read by the batch-level defects only.
    ``stale_batch`` moves the folder: see :func:`batch_dir_after`.
    """
    defect = _defect(name)
    batch_dir = Path(batch_dir)
    system = _manifest(batch_dir).get("system")
    if not defect.batch_level and system != defect.system:
        raise DefectNotApplicable(f"{name} breaks a {defect.system} batch; {batch_dir} is {system}")
    defect.apply(batch_dir, _landing(batch_dir, landing_dir))
    return defect


def batch_dir_after(batch_dir: Path, name: str, landing_dir: Path | None = None) -> Path:
    """The folder the batch will be in after injecting ``name``; call it before injecting.

    The same folder for every defect except ``stale_batch``, which renames it (in its parent) to one
    day before the oldest other batch of its system in the landing zone.
    """
    _defect(name)
    batch_dir = Path(batch_dir)
    if name != "stale_batch":
        return batch_dir
    if not batch_dir.is_dir():
        raise FileNotFoundError(f"{batch_dir} does not exist: call batch_dir_after before inject_defect")
    return batch_dir.parent / _stale_batch_id(batch_dir, _landing(batch_dir, landing_dir))


def _defect(name: str) -> Defect:
    try:
        return DEFECTS[name]
    except KeyError:
        raise KeyError(f"unknown defect {name!r}; known: {', '.join(DEFECTS)}") from None


def _landing(batch_dir: Path, landing_dir: Path | None) -> Path:
    return Path(landing_dir) if landing_dir is not None else Path(batch_dir).parent.parent


def _register(
    name: str, system: str, entity_name: str, column: str | None, stage: str, description: str
) -> Callable[[Apply], Apply]:
    def register(apply: Apply) -> Apply:
        DEFECTS[name] = Defect(name, system, entity_name, column, stage, description, apply)
        return apply

    return register
