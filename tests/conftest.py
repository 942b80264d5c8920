"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest

# Fixtures of homes built once per session: the demo organisation, and the dashboard's with a client per role
from tests.dashboard_org import clients, org  # noqa: F401
from tests.demo_home import demo_home  # noqa: F401
from tests.small_org import Warehouse


@pytest.fixture
def wh(tmp_path, monkeypatch) -> Warehouse:
    """An empty warehouse in a temporary LPSS_HOME that lands hand-made batches (tests/small_org.py)."""
    warehouse = Warehouse(tmp_path, monkeypatch)
    yield warehouse
    warehouse.con.close()


# The files that take minutes (each builds whole pipelines), longest first. `make test` runs them before
# the rest (`--no-loadscope-reorder`: xdist hands files to its two workers in collection order), so the
# short files fill the gaps at the end instead of one worker finishing a long file alone.
LONGEST_FIRST = (
    "test_demo.py",
    "test_vendor_demo.py",
    "test_bad_input_matrix.py",
    "test_alerts_end_to_end.py",
    "test_bench.py",
    "test_byod_example.py",
    "test_dashboard_access.py",
    "test_readiness_model.py",
    "test_bench_references.py",
    "test_crash_recovery.py",
    "test_partial_org.py",
    "test_vendor_ingest.py",
    "test_expectations.py",
    "test_data_warnings.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order
