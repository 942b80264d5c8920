"""Mapping one vendor batch to contract entities, set-wise in DuckDB, with every error at once.

Per entity, two statements: the row stage computes each column's vendor text (``s__``) and
converted value (``v__``) for every vendor row; the output stage resolves names, aggregates
(``group_by``) and writes the contract's text, keeping each row's vendor file and line(s).
A row whose source is present but whose value is not broke its rule: one query per entity
finds them all, and the contract's own checks then run on the output, still by vendor line.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from lpss_pipeline.contract import entity
from lpss_pipeline.ingestion.errors import Finding
from lpss_pipeline.ingestion.staging import SAMPLE_ROWS, quote, value_findings
from lpss_pipeline.settings import duckdb_config

from .conversions import Formats, contract_text, convert, literal
from .names import name_findings, name_index, placeholders
from .readers import ReadFile, matching_files, read_vendor_file
from .spec import CHECK, EntityMapping, Mapping, MappingError
from .transforms import INLINE, Context, Expr, compile_spec

LOOKUPS_DIR = Path(__file__).resolve().parent / "lookups"
LINEAGE = ("_line", "_row", "_file", "_lines")  # what the engine adds beside a table's columns


@dataclass(frozen=True)
class MappedEntity:
    name: str
    table: str  # temp table: _row (vendor line), _file, _lines, then the contract columns as text
    label: str  # the vendor file it mostly comes from
    rows: int
    sources: dict[str, str | None]  # contract column -> the vendor column it reads, when one


@dataclass
class MappedBatch:
    mapping: Mapping
    folder: Path
    files: list[ReadFile] = field(default_factory=list)
    entities: dict[str, MappedEntity] = field(default_factory=dict)
    file_findings: list[Finding] = field(default_factory=list)  # files missing or unreadable
    entity_findings: dict[str, list[Finding]] = field(default_factory=dict)
    unused: dict[str, list[str]] = field(default_factory=dict)  # vendor file label -> columns

    @property
    def findings(self) -> list[Finding]:
        """Every finding, one per broken value: a vendor column read by several contract columns
        (a hire date that is also the level's start) is reported once, naming each rule."""
        return self.file_findings + merge_rules([f for found in self.entity_findings.values() for f in found])

    @property
    def refused(self) -> bool:
        return any(f.blocking for f in self.findings)


RULE_FOR = re.compile(r"^(?P<head>.*) \(rule for (?P<rule>[^)]*)\)$")


def merge_rules(findings: list[Finding]) -> list[Finding]:
    merged: dict[tuple, tuple[Finding, list[str]]] = {}
    for f in findings:
        match = RULE_FOR.match(f.message)
        head, rule = (match["head"], match["rule"]) if match else (f.message, None)
        key = (f.file, f.column, f.rows, f.affected, f.blocking, head if match else f.message)
        if key in merged and rule:
            merged[key][1].append(rule)
        else:
            merged.setdefault(key, (f, [rule] if rule else []))
    out = []
    for (_, _, _, _, _, head), (f, rules) in merged.items():
        message = f"{head} (rule for {', '.join(rules)})" if rules else f.message
        out.append(Finding(f.file, message, f.column, f.rows, f.affected, f.check, f.blocking))
    return out


def _load_lookups(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Region lookups shipped as CSV (code or name -> region), one temp table each."""
    tables = {}
    for path in sorted(LOOKUPS_DIR.glob("*.csv")):
        table = f"_lookup_{path.stem}"
        with path.open(encoding="utf-8") as handle:
            rows = [(r["code"].strip().lower(), r["region"]) for r in csv.DictReader(handle)]
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (code VARCHAR, region VARCHAR)")
        con.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)
        tables[path.stem] = table
    return tables


def _read_files(con, mapping: Mapping, folder: Path, scratch: Path, out: MappedBatch) -> dict[str, str]:
    """Each vendor file spec's rows in temp table ``_vf_<name>`` (several matching files unioned)."""
    tables = {}
    prefix = f"{mapping.source}/{folder.name}"
    for name, spec in mapping.files.items():
        paths = matching_files(folder, spec)
        if not paths:
            if spec.required:
                out.file_findings.append(
                    Finding(
                        f"{prefix}/{spec.path}", f"no file matches {spec.path!r} (files.{name})", check=CHECK
                    )
                )
            continue
        parts = []
        for i, path in enumerate(paths):
            read, findings = read_vendor_file(
                con, spec, path, f"{prefix}/{path.name}", f"_vf_{name}_{i}", scratch
            )
            out.file_findings += [_as_mapping(f) for f in findings]
            if read:
                out.files.append(read)
                parts.append(read)
        if not parts:
            continue
        union = " UNION ALL BY NAME ".join(
            f"SELECT {literal(p.label)} AS _file, * FROM {p.table}" for p in parts
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE _vf_{name} AS {union}")
        tables[name] = f"_vf_{name}"
    return tables


def _as_mapping(f: Finding) -> Finding:
    return Finding(f.file, f.message, f.column, f.rows, f.affected, CHECK, f.blocking)


def _columns(con, table: str) -> tuple[str, ...]:
    rows = con.execute(f"DESCRIBE {table}").fetchall()
    return tuple(r[0] for r in rows if r[0] not in LINEAGE)


def _rule_findings(
    con, rows: str, compiled: dict[str, Expr], label: str, e: EntityMapping
) -> dict[str, Finding]:
    """Rows where a vendor value is present but its rule gave nothing: one scan for every column."""
    checked = [(c, x) for c, x in compiled.items() if x.aggregate != INLINE and x.by_name is None]
    if not checked:
        return {}
    failed = {c: f"(s__{c} IS NOT NULL AND v__{c} IS NULL)" for c, _ in checked}
    aggregates = ", ".join(
        f"count(*) FILTER (WHERE {failed[c]}), "
        f"list(_line ORDER BY _line) FILTER (WHERE {failed[c]})[1:{SAMPLE_ROWS}], "
        f"any_value(s__{c}) FILTER (WHERE {failed[c]})"
        for c, _ in checked
    )
    result = con.execute(f"SELECT {aggregates} FROM {rows}").fetchone()
    findings = {}
    for i, (c, x) in enumerate(checked):
        count, lines, example = result[3 * i : 3 * i + 3]
        if count:
            findings[c] = Finding(
                label,
                f"{example!r} is not {x.rule} (rule for {e.name}.{c})",
                column=x.column or c,
                rows=tuple(lines),
                affected=count,
                check=CHECK,
            )
    return findings


def _map_entity(
    con, mapping: Mapping, e: EntityMapping, vendor: dict[str, str], lookups: dict, out: MappedBatch
) -> list[tuple[str, str]]:
    contract = entity(mapping.system, e.name)
    where = f"{mapping.path.name}: entities.{e.name}"
    if e.source not in out.entities:  # an entity mapped above wins over a file of the same name
        base_table, line, aliases = vendor[e.source], "_line", {e.source: _columns(con, vendor[e.source])}
        spec = mapping.files[e.source]
        label = next((f.label for f in out.files if f.spec.name == e.source), e.source)
    else:
        source = out.entities[e.source]
        base_table, line, aliases = source.table, "_row", {e.source: _columns(con, source.table)}
        spec, label = None, source.label
    joins, absent = [], set()
    for j in e.joins:
        if j["file"] not in vendor:  # an optional file not delivered: its columns are empty
            absent.add(j["file"])
            continue
        aliases[j["file"]] = _columns(con, vendor[j["file"]])
        how = "INNER" if j.get("how") == "inner" else "LEFT"
        joins.append(f"{how} JOIN {vendor[j['file']]} AS {quote(j['file'])} ON {j['on']}")
    ctx = Context(
        mapping=mapping,
        entity=e,
        aliases=aliases,
        formats=Formats(
            spec.date_formats, spec.timestamp_formats, spec.format == "excel", spec.decimal, spec.thousands
        )
        if spec
        else Formats(),  # an entity mapped above: ISO dates, plain numbers
        lookups=lookups,
        missing=[],
        used=set(),
        absent=absent,
    )
    for text in [e.where or "", *(j["on"] for j in e.joins if j["file"] not in absent)]:
        ctx.note_sql(text)
    compiled = {
        c.name: compile_spec(e.columns[c.name], c, ctx, f"{where}.columns.{c.name}")
        for c in contract.columns
        if c.name in e.columns
    }
    found = out.entity_findings.setdefault(e.name, [])
    if ctx.missing:
        for alias, name, at in dict.fromkeys(ctx.missing):
            found.append(
                Finding(
                    label if alias == e.source else alias,
                    f"column is not in the file ({at} reads it)",
                    column=name,
                    rows=(0,),
                    check=CHECK,
                )
            )
        return sorted(ctx.used)
    row_cols = [
        f"{x.source} AS s__{c}, {x.value} AS v__{c}" for c, x in compiled.items() if x.aggregate != INLINE
    ]
    base = quote(e.source)
    keep = f", {base}.*" if e.group_by else ""
    filters = f" WHERE {e.where}" if e.where else ""
    rows = f"_rows_{e.name}"
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {rows} AS SELECT {base}.{line} AS _line, {base}._file AS _file, "
            f"{', '.join(row_cols) or 'NULL AS _none'}{keep} "
            f"FROM {base_table} AS {base} {' '.join(joins)}{filters}"
        )
    except duckdb.Error as exc:
        raise MappingError(where, f"the SQL of this entity fails: {str(exc).splitlines()[0]}") from None
    broken = _rule_findings(con, rows, compiled, label, e)
    found += broken.values()
    names = {c: x for c, x in compiled.items() if x.by_name is not None}
    employees = out.entities["employees"].table if "employees" in out.entities else None
    indexes = {c: name_index(con, e, rows, employees) for c in names}
    for c, x in names.items():
        found += name_findings(con, rows, indexes[c], c, x, label, e)
    table = f"_out_{e.name}"
    select = _output_sql(contract.columns, compiled, e, rows, indexes)
    for c, x in names.items():
        if x.by_name["unknown"] == "placeholder":
            select = f"{select} UNION ALL BY NAME {placeholders(e, contract.columns, c, indexes[c], rows)}"
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {select}")
    except duckdb.Error as exc:
        raise MappingError(where, f"the SQL of this entity fails: {str(exc).splitlines()[0]}") from None
    count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    sources = {c: x.column for c, x in compiled.items()}
    out.entities[e.name] = MappedEntity(e.name, table, label, count, sources)
    # A value its rule could not convert is empty in the output: the rule's finding says it already.
    found += [
        _named(f, sources, e.name)
        for f in value_findings(con, contract, table, label)
        if not (f.column in broken and f.message.startswith("value is required"))
    ]
    return sorted(ctx.used)


def _output_sql(cols, compiled: dict[str, Expr], e: EntityMapping, rows: str, indexes: dict[str, str]) -> str:
    values = []
    for col in cols:
        x = compiled.get(col.name)
        if x is None:
            value = "NULL"
        elif x.by_name is not None:
            unknown = x.by_name["unknown"] == "placeholder"
            fallback = f"'placeholder-' || substr(md5(r.v__{col.name}), 1, 10)" if unknown else "NULL"
            i = f"i_{col.name}"
            value = (
                f"CASE WHEN {i}.n = 1 THEN {i}.id "
                f"WHEN {i}.key IS NULL AND r.v__{col.name} IS NOT NULL THEN {fallback} END"
            )
        elif x.aggregate == INLINE:
            value = contract_text(convert(x.value, col, Formats())[0], col)
        elif x.aggregate:
            value = contract_text(x.aggregate.format(input=f"r.v__{col.name}"), col)
        elif e.group_by and col.name not in e.group_by:  # one value per group, e.g. a map of its key
            value = contract_text(f"any_value(r.v__{col.name})", col)
        else:
            value = contract_text(f"r.v__{col.name}", col)
        values.append(f"{value} AS {quote(col.name)}")
    joins = " ".join(f"LEFT JOIN {idx} AS i_{c} ON i_{c}.key = r.v__{c}" for c, idx in indexes.items())
    if e.group_by:
        keys = ", ".join(f"r.v__{c}" for c in e.group_by)
        lineage = (
            "min(r._line) AS _row, min(r._file) AS _file, "
            "string_agg(CAST(r._line AS VARCHAR), ',' ORDER BY r._line) AS _lines"
        )
        return f"SELECT {lineage}, {', '.join(values)} FROM {rows} AS r GROUP BY {keys}"
    lineage = "r._line AS _row, r._file AS _file, CAST(r._line AS VARCHAR) AS _lines"
    return f"SELECT {lineage}, {', '.join(values)} FROM {rows} AS r {joins}"


def _named(f: Finding, sources: dict[str, str | None], entity_name: str) -> Finding:
    """A contract finding on mapped rows, told in the vendor's terms: its column and the rule."""
    contract_col = f.column or ""
    vendor = sources.get(contract_col)
    message = f"{f.message} (mapped to {entity_name}.{contract_col})" if contract_col else f.message
    return Finding(f.file, message, vendor or contract_col or None, f.rows, f.affected, f.check, f.blocking)


def scratch_connection(scratch: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for mapping, within lpss's memory budget, spilling into ``scratch``."""
    con = duckdb.connect(config=duckdb_config())
    con.execute("SET temp_directory = ?", [str(scratch)])
    return con


def map_batch(con: duckdb.DuckDBPyConnection, mapping: Mapping, folder: Path, scratch: Path) -> MappedBatch:
    """Map the vendor files in ``folder``; every finding of the batch is collected, none raised."""
    out = MappedBatch(mapping, Path(folder))
    con.execute("SET TimeZone = 'UTC'")
    vendor = _read_files(con, mapping, Path(folder), scratch, out)
    lookups = _load_lookups(con)
    used: set[tuple[str, str]] = set()
    above: set[str] = set()  # the entities before the one being mapped
    for e in mapping.entities.values():
        ready = e.source in out.entities if e.source in above else e.source in vendor
        above.add(e.name)
        if ready:  # otherwise its file, or the entity it reads, failed: their findings say why
            used.update(_map_entity(con, mapping, e, vendor, lookups, out))
    for f in out.files:
        columns = [c for c in f.columns if (f.spec.name, c) not in used]
        if columns:
            out.unused[f.label] = columns
    return out
