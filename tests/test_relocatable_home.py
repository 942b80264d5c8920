"""A home is relocatable: what it stores (GX's Data Docs site, MLflow's artifact locations) follows a
copy. The whole run in a copied demo home is in tests/test_demo.py."""

from __future__ import annotations

import shutil
import sqlite3

from tests.homes import snapshot


def test_a_copied_gx_project_renders_its_data_docs_in_the_copy(tmp_path):
    from expectations.gx_run import DOCS_SITE, GxRunner

    original, copy = tmp_path / "A", tmp_path / "B"
    runner = GxRunner(original / "gx", original / "data_docs")
    site = runner.context.config.data_docs_sites[DOCS_SITE]
    assert site["store_backend"]["base_directory"] == "../../data_docs"
    # What lpss stored before: the absolute path of the home that built the project.
    site["store_backend"]["base_directory"] = str(original / "data_docs")
    runner.context.update_data_docs_site(site_name=DOCS_SITE, site_config=site)
    shutil.copytree(original, copy, symlinks=True)
    before = snapshot(original)

    assert GxRunner(copy / "gx", copy / "data_docs").build_docs() == copy / "data_docs" / "index.html"
    assert (copy / "data_docs" / "index.html").exists()
    assert snapshot(original) == before
    assert str(original) not in (copy / "gx" / "gx" / "great_expectations.yml").read_text()


STORE_SCHEMA = """
CREATE TABLE experiments (experiment_id INTEGER, name TEXT, artifact_location TEXT);
CREATE TABLE runs (run_uuid TEXT, artifact_uri TEXT);
CREATE TABLE model_versions (version INTEGER, source TEXT, storage_location TEXT);
CREATE TABLE trace_tags (key TEXT, value TEXT);
"""


def test_relocation_rewrites_the_locations_under_the_old_root_only(tmp_path):
    from ml.relocation import home_store, relocate_artifact_root

    home = tmp_path / "B"
    home.mkdir()
    store, artifacts = home / "mlflow.db", home / "mlartifacts"
    old, new = "file:///old/home/mlartifacts", artifacts.resolve().as_uri()
    with sqlite3.connect(store) as con:
        con.executescript(STORE_SCHEMA)
        con.executemany(
            "INSERT INTO experiments VALUES (?, ?, ?)",
            [(0, "Default", "/somewhere/mlruns/0"), (1, "lpss-readiness", old), (2, "remote", "s3://b/x")],
        )
        con.executemany(
            "INSERT INTO runs VALUES (?, ?)",
            [("r1", f"{old}/r1/artifacts"), ("r2", "s3://b/x/r2/artifacts"), ("r3", f"{old}2/r3")],
        )
        version = ("models:/m-1", f"{old}/models/m-1/artifacts")
        con.execute("INSERT INTO model_versions VALUES (1, ?, ?)", version)
        con.executemany(
            "INSERT INTO trace_tags VALUES (?, ?)",
            [("mlflow.artifactLocation", f"{old}/traces/t1"), ("note", f"{old}/kept")],
        )

    assert home_store(f"sqlite:///{store}", artifacts) == store
    assert home_store(f"sqlite:///{tmp_path / 'elsewhere.db'}", artifacts) is None  # MLFLOW_TRACKING_URI
    assert home_store("http://127.0.0.1:5000", artifacts) is None
    assert relocate_artifact_root(store, "lpss-readiness", artifacts) == old
    assert relocate_artifact_root(store, "lpss-readiness", artifacts) is None  # once

    with sqlite3.connect(store) as con:
        table = dict(con.execute("SELECT name, artifact_location FROM experiments").fetchall())
        runs = dict(con.execute("SELECT run_uuid, artifact_uri FROM runs").fetchall())
        versions = con.execute("SELECT source, storage_location FROM model_versions").fetchall()
        tags = dict(con.execute("SELECT key, value FROM trace_tags").fetchall())
    assert table == {"Default": "/somewhere/mlruns/0", "lpss-readiness": new, "remote": "s3://b/x"}
    assert runs == {"r1": f"{new}/r1/artifacts", "r2": "s3://b/x/r2/artifacts", "r3": f"{old}2/r3"}
    assert versions == [("models:/m-1", f"{new}/models/m-1/artifacts")]
    assert tags == {"mlflow.artifactLocation": f"{new}/traces/t1", "note": f"{old}/kept"}
