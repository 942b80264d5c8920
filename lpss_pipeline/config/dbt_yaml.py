"""The dbt source of the configuration tables, rendered from the file specs in ``files.py``.

Regenerate with ``python -m lpss_pipeline.config.dbt_yaml``; a test fails while it is stale.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from lpss_pipeline.config.files import FILES, columns_of
from lpss_pipeline.settings import DBT_PROJECT_DIR

SOURCES_FILE = DBT_PROJECT_DIR / "models" / "staging" / "config" / "_config__sources.yml"
HEADER = "# Generated from lpss_pipeline/config/files.py by `python -m lpss_pipeline.config.dbt_yaml`.\n"


def sources_yaml() -> str:
    body = {
        "version": 2,
        "sources": [
            {
                "name": "config",
                "schema": "config",
                "description": "The organisation's configuration (LPSS_CONFIG_DIR, else the shipped "
                "defaults), validated and written by the configuration asset before every build.",
                "tables": [
                    {
                        "name": name,
                        "description": spec.description,
                        "meta": {"dagster": {"asset_key": ["config", name]}},
                        "columns": [{"name": c.name, "data_type": c.sql_type} for c in columns_of(name)],
                    }
                    for name, spec in FILES.items()
                ]
                + [
                    {
                        "name": "computed_inputs",
                        "description": "Which export entities each metric, KPI and alert rule is computed "
                        "from (lpss_pipeline/config/inputs.py). Grain: kind x id x entity.",
                        "meta": {"dagster": {"asset_key": ["config", "computed_inputs"]}},
                        "columns": [
                            {"name": c, "data_type": "VARCHAR"} for c in ("kind", "id", "system", "entity")
                        ],
                    }
                ],
            }
        ],
    }
    return HEADER + yaml.safe_dump(body, sort_keys=False, width=110)


def rendered_files() -> dict[Path, str]:
    return {SOURCES_FILE: sources_yaml()}


if __name__ == "__main__":
    SOURCES_FILE.parent.mkdir(parents=True, exist_ok=True)
    SOURCES_FILE.write_text(sources_yaml())
    print(f"wrote {SOURCES_FILE.relative_to(DBT_PROJECT_DIR.parent)}")
