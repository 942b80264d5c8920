"""Where lpss keeps its state, read from the environment once.

Everything lives under one folder, ``LPSS_HOME``, so that moving one variable moves the
warehouse, the landing zone, the quarantine, the Dagster instance and the published marts
together. Paths are resolved when asked for, so tests can point ``LPSS_HOME`` at a
temporary folder before calling in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

DUCKDB_MEMORY_LIMIT = "4GB"
"""What one DuckDB process (dbt, or a pipeline step) may hold before it spills to disk, unless
``LPSS_DUCKDB_MEMORY_LIMIT`` says otherwise. DuckDB's own default is 80% of the machine; this
keeps a 2,000,000-employee run under 8 GB in all (README, Performance)."""

DBT_TARGETS = ("duckdb", "spark")
"""The outputs of dbt_project/profiles.yml: ``LPSS_DBT_TARGET`` picks one for every dbt step."""

POOL_WAIT_SECONDS = 3600.0
"""Default of ``Settings.pool_wait_seconds``: longer than any step of a large organisation's run."""


def duckdb_config() -> dict[str, str]:
    """Settings for every read-write DuckDB connection lpss opens (dbt reads the same variable)."""
    return {"memory_limit": os.environ.get("LPSS_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT)}


def dbt_target() -> str:
    """Where dbt builds the models: ``LPSS_DBT_TARGET``, ``duckdb`` (default) or ``spark`` (README,
    Running on Spark). Read when asked, so one variable switches every dbt step, the CLI's and the
    benchmark's included."""
    target = os.environ.get("LPSS_DBT_TARGET") or DBT_TARGETS[0]
    if target not in DBT_TARGETS:
        raise ValueError(f"LPSS_DBT_TARGET is {target!r}; it must be one of {', '.join(DBT_TARGETS)}")
    return target


DAGSTER_YAML = """\
# Written by lpss (lpss_pipeline/settings.py); regenerated on every start, edit that file instead.
telemetry:
  enabled: false
# The layout of `storage: sqlite`, with lpss's event log (lpss_pipeline/event_storage.py).
run_storage:
  module: dagster._core.storage.runs
  class: SqliteRunStorage
  config:
    base_dir: {storage}/history
event_log_storage:
  module: lpss_pipeline.event_storage
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {storage}/history/runs
schedule_storage:
  module: dagster._core.storage.schedules
  class: SqliteScheduleStorage
  config:
    base_dir: {storage}/schedules
run_coordinator:
  # Queued runs (from sensors and schedules) start within a second instead of five.
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_interval_seconds: 1
local_artifact_storage:
  module: dagster._core.storage.root
  class: LocalArtifactStorage
  config:
    base_dir: {artifacts}
concurrency:
  pools:
    # Every asset that writes warehouse.duckdb runs in pool "warehouse": one step at a time,
    # across all runs, because DuckDB allows a single writer process.
    default_limit: 1
"""


@dataclass(frozen=True)
class Settings:
    """Resolved locations of one lpss installation."""

    home: Path
    landing_dir: Path

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def published_path(self) -> Path:
        """The copy of the marts that BI tools and the dashboard read."""
        return self.published_dir / "lpss_marts.duckdb"

    @property
    def lake_dir(self) -> Path:
        """Parquet copies of what dbt reads (raw batches, configuration, the batch ledger, the
        predictions), for dbt on Spark (lpss_pipeline/lake/)."""
        return self.home / "lake"

    @property
    def spark_dir(self) -> Path:
        """Spark's own state on the spark target: its warehouse (the tables dbt builds) and metastore."""
        return self.home / "spark"

    @property
    def config_dir(self) -> Path:
        """The organisation's own configuration (business rules, tracked entities, source mappings):
        ``LPSS_CONFIG_DIR``, else ``LPSS_HOME/config``."""
        configured = os.environ.get("LPSS_CONFIG_DIR")
        return Path(configured).expanduser().resolve() if configured else self.home / "config"

    @property
    def config_history_dir(self) -> Path:
        """Every configuration version the pipeline has run with (config/versions.py)."""
        return self.home / "config_history"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def published_dir(self) -> Path:
        return self.home / "published"

    @property
    def receipts_dir(self) -> Path:
        """Ingest receipts: one file per loaded batch, read by the sensor instead of the warehouse."""
        return self.home / "receipts"

    @property
    def truth_dir(self) -> Path:
        """The generator's latent truth, kept beside (never inside) the exports."""
        return self.home / "synthetic_truth"

    @property
    def outbox_dir(self) -> Path:
        """Alerts delivered locally (no Slack configured), one JSON-lines file per channel."""
        return self.home / "outbox"

    @property
    def gx_dir(self) -> Path:
        """Great Expectations' file store: suites, validation results."""
        return self.home / "gx"

    @property
    def data_docs_dir(self) -> Path:
        return self.home / "data_docs"

    @property
    def dashboard_store_path(self) -> Path:
        """The dashboard's accounts, sessions, sign-offs and page views (SQLite; dashboard/store.py)."""
        return self.home / "dashboard" / "ops.sqlite"

    @property
    def demo_users_path(self) -> Path:
        return self.home / "demo_users.json"

    @property
    def pool_wait_seconds(self) -> float:
        """How long a run launched from the command line waits for a pool slot another run holds
        before it gives up (exit 1): ``LPSS_POOL_WAIT_SECONDS``, default an hour."""
        return float(os.environ.get("LPSS_POOL_WAIT_SECONDS", POOL_WAIT_SECONDS))

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster_home"

    @property
    def mlflow_tracking_uri(self) -> str:
        """MLflow's tracking and registry store: ``MLFLOW_TRACKING_URI``, else sqlite in LPSS_HOME."""
        return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{self.home / 'mlflow.db'}"

    @property
    def mlartifacts_dir(self) -> Path:
        """Where MLflow runs keep their artifacts (the models, plots, backtests)."""
        return self.home / "mlartifacts"

    def ensure(self) -> Settings:
        """Create the folder layout and the Dagster instance config; safe to call repeatedly."""
        for path in (
            self.home,
            self.landing_dir,
            self.quarantine_dir,
            self.published_dir,
            self.receipts_dir,
            self.outbox_dir,
            self.dagster_home,
        ):
            path.mkdir(parents=True, exist_ok=True)
        config = DAGSTER_YAML.format(
            storage=self.dagster_home / "storage", artifacts=self.dagster_home / "artifacts"
        )
        target = self.dagster_home / "dagster.yaml"
        if not target.exists() or target.read_text() != config:
            target.write_text(config)
        os.environ["DAGSTER_HOME"] = str(self.dagster_home)
        self.export_env()
        return self

    def export_env(self) -> None:
        """Absolute paths and the memory budget for child processes (dbt reads ``LPSS_WAREHOUSE_PATH``,
        ``LPSS_LAKE_DIR``, ``LPSS_SPARK_DIR`` and ``LPSS_DUCKDB_MEMORY_LIMIT`` in profiles.yml)."""
        os.environ["LPSS_HOME"] = str(self.home)
        os.environ["LPSS_WAREHOUSE_PATH"] = str(self.warehouse_path)
        os.environ["LPSS_LAKE_DIR"] = str(self.lake_dir)
        os.environ["LPSS_SPARK_DIR"] = str(self.spark_dir)
        os.environ["LPSS_DUCKDB_MEMORY_LIMIT"] = duckdb_config()["memory_limit"]
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")


def mlflow_store_exists(tracking_uri: str) -> bool:
    """False only for a local sqlite store not created yet (so it holds no champion): callers can
    skip importing MLflow, and creating the database, to find that out."""
    prefix = "sqlite:///"
    return not tracking_uri.startswith(prefix) or Path(tracking_uri[len(prefix) :]).exists()


def load_settings() -> Settings:
    """Settings from ``LPSS_HOME`` (default ``.lpss/`` in the project) and ``LPSS_LANDING_DIR``."""
    home = Path(os.environ.get("LPSS_HOME") or PROJECT_ROOT / ".lpss").expanduser().resolve()
    landing = os.environ.get("LPSS_LANDING_DIR")
    landing_dir = Path(landing).expanduser().resolve() if landing else home / "landing"
    return Settings(home=home, landing_dir=landing_dir)
