"""The dbt sources and staging tests are the contract, rendered: they must not drift from it, and
the generic test they use reports what it finds."""

from __future__ import annotations

import json
import os
import subprocess

from lpss_pipeline.assets.dbt import DBT_EXECUTABLE
from lpss_pipeline.contract import ENTITIES
from lpss_pipeline.contract.dbt_yaml import rendered_files
from lpss_pipeline.settings import DBT_PROJECT_DIR


def test_generated_dbt_yaml_is_current():
    stale = [
        str(p.relative_to(DBT_PROJECT_DIR)) for p, text in rendered_files().items() if p.read_text() != text
    ]
    assert not stale, f"regenerate with `python -m lpss_pipeline.contract.dbt_yaml`: {stale}"


def test_every_entity_has_a_staging_model():
    for (system, name), _ in ENTITIES.items():
        assert (DBT_PROJECT_DIR / "models" / "staging" / system / f"stg_{system}__{name}.sql").exists()


def test_columns_valid_names_every_broken_rule_with_its_failing_rows(tmp_path):
    """The one staging test per model (dbt_project/macros/generic_tests.sql) still names its column."""
    rows = "(select * from (values (null, 7, 'x'), (1, 2, 'y'), (2, null, null)) as t(a, b, c))"
    macro = (
        f'{{{{ test_columns_valid(model="{rows}", not_null=["a"], accepted_values={{"c": ["y"]}}, '
        'value_between={"b": {"min_value": 0, "max_value": 5}}) }}'
    )
    shown = subprocess.run(
        [
            DBT_EXECUTABLE,
            "show",
            "--quiet",
            "--inline",
            macro,
            "--output",
            "json",
            "--target-path",
            str(tmp_path),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "LPSS_WAREHOUSE_PATH": str(tmp_path / "scratch.duckdb")},
        capture_output=True,
        text=True,
        check=True,
    )
    broken = {(r["rule"], r["column_name"], r["failing_rows"]) for r in json.loads(shown.stdout)["show"]}
    assert broken == {("not_null", "a", 1), ("accepted_values", "c", 1), ("value_between", "b", 1)}
