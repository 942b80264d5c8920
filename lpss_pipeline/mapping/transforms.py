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

from .conversions import Formats, convert, date_rule, literal, parse_date, parse_number
from .names import display_name, name_key, name_parts
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
NAME_POLICIES = {"unknown": ("refuse", "empty", "placeholder"), "ambiguous": ("refuse", "empty")}


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
    formats: Formats  # how the base file writes dates and numbers
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
    value, rule = convert(expr.value, column, ctx.formats)
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
    own = replace(ctx.formats, date_formats=tuple(spec.get("formats") or ctx.formats.date_formats))
    return Expr(sql, parse_date(sql, own), date_rule(own.date_formats), name)


def _period_of(unit: str):
    def compile_period(spec, column, ctx, where) -> Expr:
        sql, name = _source(spec, f"{unit}_of", ctx, where)
        period = f"CAST(date_trunc('{unit}', {parse_date(sql, ctx.formats)}) AS DATE)"
        return Expr(sql, period, date_rule(ctx.formats.date_formats), name)

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


def _email(spec, column, ctx, where) -> Expr:
    how = spec["email"] if isinstance(spec["email"], dict) else {}
    pattern = how.get("pattern")
    if not pattern:
        raise MappingError(
            where, "email: {pattern: '{First Name}.{Last Name}@example.com'} (or {first}/{last} with name:)"
        )
    parts = name_parts(ctx.column(how["name"], where)) if how.get("name") else {}
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
        inner = sql if key in ("count", "count_distinct") else parse_number(sql, ctx.formats)
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
