"""Where data-quality evidence goes: quarantine, GX's store and Data Docs."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from lpss_pipeline.quality.quarantine import Quarantine


class QualityResource(dg.ConfigurableResource):
    """``LPSS_HOME/quarantine``, ``LPSS_HOME/gx`` and ``LPSS_HOME/data_docs``."""

    quarantine_dir: str
    gx_dir: str
    data_docs_dir: str

    @property
    def quarantine(self) -> Quarantine:
        return Quarantine(Path(self.quarantine_dir))

    @property
    def gx_path(self) -> Path:
        return Path(self.gx_dir)

    @property
    def data_docs_path(self) -> Path:
        return Path(self.data_docs_dir)
