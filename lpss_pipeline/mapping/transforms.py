"""The built-in transformations of a mapping, each compiled to one DuckDB SQL expression.

A column's spec compiles to an :class:`Expr`: ``source``, the vendor's value as text before
conversion, and ``value``, the converted value of the contract column's type. Wherever a source
is present and its value is not, the rule failed on that row: the engine turns that into a
finding naming the vendor file, line, column and rule, set-wise for the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from lpss_pipeline.contract import Column
from lpss_pipeline.ingestion.staging import quote

from .spec import EntityMapping, Mapping, MappingError

AGGREGATES = {
    "mean": "avg",
    "sum": "sum",
    "count": "count",
    "count_distinct": "count",
    "min": "min",
    "max": "max",
}
INLINE = "inline"
TRUE_WORDS = ("true", "yes", "y", "1", "x", "t", "active")
FALSE_WORDS = ("false", "no", "n", "0", "f", "inactive")
_TOKENS = {"YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%m", "DD": "%d", "D": "%d"}
_TOKENS |= {"HH": "%H", "H": "%H", "hh": "%I", "mm": "%M", "ss": "%S", "A": "%p"}
_TOKEN_PATTERN = re.compile("|".join(sorted(_TOKENS, key=len, reverse=True)))
# Letters strip_accents keeps as they are, spelled as people type them without the key.
LATIN_LETTERS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "ı": "i", "đ": "d", "þ": "th"}
NAME_POLICIES = {"unknown": ("refuse", "empty", "placeholder"), "ambiguous": ("refuse", "empty")}


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


@dataclass(frozen=True)
class Expr:
    source: str  # the vendor's value before conversion (text), NULL where the vendor gave nothing
    value: str  # the converted value
    rule: str  # what the conversion expects, for findings
    column: str | None = None  # the vendor column it reads, when one
    aggregate: str | None = None  # "avg({input})" over the row values, or INLINE: the value aggregates
    by_name: dict | None = None  # employee_by_name's policies: resolved after the rows are mapped


@dataclass
class Context:
    """What a spec may read: the entity's files (alias -> columns) and the mapping's rules."""

    mapping: Mapping
    entity: EntityMapping
    aliases: dict[str, tuple[str, ...]]  # base alias first
    date_formats: tuple[str, ...]
    timestamp_formats: tuple[str, ...]
    excel: bool
    decimal: str
    thousands: str
    lookups: dict[str, str]  # lookup name -> temp table
    missing: list[tuple[str, str, str]]  # (alias, vendor column, where): reported as findings
    used: set[tuple[str, str]]
    absent: set[str]  # optional joined files this batch does not have

    @property
    def base(self) -> str:
        return next(iter(self.aliases))

    def column(self, name: str, where: str, alias: str | None = None) -> str:
        if alias in self.absent:
            return "CAST(NULL AS VARCHAR)"
        for candidate in [alias] if alias else self.aliases:
            if name in self.aliases.get(candidate, ()):
                self.used.add((candidate, name))
                return f"{quote(candidate)}.{quote(name)}"
        self.missing.append((alias or self.base, name, where))
        return "CAST(NULL AS VARCHAR)"

    def note_sql(self, sql: str) -> None:
        """Vendor columns named inside a SQL expression count as used."""
        for alias, columns in self.aliases.items():
            self.used.update(
                (alias, c) for c in columns if quote(c) in sql or re.search(rf"\b{re.escape(c)}\b", sql)
            )


def parse_date(v: str, ctx: Context) -> str:
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


def parse_timestamp(v: str, ctx: Context) -> str:
    parts = [f"TRY_CAST({v} AS TIMESTAMPTZ)"]
    formats = [strptime_format(f) for f in ctx.timestamp_formats]
    if formats:
        parts.append(
            f"timezone('UTC', try_strptime(CAST({v} AS VARCHAR), [{', '.join(map(literal, formats))}]))"
        )
    return f"coalesce({', '.join(parts)})"


def parse_number(v: str, ctx: Context) -> str:
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


def convert(v: str, column: Column, ctx: Context) -> tuple[str, str]:
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


def _one_key(spec: dict, where: str) -> str:
    keys = [k for k in spec if k in COMPILERS or k in AGGREGATES]
    if len(keys) != 1:
        raise MappingError(
            where, f"say one of {sorted([*COMPILERS, *AGGREGATES])} (a vendor column alone needs no key)"
        )
    return keys[0]


def compile_spec(spec: Any, column: Column, ctx: Context, where: str) -> Expr:
    """Compile one column's spec; the value is already of the column's type."""
    if isinstance(spec, str):
        spec = {"column": spec}
    elif not isinstance(spec, dict):
        spec = {"value": spec}
    key = _one_key(spec, where)
    if key in AGGREGATES:
        return _aggregate(key, spec, column, ctx, where)
    expr = COMPILERS[key](spec, column, ctx, where)
    if expr.by_name is not None or key == "rule":
        return expr
    value, rule = convert(expr.value, column, ctx)
    return replace(expr, value=value, rule=expr.rule or rule)


def _source(spec: dict, key: str, ctx: Context, where: str) -> tuple[str, str]:
    name = spec[key]
    if not isinstance(name, str):
        raise MappingError(where, f"{key}: name one vendor column")
    return ctx.column(name, where, spec.get("file")), name


def _column(spec, column, ctx, where) -> Expr:
    sql, name = _source(spec, "column", ctx, where)
    return Expr(sql, sql, "", name)


def _value(spec, column, ctx, where) -> Expr:
    return Expr(literal(spec["value"]), literal(spec["value"]), "")


def _sql(spec, column, ctx, where) -> Expr:
    ctx.note_sql(str(spec["sql"]))
    sql = f"({spec['sql']})"
    grouped = bool(ctx.entity.group_by) and column.name not in ctx.entity.group_by
    return Expr(f"CAST({sql} AS VARCHAR)", sql, "", None, aggregate=INLINE if grouped else None)


def _map(spec, column, ctx, where) -> Expr:
    sql, name = _source(spec, "map", ctx, where)
    values = spec.get("values")
    if isinstance(values, str):
        values = ctx.mapping.rule(values, where)
    if not isinstance(values, dict) or not values:
        raise MappingError(where, "map: needs 'values', vendor value -> contract value (or a rule's name)")
    key = f"lower({sql})"
    cases = " ".join(f"WHEN {literal(str(k).strip().lower())} THEN {literal(v)}" for k, v in values.items())
    default = f" ELSE {literal(spec['default'])}" if "default" in spec else ""
    shown = ", ".join(list(map(str, values))[:6]) + (", ..." if len(values) > 6 else "")
    return Expr(sql, f"CASE {key} {cases}{default} END", f"one of the mapped values ({shown})", name)


def _date(spec, column, ctx, where) -> Expr:
    sql, name = _source(spec, "date", ctx, where)
    local = replace(ctx, date_formats=tuple(spec.get("formats") or ctx.date_formats))
    return Expr(sql, parse_date(sql, local), date_rule(local.date_formats), name)


def _period_of(unit: str):
    def compile_period(spec, column, ctx, where) -> Expr:
        sql, name = _source(spec, f"{unit}_of", ctx, where)
        period = f"CAST(date_trunc('{unit}', {parse_date(sql, ctx)}) AS DATE)"
        return Expr(sql, period, date_rule(ctx.date_formats), name)

    return compile_period


def _name(spec, column, ctx, where) -> Expr:
    parts = spec["name"]
    if isinstance(parts, str):
        sql = ctx.column(parts, where)
        return Expr(sql, display_name(sql), "a name", parts)
    if not isinstance(parts, dict) or not {"first", "last"} <= set(parts):
        raise MappingError(
            where, "name: a vendor column ('Last, First' or 'First Last'), or first/last/middle"
        )
    cols = [ctx.column(parts[p], where) for p in ("first", "middle", "last") if parts.get(p)]
    joined = f"nullif(concat_ws(' ', {', '.join(cols)}), '')"
    return Expr(joined, display_name(joined), "a name", parts["last"])


def _name_parts(name_sql: str) -> dict[str, str]:
    """{first} and {last} of one name column, "Last, First M" or "First M Last"."""
    comma = f"strpos({name_sql}, ',') > 0"
    return {
        "first": f"CASE WHEN {comma} THEN split_part(trim(split_part({name_sql}, ',', 2)), ' ', 1) "
        f"ELSE split_part(trim({name_sql}), ' ', 1) END",
        "last": f"CASE WHEN {comma} THEN trim(split_part({name_sql}, ',', 1)) "
        f"ELSE regexp_extract(trim({name_sql}), '(\\S+)$', 1) END",
    }


def _email(spec, column, ctx, where) -> Expr:
    how = spec["email"] if isinstance(spec["email"], dict) else {}
    pattern = how.get("pattern")
    if not pattern:
        raise MappingError(
            where, "email: {pattern: '{First Name}.{Last Name}@example.com'} (or {first}/{last} with name:)"
        )
    parts = _name_parts(ctx.column(how["name"], where)) if how.get("name") else {}
    pieces, values = [], []
    for text, field in re.findall(r"([^{]*)(?:\{([^}]*)\})?", pattern):
        if text:
            pieces.append(literal(text.lower()))
        if field:
            value = parts.get(field) or ctx.column(field, where)
            values.append(value)
            pieces.append(f"regexp_replace(lower(strip_accents({value})), '[^a-z0-9]', '', 'g')")
    present = " AND ".join(f"nullif({v}, '') IS NOT NULL" for v in values) or "true"
    return Expr(
        f"CASE WHEN {present} THEN 'x' END", f"CASE WHEN {present} THEN concat({', '.join(pieces)}) END", ""
    )


def _id(spec, column, ctx, where) -> Expr:
    how = spec["id"]
    if not isinstance(how, dict) or not how.get("hash"):
        raise MappingError(where, "id: {hash: [vendor columns], prefix: 'E'}: a stable id from those values")
    cols = [ctx.column(c, where) for c in ([how["hash"]] if isinstance(how["hash"], str) else how["hash"])]
    digest = f"substr(md5(concat_ws('|', {', '.join(f'coalesce({c}, chr(0))' for c in cols)})), 1, 12)"
    return Expr("'x'", f"{literal(how.get('prefix', ''))} || {digest}", "")


def _level_from_title(spec, column, ctx, where) -> Expr:
    sql, name = _source(spec, "level_from_title", ctx, where)
    levels = spec.get("levels")
    if isinstance(levels, str):
        levels = ctx.mapping.rule(levels, where)
    if not isinstance(levels, list) or not all(
        isinstance(r, dict) and {"match", "level"} <= set(r) for r in levels
    ):
        raise MappingError(
            where, "level_from_title: needs 'levels', an ordered list of {match: regex, level: n}"
        )
    cases = " ".join(
        f"WHEN regexp_matches({sql}, {literal(r['match'])}, 'i') THEN {int(r['level'])}" for r in levels
    )
    default = f" ELSE {int(spec['default'])}" if "default" in spec else ""
    return Expr(sql, f"CASE {cases}{default} END", "a title that one of the level rules matches", name)


def _region_from(spec, column, ctx, where) -> Expr:
    sql, name = _source(spec, "region_from", ctx, where)
    lookup = spec.get("lookup", "countries")
    if lookup not in ctx.lookups:
        raise MappingError(where, f"region_from: lookup is one of {sorted(ctx.lookups)}")
    overrides = spec.get("values") or {}
    override = " ".join(f"WHEN {literal(str(k).lower())} THEN {literal(v)}" for k, v in overrides.items())
    found = f"(SELECT region FROM {ctx.lookups[lookup]} WHERE code = lower({sql}))"
    value = f"CASE lower({sql}) {override} ELSE {found} END" if override else found
    return Expr(sql, value, f"a place in the {lookup} lookup (or under 'values')", name)


def _percent_from_words(spec, column, ctx, where) -> Expr:
    sql, name = _source(spec, "percent_from_words", ctx, where)
    scale = spec.get("scale", "performance_words")
    if isinstance(scale, str):
        scale = ctx.mapping.rule(scale, where)
    bare = f"regexp_replace(lower({sql}), '^[0-9.]+\\s*[-:.)]?\\s*|\\s*expectations?$', '', 'g')"
    words = f"trim(regexp_replace({bare}, '\\s+', ' ', 'g'))"
    cases = " ".join(f"WHEN {literal(str(k).lower())} THEN {float(v)}" for k, v in scale.items())
    value = f"coalesce(TRY_CAST({sql} AS DOUBLE), CASE {words} {cases} END)"
    return Expr(sql, value, f"a rating word of the scale ({', '.join(list(scale)[:6])}, ...)", name)


def _coalesce(spec, column, ctx, where) -> Expr:
    parts = [compile_spec(s, column, ctx, f"{where}.coalesce[{i}]") for i, s in enumerate(spec["coalesce"])]
    return Expr(
        f"coalesce({', '.join(f'CAST({p.source} AS VARCHAR)' for p in parts)})",
        f"coalesce({', '.join(p.value for p in parts)})",
        " or ".join(dict.fromkeys(p.rule for p in parts)),
        parts[0].column,
    )


def _rule(spec, column, ctx, where) -> Expr:
    return compile_spec(ctx.mapping.rule(spec["rule"], where), column, ctx, f"{where} (rule {spec['rule']})")


def _employee_by_name(spec, column, ctx, where) -> Expr:
    sql, name = _source(spec, "employee_by_name", ctx, where)
    policy = {k: spec.get(k, "refuse") for k in NAME_POLICIES}
    for k, allowed in NAME_POLICIES.items():
        if policy[k] not in allowed:
            raise MappingError(where, f"employee_by_name: {k} is one of {allowed}")
    if ctx.entity.group_by:
        raise MappingError(where, "employee_by_name cannot be used in an aggregated entity")
    if policy["unknown"] == "placeholder" and ctx.entity.name != "employees":
        raise MappingError(
            where, "unknown: placeholder adds employees, so only the employees entity can use it"
        )
    return Expr(sql, name_key(sql), "the name of exactly one employee of the export", name, by_name=policy)


def _aggregate(key: str, spec: dict, column: Column, ctx: Context, where: str) -> Expr:
    if not ctx.entity.group_by or column.name in ctx.entity.group_by:
        raise MappingError(where, f"{key}: aggregates need 'group_by' on the entity, and not on this column")
    target = spec[key]
    if key == "count" and target == "*":
        inner = "1"
        source, name, rule = "NULL", None, ""
    else:
        sql, name = _source(spec, key, ctx, where)
        inner = sql if key in ("count", "count_distinct") else parse_number(sql, ctx)
        source, rule = sql, "a number"
    if spec.get("where"):  # rows left out are neither counted nor checked
        ctx.note_sql(str(spec["where"]))
        inner = f"CASE WHEN {spec['where']} THEN {inner} END"
        source = f"CASE WHEN {spec['where']} THEN {source} END"
    distinct = "DISTINCT " if key == "count_distinct" else ""
    agg = f"{AGGREGATES[key]}({distinct}{{input}})"
    if key in ("sum", "count", "count_distinct"):
        agg = f"coalesce({agg}, 0)"
    return Expr(source, inner, rule, name, aggregate=agg)


COMPILERS = {
    "column": _column,
    "value": _value,
    "sql": _sql,
    "map": _map,
    "date": _date,
    "month_of": _period_of("month"),
    "quarter_of": _period_of("quarter"),
    "name": _name,
    "email": _email,
    "id": _id,
    "level_from_title": _level_from_title,
    "region_from": _region_from,
    "percent_from_words": _percent_from_words,
    "coalesce": _coalesce,
    "rule": _rule,
    "employee_by_name": _employee_by_name,
}
