"""A temporary LPSS_HOME for tests that run jobs in this process."""

from __future__ import annotations

from pathlib import Path

import pytest

from lpss_pipeline.settings import Settings


def settings_for(home: Path) -> Settings:
    return Settings(home=home, landing_dir=home / "landing")


def use(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Settings:
    """Point this process at ``settings`` (run_job exports the paths it uses); no outside MLflow store."""
    for name, value in (
        ("LPSS_HOME", settings.home),
        ("LPSS_WAREHOUSE_PATH", settings.warehouse_path),
        ("DAGSTER_HOME", settings.dagster_home),
    ):
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return settings
