"""People's names: as they are shown, as they are matched, and employees found by name.

An export that names managers (or candidates, mentors) by name is matched against the employees
mapped in the same batch, names normalised for case, accents, punctuation, middle initials and
"Last, First" order; a name that matches nobody or several people is a finding with its rows,
and the mapping's policy decides what it does to the batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lpss_pipeline.contract import Column
from lpss_pipeline.ingestion.errors import Finding
from lpss_pipeline.ingestion.staging import SAMPLE_ROWS, quote

from .conversions import contract_text, literal
from .spec import CHECK, EntityMapping, MappingError

if TYPE_CHECKING:
    from .transforms import Expr

# Letters strip_accents keeps as they are, spelled as people type them without the key.
LATIN_LETTERS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "ı": "i", "đ": "d", "þ": "th"}


def first_name_first(text_sql: str) -> str:
    """ "Last, First M" as "First M Last"; a name without a comma as it is."""
    return (
        f"CASE WHEN strpos({text_sql}, ',') > 0 THEN trim(split_part({text_sql}, ',', 2)) || ' ' || "
        f"trim(split_part({text_sql}, ',', 1)) ELSE {text_sql} END"
    )


def name_key(text_sql: str) -> str:
    """A person's name reduced for matching: "Smith, John A." and "john smith" give "john smith"."""
    plain = f"lower({first_name_first(text_sql)})"
    for letter, spelled in LATIN_LETTERS.items():
        plain = f"replace({plain}, '{letter}', '{spelled}')"
    plain = f"regexp_replace(strip_accents({plain}), '[''’`]', '', 'g')"  # O'Brien is obrien
    words = f"string_split(trim(regexp_replace({plain}, '[^a-z0-9]+', ' ', 'g')), ' ')"
    return f"nullif(array_to_string(list_filter({words}, lambda w: length(w) > 1), ' '), '')"


def display_name(text_sql: str) -> str:
    """A name as people read it, first name first, its padding collapsed."""
    return f"nullif(trim(regexp_replace({first_name_first(text_sql)}, '\\s+', ' ', 'g')), '')"


def name_parts(name_sql: str) -> dict[str, str]:
    """{first} and {last} of one name column, "Last, First M" or "First M Last"."""
    comma = f"strpos({name_sql}, ',') > 0"
    return {
        "first": f"CASE WHEN {comma} THEN split_part(trim(split_part({name_sql}, ',', 2)), ' ', 1) "
        f"ELSE split_part(trim({name_sql}), ' ', 1) END",
        "last": f"CASE WHEN {comma} THEN trim(split_part({name_sql}, ',', 1)) "
        f"ELSE regexp_extract(trim({name_sql}), '(\\S+)$', 1) END",
    }


def name_index(con, e: EntityMapping, rows: str, employees: str | None) -> str:
    """Normalised employee name -> ids, from the employees being mapped or mapped before."""
    if e.name == "employees":
        if "full_name" not in e.columns:
            raise MappingError(f"entities.{e.name}", "employee_by_name needs full_name mapped")
        source, name, key = rows, "v__full_name", "v__employee_id"
    elif employees is not None:
        source, name, key = employees, "full_name", "employee_id"
    else:
        raise MappingError(
            f"entities.{e.name}", "employee_by_name needs the employees entity mapped above it"
        )
    index = f"_names_{e.name}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {index} AS SELECT {name_key(f'CAST({name} AS VARCHAR)')} AS key, "
        f"count(DISTINCT {key}) AS n, min({key}) AS id, string_agg(DISTINCT {key}, ', ') AS ids "
        f"FROM {source} WHERE {key} IS NOT NULL GROUP BY 1"
    )
    return index


SHOWN_NAMES = 20  # names reported one by one; the rest are counted in the last finding


def name_findings(con, rows: str, index: str, c: str, x: Expr, label: str, e: EntityMapping) -> list[Finding]:
    """One finding per unknown or ambiguous name, with its rows (the mapping's policy decides
    whether it refuses the batch)."""
    joined = f"{rows} r LEFT JOIN {index} i ON i.key = r.v__{c}"
    findings = []
    for kind, condition, message in (
        ("unknown", f"r.s__{c} IS NOT NULL AND i.key IS NULL", "{v!r} matches no employee of the export"),
        ("ambiguous", "i.n > 1", "{v!r} matches {n} employees ({ids})"),
    ):
        policy = x.by_name[kind]
        names = con.execute(
            f"SELECT any_value(r.s__{c}), count(*), list(r._line ORDER BY r._line)[1:{SAMPLE_ROWS}], "
            f"any_value(i.n), any_value(i.ids), count(*) OVER () FROM {joined} WHERE {condition} "
            f"GROUP BY r.v__{c} ORDER BY min(r._line) LIMIT {SHOWN_NAMES}"
        ).fetchall()
        for example, count, lines, n, ids, total in names:
            more = (
                f"; {total - SHOWN_NAMES} more names like it"
                if total > SHOWN_NAMES and example == names[-1][0]
                else ""
            )
            findings.append(
                Finding(
                    label,
                    message.format(v=example, n=n, ids=ids)
                    + f" (rule for {e.name}.{c}: employee_by_name, {kind}: {policy}{more})",
                    column=x.column,
                    rows=tuple(lines),
                    affected=count,
                    check=CHECK,
                    blocking=policy == "refuse",
                )
            )
    return findings


def placeholders(e: EntityMapping, contract_cols: tuple[Column, ...], c: str, index: str, rows: str) -> str:
    """Employees for manager names the export does not contain: named, marked, placed by their reports."""
    unknown = f"{rows} r LEFT JOIN {index} i ON i.key = r.v__{c}"
    values = []
    for col in contract_cols:
        override = e.placeholder.get(col.name)
        if override is not None:
            values.append(f"{literal(str(override))} AS {quote(col.name)}")
        elif col.name == "employee_id":
            values.append(f"'placeholder-' || substr(md5(r.v__{c}), 1, 10) AS employee_id")
        elif col.name == "full_name":
            values.append(f"{display_name(f'min(r.s__{c})')} AS full_name")
        elif col.name == "job_title":
            values.append("'(not in the export)' AS job_title")
        elif col.name == "leadership_level":  # one level above the most senior of their reports
            values.append(
                "CAST(least(max(TRY_CAST(r.v__leadership_level AS INTEGER)) + 1, 4) AS VARCHAR) "
                "AS leadership_level"
            )
        elif col.name == "email":
            values.append(f"replace(r.v__{c}, ' ', '.') || '@placeholder.invalid' AS email")
        elif col.name in (c, "termination_date", "slack_user_id"):
            values.append(f"NULL AS {quote(col.name)}")
        elif col.type in ("date", "month", "quarter"):
            values.append(f"strftime(min(r.v__{col.name}), '%Y-%m-%d') AS {quote(col.name)}")
        elif col.name in e.columns:
            values.append(f"{contract_text(f'mode(r.v__{col.name})', col)} AS {quote(col.name)}")
        else:
            values.append(f"NULL AS {quote(col.name)}")
    return (
        f"SELECT min(r._line) AS _row, min(r._file) AS _file, 'placeholder' AS _lines, {', '.join(values)} "
        f"FROM {unknown} WHERE r.s__{c} IS NOT NULL AND i.key IS NULL GROUP BY r.v__{c}"
    )
