"""dbt docs a newcomer can read: the layers run one way, every published mart column is described, and
every dbt test says what it checks.

The columns a mart outputs come from the model itself: the project is built with ``dbt run --empty``
(every model, no rows) on a scratch warehouse holding the raw and config tables, and each table of
schema ``marts`` is compared with the columns its YAML lists.
"""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from lpss_pipeline.assets.dbt import check_description
from lpss_pipeline.settings import DBT_PROJECT_DIR
from tests.dbt_runs import build_empty, dbt

PUBLISHED_SCHEMA = "marts"
LAYERS = ["staging", "intermediate", "marts", "readiness_model", "alerting"]
"""dbt's layers in build order, each a Dagster group: a model's folder under models/, or the later group
meta.dagster.group names (dbt_project.yml). A model reads only its own layer and earlier ones; the marts
built from the readiness model's predictions are in layer readiness_model, the alert marts in alerting."""


def _layer(node: dict) -> str:
    return node["meta"].get("dagster", {}).get("group") or node["fqn"][1]


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("dbt-parse")
    dbt(target, "parse", env={"LPSS_WAREHOUSE_PATH": str(target / "unused.duckdb")})
    return json.loads((target / "manifest.json").read_text())


def _models(manifest: dict) -> dict[str, dict]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def _published(manifest: dict) -> dict[str, dict]:
    return {name: n for name, n in _models(manifest).items() if n["schema"] == PUBLISHED_SCHEMA}


def _parents(manifest: dict, node: dict) -> list[dict]:
    nodes = manifest["nodes"]
    return [nodes[p] for p in node["depends_on"]["nodes"] if nodes.get(p, {}).get("resource_type") == "model"]


def test_a_layer_never_reads_a_later_one(manifest):
    backwards = [
        f"{_layer(node)}/{name} reads {_layer(parent)}/{parent['name']}"
        for name, node in _models(manifest).items()
        for parent in _parents(manifest, node)
        if LAYERS.index(_layer(parent)) > LAYERS.index(_layer(node))
    ]
    assert not backwards, "move the model to a later layer: " + "; ".join(sorted(backwards))


def test_intermediate_models_read_only_staging_and_intermediate(manifest):
    """A model combining marts (fct_kpi_observations, int_alerts_raised) lives in the marts folder."""
    for name, node in _models(manifest).items():
        if node["fqn"][1] == "intermediate":
            read = {parent["name"]: parent["fqn"][1] for parent in _parents(manifest, node)}
            assert set(read.values()) <= {"staging", "intermediate"}, f"{name} reads {read}"


def test_every_published_mart_and_column_yaml_lists_is_described(manifest):
    published = _published(manifest)
    assert len(published) >= 19  # tests/test_definitions.py EXPECTED_MARTS
    undescribed = [name for name, node in published.items() if not node["description"].strip()]
    undescribed += [
        f"{name}.{column}"
        for name, node in published.items()
        for column, spec in node["columns"].items()
        if not spec.get("description", "").strip()
    ]
    assert not undescribed, f"describe in the model's YAML: {undescribed}"


PORTABLE_TYPES = re.compile(r"string|bigint|int|double|date|boolean|decimal\(\d+, \d+\)|timestamp(tz)?")
"""Type names DuckDB and Spark read alike (the timestamps' names are chosen by target.type in the YAML)."""


def test_every_published_mart_enforces_a_contract_in_portable_types(manifest):
    published = _published(manifest)
    unenforced = [name for name, node in published.items() if not node["config"]["contract"]["enforced"]]
    assert not unenforced, f"the marts' contract is enforced in dbt_project.yml: {unenforced}"
    untyped = [
        f"{name}.{column}: {spec.get('data_type')}"
        for name, node in published.items()
        for column, spec in node["columns"].items()
        if not PORTABLE_TYPES.fullmatch(spec.get("data_type") or "")
    ]
    assert not untyped, f"give each column a data_type both engines read: {untyped}"


@pytest.fixture(scope="module")
def built_columns(tmp_path_factory) -> dict[str, list[str]]:
    """The columns each table of schema marts has when the project is built on empty inputs."""
    warehouse = build_empty(tmp_path_factory.mktemp("dbt-empty"))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT table_name, list(column_name ORDER BY ordinal_position) FROM information_schema.columns "
            "WHERE table_schema = ? GROUP BY table_name",
            [PUBLISHED_SCHEMA],
        ).fetchall()
    return dict(rows)


def test_the_yaml_lists_every_column_a_published_mart_outputs(manifest, built_columns):
    published = _published(manifest)
    assert set(built_columns) == set(published)
    drift = {}
    for name, columns in built_columns.items():
        listed = list(published[name]["columns"])
        if set(listed) != set(columns):
            drift[name] = {
                "not in the YAML": [c for c in columns if c not in listed],
                "not in the model": [c for c in listed if c not in columns],
            }
    assert not drift, f"the marts' YAML and their SQL disagree: {drift}"


def test_the_published_marts_exposure_names_every_mart(manifest):
    [exposure] = [e for e in manifest["exposures"].values() if e["name"] == "published_marts"]
    named = {node.split(".")[-1] for node in exposure["depends_on"]["nodes"]}
    assert named == set(_published(manifest)), "list every mart in dbt_project/models/marts/_exposures.yml"


def test_every_singular_test_says_what_it_checks(manifest):
    singular = {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and not n.get("test_metadata")
    }
    assert set(singular) == {p.stem for p in (DBT_PROJECT_DIR / "tests").glob("*.sql")}
    assert not [name for name, n in singular.items() if not n["description"].strip()]


def test_generic_tests_are_described_from_their_arguments(manifest):
    def described(name: str) -> str:
        [test] = [n for n in manifest["nodes"].values() if n["name"] == name]
        return check_description(test, test["attached_node"].split(".")[-1])

    assert described("unique_dim_leaders_employee_id") == (
        "unique: employee_id of dim_leaders is unique: no two rows share a value."
    )
    assert described("not_null_fct_leader_scorecards_month") == (
        "not_null: month of fct_leader_scorecards is never null."
    )
    relationships = next(
        n["name"]
        for n in manifest["nodes"].values()
        if n.get("test_metadata", {}).get("name") == "relationships"
        and n.get("attached_node") == "model.lpss.fct_alerts"
        and n.get("column_name") == "rule_id"
    )
    assert (
        described(relationships)
        == "relationships: every rule_id of fct_alerts exists in config.alert_rules.rule_id."
    )


def test_the_docs_site_opens_on_the_lpss_overview(manifest):
    overview = manifest["docs"].get("doc.lpss.__overview__")
    assert overview is not None, "dbt_project/models/overview.md defines {% docs __overview__ %}"
    for named in ("staging", "intermediate", "marts", "readiness_model", "lpss_marts.duckdb"):
        assert named in overview["block_contents"]
