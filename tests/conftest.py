"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest

from tests.small_org import Warehouse


@pytest.fixture
def wh(tmp_path, monkeypatch) -> Warehouse:
    """An empty warehouse in a temporary LPSS_HOME that lands hand-made batches (tests/small_org.py)."""
    warehouse = Warehouse(tmp_path, monkeypatch)
    yield warehouse
    warehouse.con.close()
