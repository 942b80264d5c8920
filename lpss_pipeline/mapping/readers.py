"""Reading a vendor's files as written: CSV with its delimiter and encoding, or an Excel sheet.

Every value is read as text, trimmed, with empty strings as NULL; header names lose a byte-order
mark and their padding. Each row keeps ``_line``, its line in the file (the header is line 1),
so that every finding and every loaded row points back at the vendor's own file.
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from lpss_pipeline.ingestion.errors import Finding
from lpss_pipeline.ingestion.staging import quote, read_numbered

from .spec import VendorFile

BOM = "\ufeff"


@dataclass(frozen=True)
class ReadFile:
    spec: VendorFile
    path: Path
    label: str  # <source>/<batch>/<file name>, as findings and lineage name it
    table: str
    columns: tuple[str, ...]
    rows: int


def matching_files(folder: Path, spec: VendorFile) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        # never through a symbolic link (the landing zone is read as plain files only)
        if p.is_file()
        and not p.is_symlink()
        and fnmatch.fnmatch(p.name, spec.path)
        and not p.name.startswith(("~$", "."))
    )


def _clean(name: object) -> str:
    return str(name).replace(BOM, "").strip()


def _read_excel(con: duckdb.DuckDBPyConnection, spec: VendorFile, path: Path, table: str) -> list[str]:
    import pandas as pd  # Excel only: CSV never needs pandas

    sheet = 0 if spec.sheet is None else spec.sheet
    frame = pd.read_excel(path, sheet_name=sheet, dtype=object, skiprows=spec.skip_rows, engine="openpyxl")
    header = [_clean(c) for c in frame.columns]
    frame.columns = [f"c{i}" for i in range(len(header))]
    frame = frame.astype("string")  # every cell as text, blanks as NA; a date cell as "2026-01-12 00:00:00"
    frame.insert(0, "_line", range(spec.skip_rows + 2, spec.skip_rows + 2 + len(frame)))
    con.register("_excel_frame", frame)
    try:
        midnight = "'^(\\d{4}-\\d{2}-\\d{2}) 00:00:00$', '\\1'"  # a date cell is the date alone
        cols = ", ".join(
            f"nullif(regexp_replace(trim(c{i}), {midnight}), '') AS {quote(h)}" for i, h in enumerate(header)
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT _line, {cols} FROM _excel_frame")
    finally:
        con.unregister("_excel_frame")
    return header


def _utf8(spec: VendorFile, path: Path, scratch: Path) -> Path:
    """The file itself when it is UTF-8, else a UTF-8 copy in ``scratch`` (DuckDB reads UTF-8)."""
    if codecs.lookup(spec.encoding).name in ("utf-8", "utf-8-sig"):
        return path
    target = scratch / f"{path.name}.utf8"
    with path.open(encoding=spec.encoding, newline="") as source, target.open("w", encoding="utf-8") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    return target


def _read_csv(
    con: duckdb.DuckDBPyConnection, spec: VendorFile, path: Path, table: str, scratch: Path
) -> list[str]:
    path = _utf8(spec, path, scratch)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for _ in range(spec.skip_rows):
            handle.readline()
        header = [_clean(h) for h in next(csv.reader(handle, delimiter=spec.delimiter), [])]
    if not header:
        return []
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    options = (
        f"header=true, auto_detect=false, columns={columns}, delim={_literal(spec.delimiter)}, "
        f"quote='\"', escape='\"', skip={spec.skip_rows}, null_padding=true, strict_mode=false"
    )
    cols = ", ".join(f"nullif(trim(c{i}), '') AS {quote(h)}" for i, h in enumerate(header))
    # The header is line 1 after the rows skipped: the first data row is the line after it.
    read_numbered(
        con, table, f"SELECT * FROM read_csv(?, {options})", [str(path)], "_line", spec.skip_rows + 2, cols
    )
    return header


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_vendor_file(
    con: duckdb.DuckDBPyConnection, spec: VendorFile, path: Path, label: str, table: str, scratch: Path
) -> tuple[ReadFile | None, list[Finding]]:
    """Load one vendor file into temp table ``table``; a file that cannot be read is a finding."""
    try:
        if spec.format == "excel":
            header = _read_excel(con, spec, path, table)
        else:
            header = _read_csv(con, spec, path, table, scratch)
    except (duckdb.Error, ValueError, KeyError, OSError, LookupError, UnicodeError) as exc:
        reason = str(exc).splitlines()[0]
        return None, [Finding(label, f"cannot be read as {spec.format.upper()} ({spec.encoding}): {reason}")]
    if not header or not any(header):
        return None, [Finding(label, "file is empty: no header row", rows=(0,), check="mapping")]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        return None, [
            Finding(
                label, "column appears more than once in the header", column=d, rows=(0,), check="mapping"
            )
            for d in dupes
        ]
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return ReadFile(spec, path, label, table, tuple(header), rows), []
