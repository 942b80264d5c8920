"""The dbt sources and staging tests are the contract, rendered: they must not drift from it."""

from __future__ import annotations

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
