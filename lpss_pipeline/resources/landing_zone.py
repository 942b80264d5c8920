"""Where HRIS and CRM export batches land, and where ingest receipts are kept."""

from __future__ import annotations

from pathlib import Path

import dagster as dg


class LandingZoneResource(dg.ConfigurableResource):
    """``LPSS_LANDING_DIR`` (default ``LPSS_HOME/landing``), ``LPSS_HOME/receipts`` and the
    organisation's configuration folder, where its source mappings live."""

    landing_dir: str
    receipts_dir: str
    config_dir: str

    @property
    def landing_path(self) -> Path:
        return Path(self.landing_dir)

    @property
    def receipts_path(self) -> Path:
        return Path(self.receipts_dir)

    @property
    def config_path(self) -> Path:
        return Path(self.config_dir)
