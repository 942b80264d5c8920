"""The dbt side of the export contract, rendered from the one declaration in this package.

dbt reads YAML, so the sources (with ``meta.dagster.asset_key`` for lineage) and the staging
models' column tests are generated from the contract rather than written twice. Regenerate with
``python -m lpss_pipeline.contract.dbt_yaml`` after changing the contract; a test fails while
the files in ``dbt_project/models/staging/`` are stale.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from lpss_pipeline.contract import SYSTEMS, Column, Entity, entities_of
from lpss_pipeline.contract.emails import normalized_column
from lpss_pipeline.settings import DBT_PROJECT_DIR

HEADER = (
    "# Generated from lpss_pipeline/contract by `python -m lpss_pipeline.contract.dbt_yaml`; do not edit.\n"
)
STAGING_DIR = DBT_PROJECT_DIR / "models" / "staging"


def _email_key_doc(c: Column) -> str:
    return f"{c.name} as e-mails compare (NFKC, case-folded, trimmed), written by the loader"


def _source_table(e: Entity) -> dict:
    lpss: dict = {"kind": e.kind, "key": list(e.key)}
    if e.email_columns:  # the stage macro exposes _<column>_normalized as <column>_normalized
        lpss["normalized"] = [c.name for c in e.email_columns]
    return {
        "name": e.name,
        "identifier": e.raw_table,
        "description": f"{e.description} Append-only raw rows of every loaded batch ({e.kind}).",
        "meta": {"dagster": {"asset_key": e.asset_key}, "lpss": lpss},
        "columns": [
            {"name": c.name, "description": c.description, "data_type": c.duckdb_type} for c in e.columns
        ]
        + [
            {"name": normalized_column(c.name), "description": _email_key_doc(c), "data_type": "VARCHAR"}
            for c in e.email_columns
        ],
    }


def sources_yaml(system: str) -> str:
    body = {
        "version": 2,
        "sources": [
            {
                "name": system,
                "schema": "raw",
                "description": f"{system.upper()} export batches loaded by lpss ingestion "
                f"(LPSS_HOME/landing/{system}).",
                "tables": [_source_table(e) for e in entities_of(system)],
            }
        ],
    }
    return HEADER + yaml.safe_dump(body, sort_keys=False, width=110)


def _column_rules(e: Entity, model_name: str) -> dict:
    """The contract's single-column rules as one ``columns_valid`` test (a scan of the view, not
    one per column: the same rules already passed in GX on every loaded batch)."""
    rules: dict = {
        "not_null": [c.name for c in e.columns if not c.nullable],
        "accepted_values": {c.name: list(c.allowed) for c in e.columns if c.allowed},
        "value_between": {
            c.name: {k: v for k, v in (("min_value", c.min), ("max_value", c.max)) if v is not None}
            for c in e.columns
            if c.min is not None or c.max is not None
        },
    }
    arguments = {k: v for k, v in rules.items() if v}
    return {"columns_valid": {"name": f"columns_valid_{model_name}", "arguments": arguments}}


def _column_tests(e: Entity, c: Column) -> list:
    tests: list = []
    if e.key == (c.name,):
        tests.append("unique")
    if c.references and c.references.system == e.system:
        ref = f"stg_{e.system}__{c.references.entity}"
        tests.append(
            {
                "relationships": {
                    "arguments": {"to": f"ref('{ref}')", "field": c.references.column},
                    "config": {"severity": "warn"},
                }
            }
        )
    return tests


def _staging_model(e: Entity) -> dict:
    model: dict = {
        "name": f"stg_{e.system}__{e.name}",
        "description": f"{e.description} One row per {', '.join(e.key)}: "
        + (
            "the latest loaded batch's full state."
            if e.kind == "snapshot"
            else "the row of the latest batch."
        ),
        "columns": [],
    }
    model["data_tests"] = [_column_rules(e, model["name"])]
    if len(e.key) > 1:
        model["data_tests"].append({"unique_combination": {"arguments": {"columns": list(e.key)}}})
    for c in e.columns:
        column = {"name": c.name, "description": c.description}
        tests = _column_tests(e, c)
        if tests:
            column["data_tests"] = tests
        model["columns"].append(column)
    for c in e.email_columns:
        model["columns"].append({"name": f"{c.name}_normalized", "description": _email_key_doc(c)})
    return model


def staging_models_yaml(system: str) -> str:
    body = {"version": 2, "models": [_staging_model(e) for e in entities_of(system)]}
    return HEADER + yaml.safe_dump(body, sort_keys=False, width=110)


def rendered_files() -> dict[Path, str]:
    files = {}
    for system in SYSTEMS:
        files[STAGING_DIR / system / f"_{system}__sources.yml"] = sources_yaml(system)
        files[STAGING_DIR / system / f"_{system}__models.yml"] = staging_models_yaml(system)
    return files


def main() -> None:
    for path, text in rendered_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path.relative_to(DBT_PROJECT_DIR.parent)}")


if __name__ == "__main__":
    main()
