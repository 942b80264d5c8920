"""When two e-mails are the same e-mail: the one definition lpss compares them by.

Two e-mails are the same when their keys are equal: Unicode compatibility forms folded (NFKC: a
fullwidth ``ａ`` is ``a``), case folded (``STRASSE`` and ``Straße`` are ``strasse``), surrounding
whitespace dropped. DuckDB has no NFKC or case folding, so the loader writes the key beside each
e-mail column the contract marks (``Column.email_key``) as ``_<column>_normalized``, computed by
:func:`email_key` through a DuckDB function it registers (:func:`register`); the uniqueness check,
the CRM owner match, the data warnings and dbt staging all compare that stored key, never a
``lower(trim(...))`` of their own.
"""

from __future__ import annotations

import unicodedata

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

SQL_FUNCTION = "lpss_email_key"
"""The DuckDB function :func:`register` adds to a connection: ``lpss_email_key(varchar) -> varchar``."""


def email_key(text: str) -> str:
    """The form in which e-mails are compared: NFKC-normalised, case-folded, stripped."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def normalized_column(name: str) -> str:
    """The raw column holding the key of e-mail column ``name``."""
    return f"_{name}_normalized"


PLAIN = r"^[\x20-\x7e]*$"
"""Printable ASCII: NFKC leaves it alone, casefold is lower case and strip removes only spaces, so
its key is computed vectorised; only the other values go through :func:`email_key` one by one."""


def _email_keys(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    plain = pc.fill_null(pc.match_substring_regex(values, PLAIN), True)
    keys = pc.utf8_trim(pc.ascii_lower(values), characters=" ")
    if pc.all(plain).as_py():
        return keys
    others = pa.array(
        [None if v is None else email_key(v) for v in pc.filter(values, pc.invert(plain)).to_pylist()],
        type=pa.string(),
    )
    return pc.replace_with_mask(keys, pc.invert(plain), others)


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``lpss_email_key`` (:func:`email_key`, null for null) callable in SQL on ``con``; once per
    connection, however often it is called."""
    [(exists,)] = con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE function_name = ?", [SQL_FUNCTION]
    ).fetchall()
    if not exists:
        con.create_function(SQL_FUNCTION, _email_keys, ["VARCHAR"], "VARCHAR", type="arrow")
