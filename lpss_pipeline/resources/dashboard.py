"""The dashboard's SQLite store, for the pipeline step that reminds managers of unsigned scorecards."""

from __future__ import annotations

import dagster as dg


class DashboardStoreResource(dg.ConfigurableResource):
    """``LPSS_HOME/dashboard/ops.sqlite``: accounts, sessions, sign-offs and page views."""

    store_path: str
