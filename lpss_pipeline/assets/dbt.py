"""dbt models, snapshots and tests as Dagster assets and asset checks.

dagster-dbt builds the asset graph from dbt's manifest, so the manifest must exist before the
definitions import; it is (re)parsed here when missing or older than any project file.
"""

import fcntl
import os
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
from lpss_pipeline.settings import DBT_PROJECT_DIR

DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "snapshots", "macros", "tests")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


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
    target = dbt_project.manifest_path.parent
    if parsed.exists():
        with tempfile.NamedTemporaryFile(dir=target, prefix=".partial-", delete=False) as scratch:
            scratch.write(parsed.read_bytes())
        os.replace(scratch.name, target / parsed.name)
    previous = sorted(target.glob(f"{step}-*"), key=lambda p: p.stat().st_mtime)[:-KEEP_INVOCATIONS]
    for folder in previous:
        shutil.rmtree(folder, ignore_errors=True)


class LpssDbtTranslator(DagsterDbtTranslator):
    """Asset keys ``[schema, name]`` (e.g. ``marts/fct_leader_scorecards``), groups by layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)  # meta.dagster.asset_key: raw/<system>/<entity>
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        groups = {"snapshot": "history"}
        if dbt_resource_props["resource_type"] in groups:
            return groups[dbt_resource_props["resource_type"]]
        return dbt_resource_props["fqn"][1]  # models/<layer>/...: staging, intermediate, marts


READINESS_SOURCE = "source:ml.readiness_predictions+"
"""The models that read the readiness model's predictions: built in a second dbt step, after the
model (which itself reads dbt's features). One dbt multi-asset on both sides would be a cycle."""


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
    def _models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        invocation = dbt.cli(["build"], context=context)
        yield from invocation.stream()
        keep_partial_parse(invocation.target_path, name)

    return _models


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
