"""Reading one export file into a text staging table and checking it against the contract.

Every value is staged as text first, so that a value of the wrong type becomes a finding that
names its row and column instead of a parser error somewhere in the middle of the file. All
checks are set-based DuckDB SQL: one scan per file, whatever its size.
"""

from __future__ import annotations

import csv
import io
import re

import duckdb

from lpss_pipeline.contract import Column, Entity

from .errors import Finding
from .landing import EntityFile

SAMPLE_ROWS = 5
LINEAGE_COLUMNS = ("_vendor_file", "_vendor_lines")
"""Optional columns of a mapped batch's files: the vendor file and line(s) each row came from."""
_BOM = b"\xef\xbb\xbf"

# A value of each contract type, as text, must match the pattern and cast to the warehouse type.
_PATTERNS = {
    "integer": r"[+-]?\d+",
    "number": r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?",
    "boolean": r"(?i)true|false",
    "date": r"\d{4}-\d{2}-\d{2}",
    "month": r"\d{4}-\d{2}-01",
    "quarter": r"\d{4}-(01|04|07|10)-01",
    "timestamp": r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)",
}
_EXPECTED = {
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "date": "an ISO date YYYY-MM-DD",
    "month": "the first day of a month, YYYY-MM-01",
    "quarter": "the first day of a quarter, YYYY-01|04|07|10-01",
    "timestamp": "an ISO 8601 timestamp with offset",
}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_numbered(
    con: duckdb.DuckDBPyConnection,
    table: str,
    read_sql: str,
    params: list,
    number: str,
    first: int,
    select="*",
) -> None:
    """Temp table ``table``: ``read_sql``'s rows (``select`` of them) in file order, numbered ``number``
    from ``first``. Insertion order is file order, and a temp table's rowids are consecutive from an
    offset, so the number is the row's place in the file whatever DuckDB's parallel scan does."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_read AS {read_sql}", params)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT rowid - (SELECT min(rowid) FROM {table}_read) "
        f"+ {first} AS {number}, {select} FROM {table}_read"
    )
    con.execute(f"DROP TABLE {table}_read")


def _csv_header(file: EntityFile, label: str) -> tuple[list[str], list[Finding]]:
    with file.path.open("rb") as handle:
        first = handle.readline()
    if not first.strip():
        return [], [Finding(label, "file is empty: no header row")]
    if first.startswith(_BOM):
        return [], [
            Finding(
                label,
                "file starts with a byte-order mark; the contract asks for UTF-8 without BOM",
                rows=(0,),
            )
        ]
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [Finding(label, f"header is not UTF-8 ({exc.reason} at byte {exc.start})")]
    return next(csv.reader(io.StringIO(text))), []


def _parquet_header(con: duckdb.DuckDBPyConnection, file: EntityFile, label: str) -> tuple[list[str], list]:
    try:
        rows = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(file.path)]).fetchall()
    except duckdb.Error as exc:
        return [], [Finding(label, f"not a readable Parquet file: {exc}")]
    return [r[0] for r in rows], []


def _header_findings(entity: Entity, header: list[str], label: str) -> list[Finding]:
    declared = list(entity.column_names)
    if len(header) == 1 and len(declared) > 1:
        guess = next((d for d in (";", "\t", "|") if d in header[0]), None)
        seen = f"looks delimited by {guess!r}" if guess else "has a single column"
        return [Finding(label, f"header {seen}; the contract asks for comma-separated values", rows=(0,))]
    findings = [
        Finding(label, "column is missing from the header", column=c) for c in declared if c not in header
    ]
    findings += [
        Finding(label, f"column is not in the {entity.system}/{entity.name} contract", column=c)
        for c in header
        if c not in declared and c not in LINEAGE_COLUMNS
    ]
    findings += [
        Finding(label, "column appears more than once in the header", column=c)
        for c in sorted({c for c in header if header.count(c) > 1})
    ]
    return findings


def _parse_finding(exc: duckdb.Error, file: EntityFile, label: str) -> Finding:
    """DuckDB's CSV error, reduced to the row and the reason (its advice is about DuckDB, not the export)."""
    text = str(exc)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    detail = [ln for ln in text.split("Possible fixes")[0].splitlines()[1:] if ln.strip()]
    reason = next((ln for ln in detail if not ln.startswith("Original Line")), text.splitlines()[0]).strip()
    if line:
        row = int(line.group(1)) - 1
        return Finding(
            label, f"not valid {file.format.upper()} (line {row + 1}): {reason}", rows=(row,), affected=1
        )
    return Finding(label, f"cannot be read as {file.format.upper()}: {text.splitlines()[0]}")


def stage_file(
    con: duckdb.DuckDBPyConnection, entity: Entity, file: EntityFile, label: str, table: str
) -> list[Finding]:
    """Create temp table ``table`` with every contract column as text plus ``_row``; return findings."""
    if file.format == "csv":
        header, findings = _csv_header(file, label)
    else:
        header, findings = _parquet_header(con, file, label)
    findings = findings or _header_findings(entity, header, label)
    if findings:
        return findings
    cols = ", ".join(
        f"CAST({quote(c) if c in header else 'NULL'} AS VARCHAR) AS {quote(c)}"
        for c in (*entity.column_names, *LINEAGE_COLUMNS)
    )
    if file.format == "csv":
        names = "{" + ", ".join(f"'{h}': 'VARCHAR'" for h in header) + "}"
        source = (
            f"read_csv(?, header=true, auto_detect=false, columns={names}, delim=',', quote='\"', "
            f"escape='\"', strict_mode=true, null_padding=false, encoding='utf-8')"
        )
    else:
        source = "read_parquet(?)"
    try:
        read_numbered(con, table, f"SELECT {cols} FROM {source}", [str(file.path)], "_row", 1)
    except duckdb.Error as exc:
        return [_parse_finding(exc, file, label)]
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if rows != file.rows:
        return [Finding(label, f"has {rows} data rows but the manifest says {file.rows}")]
    if rows == 0 and entity.kind == "snapshot":
        return [Finding(label, "snapshot has no rows; an empty snapshot would erase the current state")]
    return []


def _bad_value_sql(c: Column) -> str:
    """SQL predicate: the staged text of column ``c`` breaks its type or nullability."""
    v = quote(c.name)
    missing = f"({v} IS NULL OR trim({v}) = '')"
    if c.type == "string":
        return "false" if c.nullable else missing
    bad_type = (
        f"NOT (regexp_full_match(trim({v}), '{_PATTERNS[c.type]}') "
        f"AND TRY_CAST(trim({v}) AS {c.duckdb_type}) IS NOT NULL"
        + (f" AND isfinite(TRY_CAST(trim({v}) AS DOUBLE))" if c.type == "number" else "")
        + ")"
    )
    return f"(NOT {missing} AND {bad_type})" if c.nullable else f"({missing} OR {bad_type})"


def value_findings(con: duckdb.DuckDBPyConnection, entity: Entity, table: str, label: str) -> list[Finding]:
    """Type, required-value and duplicate-key findings for a staged file (one scan for all columns)."""
    checked = [c for c in entity.columns if _bad_value_sql(c) != "false"]
    findings: list[Finding] = []
    if checked:
        aggregates = ", ".join(
            f"count(*) FILTER (WHERE {_bad_value_sql(c)}), "
            f"list(_row ORDER BY _row) FILTER (WHERE {_bad_value_sql(c)})[1:{SAMPLE_ROWS}], "
            f"list({quote(c.name)} ORDER BY _row) FILTER (WHERE {_bad_value_sql(c)})[1:1]"
            for c in checked
        )
        result = con.execute(f"SELECT {aggregates} FROM {table}").fetchone()
        for i, c in enumerate(checked):
            count, rows, sample = result[3 * i : 3 * i + 3]
            if not count:
                continue
            value = sample[0] if sample else None
            if value is None or not str(value).strip():
                message = "value is required but empty"
            else:
                message = f"{value!r} is not {_EXPECTED[c.type]}"
            findings.append(Finding(label, message, column=c.name, rows=tuple(rows), affected=count))
    key = ", ".join(quote(k) for k in entity.key)
    dupes = con.execute(
        f"SELECT {key}, list(_row ORDER BY _row), count(*) OVER () FROM {table} "
        f"GROUP BY {key} HAVING count(*) > 1 ORDER BY min(_row) LIMIT 1"
    ).fetchone()
    if dupes:
        values = ", ".join(f"{k}={v!r}" for k, v in zip(entity.key, dupes, strict=False))
        rows = dupes[len(entity.key)]
        findings.append(
            Finding(
                label,
                f"duplicate key ({values}); {dupes[-1]} key value(s) repeat",
                column=", ".join(entity.key),
                rows=tuple(rows[:SAMPLE_ROWS]),
                affected=len(rows),
            )
        )
    return findings
