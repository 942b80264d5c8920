"""Reading the vendor's text as the contract's types, and writing values as the contract's text.

Every conversion is one DuckDB SQL expression. How a file writes its dates and numbers comes from
the mapping's file declaration (:class:`Formats`); a value already of the type passes through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lpss_pipeline.contract import Column

TRUE_WORDS = ("true", "yes", "y", "1", "x", "t", "active")
FALSE_WORDS = ("false", "no", "n", "0", "f", "inactive")
_TOKENS = {"YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%m", "DD": "%d", "D": "%d"}
_TOKENS |= {"HH": "%H", "H": "%H", "hh": "%I", "mm": "%M", "ss": "%S", "A": "%p"}
_TOKEN_PATTERN = re.compile("|".join(sorted(_TOKENS, key=len, reverse=True)))


@dataclass(frozen=True)
class Formats:
    """How one vendor file writes dates, timestamps and numbers (ISO and plain numbers by default)."""

    date_formats: tuple[str, ...] = ()
    timestamp_formats: tuple[str, ...] = ()
    excel: bool = False  # an Excel sheet: a number in a date column is a serial day
    decimal: str = "."
    thousands: str = ""


def literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def strptime_format(text: str) -> str:
    """``M/D/YYYY`` style (or a strftime pattern as it is) to a DuckDB strptime pattern."""
    return text if "%" in text else _TOKEN_PATTERN.sub(lambda m: _TOKENS[m.group(0)], text)


def parse_date(v: str, ctx: Formats) -> str:
    formats = [strptime_format(f) for f in ctx.date_formats if f != "excel_serial"]
    parts = [f"TRY_CAST({v} AS DATE)"]
    if formats:
        parts.append(
            f"CAST(try_strptime(CAST({v} AS VARCHAR), [{', '.join(map(literal, formats))}]) AS DATE)"
        )
    if ctx.excel or "excel_serial" in ctx.date_formats:
        parts.append(
            f"CASE WHEN regexp_full_match(CAST({v} AS VARCHAR), '\\d{{4,5}}(\\.0+)?') "
            f"THEN DATE '1899-12-30' + CAST(CAST(CAST({v} AS VARCHAR) AS DOUBLE) AS INTEGER) END"
        )
    return f"coalesce({', '.join(parts)})"


def parse_timestamp(v: str, ctx: Formats) -> str:
    parts = [f"TRY_CAST({v} AS TIMESTAMPTZ)"]
    formats = [strptime_format(f) for f in ctx.timestamp_formats]
    if formats:
        parts.append(
            f"timezone('UTC', try_strptime(CAST({v} AS VARCHAR), [{', '.join(map(literal, formats))}]))"
        )
    return f"coalesce({', '.join(parts)})"


def parse_number(v: str, ctx: Formats) -> str:
    text = f"CAST({v} AS VARCHAR)"
    cleaned = f"replace({text}, {literal(ctx.thousands)}, '')" if ctx.thousands else text
    cleaned = f"regexp_replace({cleaned}, '[^0-9+\\-{re.escape(ctx.decimal)}]', '', 'g')"
    if ctx.decimal != ".":
        cleaned = f"replace({cleaned}, {literal(ctx.decimal)}, '.')"
        return f"TRY_CAST({cleaned} AS DOUBLE)"
    return f"coalesce(TRY_CAST({v} AS DOUBLE), TRY_CAST({cleaned} AS DOUBLE))"


def parse_boolean(v: str) -> str:
    text = f"lower(CAST({v} AS VARCHAR))"
    return (
        f"CASE WHEN {text} IN ({', '.join(map(literal, TRUE_WORDS))}) THEN true "
        f"WHEN {text} IN ({', '.join(map(literal, FALSE_WORDS))}) THEN false END"
    )


def date_rule(formats: tuple[str, ...]) -> str:
    """What a date must look like, as a finding says it."""
    if not formats:
        return "a date (YYYY-MM-DD; other formats go under the file's date_formats)"
    return f"a date ({' or '.join(formats)})"


def convert(v: str, column: Column, ctx: Formats) -> tuple[str, str]:
    """The value of the contract column's type, and what the conversion expects."""
    if column.type in ("date", "month", "quarter"):
        return parse_date(v, ctx), date_rule(ctx.date_formats)
    if column.type == "timestamp":
        return parse_timestamp(v, ctx), f"a timestamp ({' or '.join(ctx.timestamp_formats or ('ISO 8601',))})"
    if column.type in ("integer", "number"):
        return parse_number(v, ctx), "a number"
    if column.type == "boolean":
        return parse_boolean(v), f"yes/no ({', '.join(TRUE_WORDS)} or {', '.join(FALSE_WORDS)})"
    return f"CAST({v} AS VARCHAR)", "text"


def contract_text(v: str, column: Column) -> str:
    """A converted value as the contract's text (ISO dates, UTC timestamps, whole integers)."""
    if column.type in ("date", "month", "quarter"):
        return f"strftime({v}, '%Y-%m-%d')"
    if column.type == "timestamp":
        return f"strftime(timezone('UTC', {v}), '%Y-%m-%dT%H:%M:%S') || '+00:00'"
    if column.type == "integer":
        whole = f"CAST(CAST({v} AS BIGINT) AS VARCHAR)"
        return f"CASE WHEN {v} = round({v}) THEN {whole} ELSE CAST({v} AS VARCHAR) END"
    if column.type == "boolean":
        return f"CASE WHEN {v} THEN 'true' WHEN NOT {v} THEN 'false' END"
    return f"CAST({v} AS VARCHAR)"
