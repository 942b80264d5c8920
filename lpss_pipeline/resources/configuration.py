"""The organisation's configuration folder and the history of the versions the pipeline ran with."""

from __future__ import annotations

from pathlib import Path

import dagster as dg


class ConfigurationResource(dg.ConfigurableResource):
    """``LPSS_CONFIG_DIR`` (default ``LPSS_HOME/config``) and ``LPSS_HOME/config_history``."""

    config_dir: str
    history_dir: str

    @property
    def config_path(self) -> Path:
        return Path(self.config_dir)

    @property
    def history_path(self) -> Path:
        return Path(self.history_dir)
