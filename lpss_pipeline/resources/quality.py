"""Where data-quality evidence goes: quarantine, the alert outbox, GX's store and Data Docs."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from lpss_pipeline.alerting.outbox import Outbox
from lpss_pipeline.quality.quarantine import Quarantine


class QualityResource(dg.ConfigurableResource):
    """``LPSS_HOME/quarantine``, ``LPSS_HOME/outbox``, ``LPSS_HOME/gx`` and ``LPSS_HOME/data_docs``."""

    quarantine_dir: str
    outbox_dir: str
    gx_dir: str
    data_docs_dir: str

    @property
    def outbox(self) -> Outbox:
        return Outbox(Path(self.outbox_dir))

    @property
    def quarantine(self) -> Quarantine:
        return Quarantine(Path(self.quarantine_dir), self.outbox)

    @property
    def gx_path(self) -> Path:
        return Path(self.gx_dir)

    @property
    def data_docs_path(self) -> Path:
        return Path(self.data_docs_dir)
