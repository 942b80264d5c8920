"""A copied or moved LPSS_HOME keeps writing its MLflow artifacts into itself.

MLflow stores artifact locations as absolute URIs: the experiment's artifact root and, under it,
every run's artifact URI, every logged model's location and every registered version's source and
storage location. After ``cp -a A B``, B's store (``B/mlflow.db``) still names ``A/mlartifacts``:
training with ``LPSS_HOME=B`` would write its artifacts into A, and the champion would be read from
A. Only sqlite and the standard library are imported here, so the check costs one query.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlparse

SQLITE_PREFIX = "sqlite:///"

# Every column of MLflow's schema (3.x) that holds an artifact location: (table, column, and for a
# tag table the tag's key).
LOCATION_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("experiments", "artifact_location", None),
    ("runs", "artifact_uri", None),
    ("logged_models", "artifact_location", None),
    ("model_versions", "source", None),
    ("model_versions", "storage_location", None),
    ("trace_tags", "value", "mlflow.artifactLocation"),
    ("workspaces", "default_artifact_root", None),
    ("workspaces", "trace_archival_location", None),
)


def home_store(tracking_uri: str, artifacts_dir: Path) -> Path | None:
    """The sqlite file of lpss's default store (``mlflow.db`` beside ``artifacts_dir``, both in
    LPSS_HOME), or None for any other store (``MLFLOW_TRACKING_URI`` elsewhere): lpss relocates only
    what lives in its home."""
    if not tracking_uri.startswith(SQLITE_PREFIX):
        return None
    store = Path(tracking_uri[len(SQLITE_PREFIX) :])
    if store.resolve() != (Path(artifacts_dir).parent / "mlflow.db").resolve():
        return None
    return store if store.is_file() else None


def _stored_location(con: sqlite3.Connection, experiment: str) -> str | None:
    try:
        query = "SELECT artifact_location FROM experiments WHERE name = ?"
        row = con.execute(query, (experiment,)).fetchone()
    except sqlite3.OperationalError:  # an empty database: MLflow has not created its tables yet
        return None
    return row[0] if row else None


def _moved_from(location: str | None, current: str) -> str | None:
    """The old local artifact root, or None when there is nothing to rewrite (no experiment yet, the
    current root already, or a remote root such as s3://, which no home holds)."""
    if not location or location == current or urlparse(location).scheme not in ("", "file"):
        return None
    return location.rstrip("/")


def relocate_artifact_root(store: Path, experiment: str, artifacts_dir: Path) -> str | None:
    """Rewrite the artifact locations stored in ``store`` from the experiment's old root to
    ``artifacts_dir`` when the home was copied or moved; return the old root, or None (nothing done).

    Why: MLflow keeps absolute artifact locations, so a copied home would otherwise write into (and
    read the champion from) the home it was copied from. Every location under the old root is
    rewritten in one transaction, before MLflow opens the store; locations elsewhere are kept."""
    current = Path(artifacts_dir).resolve().as_uri()
    with closing(sqlite3.connect(store, timeout=60, isolation_level=None)) as con:
        if _moved_from(_stored_location(con, experiment), current) is None:
            return None  # the common case, without taking the write lock
        con.execute("BEGIN IMMEDIATE")
        try:
            old = _moved_from(_stored_location(con, experiment), current)  # unless another process did
            if old is not None:
                for table, column, key in _present(con):
                    sql = (
                        f'UPDATE "{table}" SET "{column}" = ? || substr("{column}", ?) '
                        f'WHERE ("{column}" = ? OR substr("{column}", 1, ?) = ?)'
                    )
                    args = [current, len(old) + 1, old, len(old) + 1, old + "/"]
                    if key is not None:
                        sql, args = sql + " AND key = ?", [*args, key]
                    con.execute(sql, args)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return old


def _present(con: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    """The LOCATION_COLUMNS this store's schema has (older and newer MLflow versions differ)."""
    present = []
    for table, column, key in LOCATION_COLUMNS:
        names = {row[1] for row in con.execute(f'PRAGMA table_info("{table}")')}
        if column in names and (key is None or "key" in names):
            present.append((table, column, key))
    return present
