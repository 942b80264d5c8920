"""A source mapping: the YAML that says how a vendor's export files become contract entities.

A mapping is configuration, never code. Shipped presets live in ``mapping/presets/``; an
organisation's own mappings in ``<config>/mappings/<source>.yaml``, where ``extends: <preset>``
takes a preset and the file adds the organisation's rules and overrides (merged key by key).
The file's stem is the source's name and its landing folder: ``landing/<source>/<batch>/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lpss_pipeline.contract import SYSTEMS, entities_of

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
DEFAULT_RULES = Path(__file__).resolve().parent / "defaults.yaml"
FILE_KEYS = {"path", "format", "delimiter", "encoding", "date_formats", "timestamp_formats", "sheet"}
FILE_KEYS |= {"skip_rows", "required", "decimal", "thousands"}
ENTITY_KEYS = {"from", "where", "join", "group_by", "columns", "placeholder"}
TOP_KEYS = {"system", "description", "batch", "files", "rules", "needs", "entities"}
COMPLETION_KINDS = ("manifest", "marker", "dated_file")
CHECK = "mapping"  # the check a mapping's findings are recorded under


class MappingError(Exception):
    """The mapping file itself is wrong: names the file and the key, never a stack trace."""

    def __init__(self, where: str, message: str):
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class VendorFile:
    name: str
    path: str  # glob inside the batch folder
    format: str = "csv"  # csv | excel
    delimiter: str = ","
    encoding: str = "utf-8"
    date_formats: tuple[str, ...] = ()
    timestamp_formats: tuple[str, ...] = ()
    sheet: str | int | None = None
    skip_rows: int = 0
    required: bool = True
    decimal: str = "."
    thousands: str = ","


@dataclass(frozen=True)
class EntityMapping:
    name: str
    source: str  # a vendor file, or an entity mapped before it
    columns: dict[str, Any]
    where: str | None = None
    joins: tuple[dict, ...] = ()
    group_by: tuple[str, ...] = ()
    placeholder: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    source: str
    system: str
    description: str
    path: Path
    completion: dict[str, str]
    files: dict[str, VendorFile]
    entities: dict[str, EntityMapping]  # in mapping order: an entity may read one mapped before
    rules: dict[str, Any]
    needs: dict[str, str]

    def has_rule(self, name: str) -> bool:
        return self.rules.get(name) not in (None, "TODO")  # `lpss mappings init` writes TODO

    def rule(self, name: str, where: str) -> Any:
        if self.has_rule(name):
            return self.rules[name]
        if name in self.needs:
            what = self.needs[name]
            raise MappingError(
                where, f"this mapping needs rule {name!r} ({what}); give it under 'rules:' in {self.path}"
            )
        raise MappingError(where, f"no rule {name!r} under 'rules:' in {self.path}")


WHOLE = ("columns", "rules")
"""Under these keys each entry is replaced whole: an organisation's column or rule is its own."""


def _merge(base: Any, override: Any, whole: bool = False) -> Any:
    """Dictionaries merge key by key (the override wins); anything else is replaced whole."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            if key in base and not whole:
                merged[key] = _merge(base[key], value, whole=key in WHOLE)
            else:
                merged[key] = value
        return merged
    return override


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path.name} line {mark.line + 1}" if mark else path.name
        raise MappingError(where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise MappingError(path.name, "a mapping file is a YAML object (system, files, entities, ...)")
    return data


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.yaml"))


def _raw(path: Path, seen: tuple[str, ...] = ()) -> dict:
    data = _read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if parent in seen or parent not in preset_names():
        raise MappingError(
            f"{path.name}: extends", f"{parent!r} is not a preset; presets are {', '.join(preset_names())}"
        )
    return _merge(_raw(PRESETS_DIR / f"{parent}.yaml", (*seen, parent)), data)


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def _file(name: str, spec: Any, where: str) -> VendorFile:
    if isinstance(spec, str):
        spec = {"path": spec}
    if not isinstance(spec, dict) or "path" not in spec:
        raise MappingError(where, "a file needs at least 'path' (a glob inside the batch folder)")
    unknown = set(spec) - FILE_KEYS
    if unknown:
        raise MappingError(where, f"unknown key(s) {sorted(unknown)}; a file takes {sorted(FILE_KEYS)}")
    fmt = spec.get("format") or ("excel" if str(spec["path"]).endswith((".xlsx", ".xlsm")) else "csv")
    if fmt not in ("csv", "excel"):
        raise MappingError(where, f"format {fmt!r} is not csv or excel")
    return VendorFile(
        name=name,
        path=str(spec["path"]),
        format=fmt,
        delimiter=str(spec.get("delimiter", ",")).replace("\\t", "\t"),
        encoding=str(spec.get("encoding", "utf-8")),
        date_formats=_strings(spec.get("date_formats")),
        timestamp_formats=_strings(spec.get("timestamp_formats")),
        sheet=spec.get("sheet"),
        skip_rows=int(spec.get("skip_rows", 0)),
        required=bool(spec.get("required", True)),
        decimal=str(spec.get("decimal", ".")),
        thousands=str(spec.get("thousands", ",")),
    )


def _entity(system: str, name: str, spec: Any, known: set[str], where: str) -> EntityMapping:
    declared = {e.name: e for e in entities_of(system)}
    if name not in declared:
        raise MappingError(where, f"{name!r} is not a {system} entity; they are {', '.join(declared)}")
    contract = declared[name]
    if isinstance(spec, dict) and spec.get("columns") == "same":  # the file is in the contract's shape
        spec = {**spec, "columns": {c: c for c in contract.column_names}}
    if not isinstance(spec, dict) or not isinstance(spec.get("columns"), dict):
        raise MappingError(where, "an entity needs 'from' (a file or an entity above) and 'columns'")
    unknown = set(spec) - ENTITY_KEYS
    if unknown:
        raise MappingError(where, f"unknown key(s) {sorted(unknown)}; an entity takes {sorted(ENTITY_KEYS)}")
    source = spec.get("from")
    if source not in known:
        raise MappingError(
            f"{where}.from", f"{source!r} is neither a file of this mapping nor an entity above"
        )
    contract = declared[name]
    columns = {k: v for k, v in spec["columns"].items() if v is not None}
    extra = sorted(set(columns) - set(contract.column_names))
    if extra:
        raise MappingError(f"{where}.columns", f"{extra} not in the {system}/{name} contract")
    missing = [c.name for c in contract.columns if not c.nullable and c.name not in columns]
    if missing:
        raise MappingError(f"{where}.columns", f"no expression for required contract column(s) {missing}")
    group_by = _strings(spec.get("group_by"))
    if set(group_by) - set(columns):
        raise MappingError(
            f"{where}.group_by", f"{sorted(set(group_by) - set(columns))} are not mapped columns"
        )
    # YAML 1.1 reads a bare `on:` key as the boolean true
    joins = tuple(
        {("on" if k is True else k): v for k, v in j.items()} if isinstance(j, dict) else j
        for j in spec.get("join") or ()
    )
    for i, join in enumerate(joins):
        if not isinstance(join, dict) or join.get("file") not in known or "on" not in join:
            raise MappingError(f"{where}.join[{i}]", "a join needs 'file' (of this mapping) and 'on' (SQL)")
    return EntityMapping(
        name=name,
        source=source,
        columns=columns,
        where=spec.get("where"),
        joins=joins,
        group_by=group_by,
        placeholder=dict(spec.get("placeholder") or {}),
    )


def load_mapping(path: Path, source: str | None = None) -> Mapping:
    """Read, merge (``extends``) and check a mapping file; raises :class:`MappingError`."""
    path = Path(path)
    data = _raw(path)
    where = path.name
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise MappingError(where, f"unknown key(s) {unknown}; a mapping takes extends and {sorted(TOP_KEYS)}")
    if (source or path.stem) in SYSTEMS:
        raise MappingError(
            where, f"a source cannot be named {source or path.stem!r}: that is a contract system"
        )
    system = data.get("system")
    if system not in SYSTEMS:
        raise MappingError(f"{where}: system", f"must be one of {SYSTEMS}, not {system!r}")
    completion = data.get("batch", {}).get("complete_when", {"marker": "_DONE"})
    if (
        not isinstance(completion, dict)
        or len(completion) != 1
        or next(iter(completion)) not in COMPLETION_KINDS
    ):
        raise MappingError(
            f"{where}: batch.complete_when",
            f"one of {COMPLETION_KINDS} with its file name, e.g. marker: _DONE",
        )
    files_spec = data.get("files")
    if not isinstance(files_spec, dict) or not files_spec:
        raise MappingError(f"{where}: files", "name at least one vendor file")
    files = {n: _file(n, s, f"{where}: files.{n}") for n, s in files_spec.items()}
    entities: dict[str, EntityMapping] = {}
    known = set(files)
    for name, spec in (data.get("entities") or {}).items():
        if spec is None:  # an organisation may drop an entity of its preset
            continue
        entities[name] = _entity(system, name, spec, known, f"{where}: entities.{name}")
        known.add(name)
    if not entities:
        raise MappingError(f"{where}: entities", "map at least one contract entity")
    needs = data.get("needs") or {}
    return Mapping(
        source=source or path.stem,
        system=system,
        description=str(data.get("description", "")).strip(),
        path=path,
        completion={k: str(v) for k, v in completion.items()},
        files=files,
        entities=entities,
        rules={**yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8")), **(data.get("rules") or {})},
        needs={str(k): str(v) for k, v in needs.items()},
    )


def mapping_files(config_dir: Path) -> dict[str, Path]:
    """The organisation's mappings (``<config>/mappings/*.yaml``) by source name."""
    folder = Path(config_dir) / "mappings"
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def active_sources(config_dir: Path, landing_dir: Path) -> dict[str, Path]:
    """The sources lpss maps: each mapping of the organisation, and each preset with a landing folder."""
    found = {n: PRESETS_DIR / f"{n}.yaml" for n in preset_names() if (Path(landing_dir) / n).is_dir()}
    found.update(mapping_files(config_dir))
    return found


def find_mapping(name: str, config_dir: Path) -> Mapping:
    """The organisation's mapping of that name, else the preset; raises :class:`MappingError`."""
    own = mapping_files(config_dir)
    if name in own:
        return load_mapping(own[name])
    if name in preset_names():
        return load_mapping(PRESETS_DIR / f"{name}.yaml")
    known = sorted({*own, *preset_names()})
    raise MappingError(name, f"no mapping of that name; known: {', '.join(known)}")
