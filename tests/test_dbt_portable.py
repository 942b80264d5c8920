"""The dbt project runs on DuckDB and on Spark (issue 20): no model, test or shared macro uses SQL only
DuckDB knows. Engine-specific SQL lives in dispatched macros (``adapter.dispatch(name, 'lpss')``): a
``duckdb__`` implementation may use DuckDB's dialect, everything else must be SQL both engines run.

The scan reads the SQL text (no dbt run): Jinja blocks and comments are blanked first, so a construct
handed to a macro as an argument string is the macro's business, and prose may name any construct.
"""

from __future__ import annotations

import re
from pathlib import Path

from lpss_pipeline.settings import DBT_PROJECT_DIR

DUCKDB_ONLY = {
    "ASOF join (dated_spans / a window)": r"\basof\s+(left\s+|inner\s+)?join\b",
    "to_months()/to_hours()... (dbt.dateadd)": r"\bto_(years|months|weeks|days|hours|minutes|seconds)\s*\(",
    "format() (|| and printf)": r"(?<![\w.])format\s*\(",
    "strftime() (format_datetime)": r"\bstrftime\s*\(",
    "strptime() (parse_timestamp)": r"\bstrptime\s*\(",
    "timezone() (utc_date)": r"\btimezone\s*\(",
    "list literal": r"(?<![\w\])])\[\s*['\w]",
    "list function": r"\b(list|array)_(append|contains|value|concat|extract|aggr?|slice|sort|distinct)\s*\(",
    "generate_series()/range() (series)": r"\b(generate_series|range)\s*\(",
    "unnest() (series)": r"\bunnest\s*\(",
    "* exclude / * replace (* except, or name the columns)": r"\*\s*(exclude|replace)\s*\(",
    "quoted datediff unit (dbt.datediff, month_diff)": r"\bdate_?diff\s*\(\s*'",
    "hash() (hash_number)": r"(?<![\w.])hash\s*\(",
    "arg_max()/arg_min() (max_by/min_by)": r"\barg_(max|min)\s*\(",
    ":: cast (cast(... as ...))": r"::\s*\w",
    "anti/semi join (not exists / exists)": r"\b(anti|semi)\s+join\b",
    "count(distinct) over (a window)": r"\bcount\s*\(\s*distinct\b[^()]*\)\s*over\b",
    "// integer division": r"//",
    "string_agg() (dbt.listagg)": r"\bstring_agg\s*\(",
    "epoch()": r"\bepoch(_ms|_us|_ns)?\s*\(",
    "DuckDB-style unpivot (unpivot (... for ... in ...))": r"\bunpivot\b(?!\s*(\(|include\b|exclude\b))",
    "struct function": r"\bstruct_(pack|extract|insert)\s*\(",
    "regexp_matches()/regexp_full_match() (rlike)": r"\bregexp_(matches|full_match)\s*\(",
    "cast as varchar (dbt.type_string)": r"\bas\s+varchar\b(?!\s*\()",
    "window frame bound from a column (a constant, or a dispatched macro)": (
        r"\b(rows|range)\s+between\s+(?!unbounded\b|current\b|\d+\s+(preceding|following)\b)"
    ),
}

_MACRO = re.compile(r"{%-?\s*macro\s+(\w+).*?{%-?\s*endmacro\s*-?%}", re.S)
_JINJA = re.compile(r"{#.*?#}|{{.*?}}|{%.*?%}", re.S)
_SQL_COMMENT = re.compile(r"--[^\n]*")


def _blank(match: re.Match) -> str:
    """The matched text as spaces, its newlines kept: line numbers stay right."""
    return re.sub(r"[^\n]", " ", match.group(0))


def sql_text(text: str) -> str:
    """What the scan reads: duckdb__ macro bodies, Jinja and comments blanked."""
    text = _MACRO.sub(lambda m: _blank(m) if m.group(1).startswith("duckdb__") else m.group(0), text)
    return _SQL_COMMENT.sub(_blank, _JINJA.sub(_blank, text))


def duckdb_only_constructs(path: Path, root: Path) -> list[str]:
    """'file:line: construct' for every DuckDB-only construct of a file."""
    found = []
    for number, line in enumerate(sql_text(path.read_text()).splitlines(), start=1):
        for construct, pattern in DUCKDB_ONLY.items():
            if re.search(pattern, line, re.I):
                found.append(f"{path.relative_to(root)}:{number}: {construct}")
    return found


def sql_files(project: Path) -> list[Path]:
    folders = ("models", "tests", "macros", "snapshots")
    return sorted(path for folder in folders for path in (project / folder).rglob("*.sql"))


def test_the_project_uses_no_duckdb_only_sql():
    files = sql_files(DBT_PROJECT_DIR)
    models = [p for p in files if p.parts[len(DBT_PROJECT_DIR.parts)] == "models"]
    assert len(models) >= 50 and any(p.parent.name == "macros" for p in files)  # the scan reads the project
    found = [hit for path in files for hit in duckdb_only_constructs(path, DBT_PROJECT_DIR)]
    assert not found, "DuckDB-only SQL outside a duckdb__ macro:\n" + "\n".join(found)


def test_the_scan_finds_a_planted_construct_and_spares_duckdb_macros(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "macros").mkdir()
    (tmp_path / "models" / "m.sql").write_text(
        "-- strftime() named in prose is fine\n"
        "select {{ x }}, * exclude (a)\n"
        "from t asof join u on t.k = u.k\n"
    )
    (tmp_path / "macros" / "m.sql").write_text(
        "{% macro duckdb__f(x) %}strftime({{ x }}, '%Y'){% endmacro %}\n"
        "{% macro spark__f(x) %}hash({{ x }}){% endmacro %}\n"
    )
    found = [hit for path in sql_files(tmp_path) for hit in duckdb_only_constructs(path, tmp_path)]
    assert found == [
        "macros/m.sql:2: hash() (hash_number)",
        "models/m.sql:2: * exclude / * replace (* except, or name the columns)",
        "models/m.sql:3: ASOF join (dated_spans / a window)",
    ]
