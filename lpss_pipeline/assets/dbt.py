"""dbt models, snapshots and tests as Dagster assets and asset checks.

dagster-dbt builds the asset graph from dbt's manifest, so the manifest must exist before the
definitions import; it is (re)parsed here when missing or older than any project file.

On the spark target (``LPSS_DBT_TARGET``) a dbt step first brings the lake up to date with the
warehouse, then builds on Spark, then copies what it built back into the warehouse (lpss_pipeline/lake/).
Its snapshots are then taken on DuckDB, over the copied tables: dbt-spark snapshots need ``merge``,
which plain Parquet tables lack. So the asset graph and the history are the same on both targets.
"""

import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from lpss_pipeline.assets.ingest import WAREHOUSE_POOL
from lpss_pipeline.lake.metastore import forget_other_home
from lpss_pipeline.lake.spark_output import built_relations, copy_tables, create_views
from lpss_pipeline.lake.sync import sync_lake
from lpss_pipeline.resources import WarehouseResource
from lpss_pipeline.settings import DBT_PROJECT_DIR, dbt_target

DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "snapshots", "macros", "tests")

INVOCATIONS_DIR = DBT_PROJECT_DIR / "target"
"""Where dagster-dbt puts each invocation's folder and seeds its partial parse from
(``target/partial_parse.msgpack``), whichever the dbt target (after a switch, dbt parses once anew)."""
TARGET_PATHS = {"duckdb": Path("target"), "spark": Path("target") / "spark"}
"""Where each dbt target's manifest is parsed: the asset graph's metadata names the adapter."""

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=TARGET_PATHS[dbt_target()]
)


def _newest_project_file() -> float:
    newest = 0.0
    for name in PROJECT_FILES:
        path = DBT_PROJECT_DIR / name
        paths = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        newest = max([newest, *(p.stat().st_mtime for p in paths)])
    return newest


def _stale(manifest: Path) -> bool:
    return not manifest.exists() or manifest.stat().st_mtime < _newest_project_file()


def ensure_manifest() -> Path:
    """Run ``dbt parse`` when the manifest is missing or stale; return its path.

    Several processes import the definitions at once (test workers, the webserver and its code
    server), so parsing is serialised by a lock and the new manifest is moved into place whole:
    no process ever reads a half-written manifest.
    """
    manifest = dbt_project.manifest_path
    if not _stale(manifest):
        return manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with (manifest.parent / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _stale(manifest):  # another process may have parsed while this one waited
            with tempfile.TemporaryDirectory(dir=manifest.parent, prefix=".parse-") as scratch:
                subprocess.run(
                    [
                        DBT_EXECUTABLE,
                        "parse",
                        "--quiet",
                        "--project-dir",
                        str(DBT_PROJECT_DIR),
                        "--profiles-dir",
                        str(DBT_PROJECT_DIR),
                        "--target-path",
                        scratch,
                    ],
                    check=True,
                    cwd=DBT_PROJECT_DIR,
                    # An empty LPSS_* variable means "unset" to lpss, but dbt's env_var() would read
                    # it as the value: LPSS_WAREHOUSE_PATH="" made the profile invalid.
                    env={k: v for k, v in os.environ.items() if v or not k.startswith("LPSS_")},
                )
                os.replace(Path(scratch) / "manifest.json", manifest)
    return manifest


KEEP_INVOCATIONS = 5  # target/<step>-<run>-<id> folders kept per dbt step (compiled SQL, logs)


def keep_partial_parse(invocation_target: Path, step: str) -> None:
    """Make this invocation's parse the one the next invocation starts from, and prune old ones.

    dagster-dbt gives every invocation its own target folder and seeds it with
    ``target/partial_parse.msgpack``. Without this, that file was never refreshed: every dbt step
    re-parsed the whole project (6.7 s instead of 3.6 s). Old invocation folders (10 MB each)
    would otherwise pile up with every scheduled run.
    """
    parsed = Path(invocation_target) / "partial_parse.msgpack"
    target = INVOCATIONS_DIR
    if parsed.exists():
        with tempfile.NamedTemporaryFile(dir=target, prefix=".partial-", delete=False) as scratch:
            scratch.write(parsed.read_bytes())
        os.replace(scratch.name, target / parsed.name)
    previous = sorted(target.glob(f"{step}-*"), key=lambda p: p.stat().st_mtime)[:-KEEP_INVOCATIONS]
    for folder in previous:
        shutil.rmtree(folder, ignore_errors=True)


def _relation(ref: str) -> str:
    """``ref('x')`` -> ``x``, ``source('config', 'y')`` -> ``config.y`` (a relationships test's ``to``)."""
    names = re.findall(r"""['"]([^'"]+)['"]""", ref)
    return ".".join(names) if names else ref


def _between(min_value: Any, max_value: Any) -> str:
    if min_value is not None and max_value is not None:
        return f"lies between {min_value} and {max_value}"
    return f"is at least {min_value}" if min_value is not None else f"is at most {max_value}"


def _values(values: Any) -> str:
    return ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in values)


def check_description(test: Mapping[str, Any], model: str) -> str:
    """What a dbt test checks, in a sentence: its own description when it has one, else one built from
    the generic test's name and arguments ("unique: employee_id of stg_hris__employees is unique")."""
    if test.get("description"):
        return " ".join(test["description"].split())
    generic = test.get("test_metadata") or {}
    name, kwargs = generic.get("name"), generic.get("kwargs", {})
    column = kwargs.get("column_name")
    of = f"{column} of {model}"
    sentences = {
        "not_null": lambda: f"{of} is never null",
        "unique": lambda: f"{of} is unique: no two rows share a value",
        "relationships": lambda: (
            f"every {of} exists in {_relation(kwargs.get('to', ''))}.{kwargs.get('field')}"
        ),
        "accepted_values": lambda: f"{of} is one of: {_values(kwargs.get('values', []))}",
        "value_between": lambda: (
            f"{of} {_between(kwargs.get('min_value'), kwargs.get('max_value'))} (or is null)"
        ),
        "unique_combination": lambda: f"{model} has one row per {' x '.join(kwargs.get('columns', []))}",
        "columns_valid": lambda: _columns_valid(model, kwargs),
    }
    if name in sentences:
        return f"{name}: {sentences[name]()}."
    if name:
        return f"{name}: dbt test of {model}" + (f" on {column}." if column else ".")
    return f"{test['name']}: dbt test of {model}."  # a singular test without a description


def _columns_valid(model: str, kwargs: Mapping[str, Any]) -> str:
    rules = []
    if kwargs.get("not_null"):
        rules.append(f"never null: {', '.join(kwargs['not_null'])}")
    for column, values in (kwargs.get("accepted_values") or {}).items():
        rules.append(f"{column} is one of {_values(values)}")
    for column, bounds in (kwargs.get("value_between") or {}).items():
        rules.append(f"{column} {_between(bounds.get('min_value'), bounds.get('max_value'))}")
    return f"the rows of {model} keep the export contract's column rules ({'; '.join(rules)})"


class LpssDbtTranslator(DagsterDbtTranslator):
    """Asset keys ``[schema, name]`` (e.g. ``marts/fct_leader_scorecards``), groups by layer, every dbt
    test an asset check saying what it checks."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)  # meta.dagster.asset_key: raw/<system>/<entity>
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """Snapshots: history. Models: their layer's folder (staging, intermediate, marts,
        readiness_model), unless meta.dagster.group names a later group (dbt_project.yml): the marts
        built from the readiness model's predictions are in readiness_model, the alert marts in
        alerting, so no arrow between groups points backwards."""
        if dbt_resource_props["resource_type"] == "snapshot":
            return "history"
        group = dbt_resource_props.get("meta", {}).get("dagster", {}).get("group")
        return group or dbt_resource_props["fqn"][1]

    def get_asset_check_spec(
        self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        test = manifest["nodes"][unique_id]
        return spec._replace(description=check_description(test, asset_spec.key.path[-1]))


READINESS_SOURCE = "source:ml.readiness_predictions+"
"""The models that read the readiness model's predictions: built in a second dbt step, after the
model (which itself reads dbt's features). One dbt multi-asset on both sides would be a cycle."""


BUILD = ("build", "--exclude-resource-type", "unit_test")
"""A scheduled build runs the models, snapshots and data tests, not dbt's unit tests: those test the SQL,
which a run does not change (dbt's own advice: run them in development and CI). They took a quarter of
the dbt step's node time at 300 employees; `make test` runs every one on DuckDB and on Spark."""

SNAPSHOTS = "resource_type:snapshot"
HISTORY_SCHEMA = "history"  # the snapshots' schema (dbt_project.yml), so their asset keys' first part
"""Taken on DuckDB on the spark target: a dbt-spark snapshot merges into a Delta, Hudi or Iceberg table,
and the spark target writes plain Parquet (README, Running on Spark)."""


def _on_spark_before(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> None:
    with warehouse.connect() as con:
        written = sync_lake(con, Path(warehouse.lake_dir))
    context.log.info(f"lake files written: {written}")
    if forget_other_home(Path(warehouse.spark_dir)):
        context.log.info("Spark's metastore named another home's folders: removed, rebuilt now")


def _on_spark_after(invocation_target: Path, warehouse: WarehouseResource) -> None:
    built = built_relations(invocation_target)
    with warehouse.connect() as con:
        copy_tables(con, Path(warehouse.spark_dir) / "warehouse", built.get("table", []))
    # a folder of its own, so its partial parse (of the duckdb target) serves the next step's views
    create_views(DBT_EXECUTABLE, built.get("view", []), INVOCATIONS_DIR / "duckdb-views")


def _dbt_build(name: str, select: str, exclude: str | None) -> dg.AssetsDefinition:
    """`dbt build` of the selected snapshots and models with their tests, in dependency order."""

    @dbt_assets(
        manifest=ensure_manifest(),
        project=dbt_project,
        select=select,
        exclude=exclude,
        name=name,
        dagster_dbt_translator=LpssDbtTranslator(),
        pool=WAREHOUSE_POOL,
    )
    def _models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        if dbt_target() != "spark":
            yield from _build(context, dbt, name, [*BUILD])
            return
        _on_spark_before(context, warehouse)
        yield from _build(context, dbt, name, [*BUILD, "--exclude", SNAPSHOTS], warehouse)
        if any(key.path[0] == HISTORY_SCHEMA for key in context.selected_asset_keys):
            yield from _build(context, dbt, name, ["snapshot", "--target", "duckdb"])

    return _models


def _build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    name: str,
    args: list[str],
    spark_warehouse: WarehouseResource | None = None,
):
    """One dbt invocation over the step's selection; with ``spark_warehouse``, what Spark built is copied
    back into it even when a test failed, as a failed test on DuckDB leaves its table built."""
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    yield from invocation.stream()
    if "--target" not in args:  # the snapshots taken on DuckDB for Spark: the next step parses for Spark
        keep_partial_parse(invocation.target_path, name)
    if spark_warehouse is not None:
        _on_spark_after(Path(invocation.target_path), spark_warehouse)
    if not invocation.is_successful():
        raise invocation.get_error()


lpss_dbt_models = _dbt_build(
    "lpss_dbt_models",
    select="fqn:*",
    exclude=READINESS_SOURCE,
)
lpss_dbt_readiness_marts = _dbt_build(
    "lpss_dbt_readiness_marts",
    select=READINESS_SOURCE,
    exclude=None,
)
dbt_assets_defs = [lpss_dbt_models, lpss_dbt_readiness_marts]

MART_KEYS = [k for defs in dbt_assets_defs for k in defs.keys if k.path[0] == "marts"]
