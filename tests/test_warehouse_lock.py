"""A step that needs the warehouse while another process holds it (issue 18): DuckDB locks the file per
process, so a second dispatcher or an `lpss` command beside a run waits a little, then fails its step
in one line naming the holder; a lock released within the wait is simply waited for."""

from __future__ import annotations

import subprocess
import sys
import time

import dagster as dg
import pytest

from lpss_pipeline.resources import WarehouseResource

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def hold_warehouse(path, seconds: float):
    """Another process holding a write connection on ``path`` for ``seconds`` (DuckDB locks per process)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def warehouse_waiting(tmp_path, seconds: float) -> tuple:
    """A warehouse file and its resource, waiting up to ``seconds`` for another process's lock."""
    path = tmp_path / "warehouse.duckdb"
    return path, WarehouseResource(
        path=str(path), published_path=str(tmp_path / "p.duckdb"), lock_wait_seconds=seconds
    )


def test_a_warehouse_held_by_another_process_fails_the_step_in_one_line(tmp_path):
    path, warehouse = warehouse_waiting(tmp_path, 0.5)
    holder = hold_warehouse(path, 60)
    try:
        for read_only in (False, True):
            started = time.monotonic()
            with pytest.raises(dg.Failure) as failed, warehouse.connect(read_only=read_only):
                pass
            assert time.monotonic() - started >= 0.4, "it waited a little before giving up"
            message = failed.value.description
            assert message == (
                f"the warehouse {path} is in use by another process (PID {holder.pid}), e.g. another lpss "
                "command or run; try again when it finishes"
            )
            assert failed.value.__cause__ is None and failed.value.__suppress_context__

        @dg.op
        def send(warehouse: WarehouseResource) -> None:
            with warehouse.connect():
                pass

        @dg.job(resource_defs={"warehouse": warehouse})
        def job():
            send()

        result = job.execute_in_process(raise_on_error=False)
        [failure] = [e for e in result.all_events if e.is_step_failure]
        description = failure.step_failure_data.user_failure_data.description  # what `lpss` prints
        assert description.startswith(f"the warehouse {path} is in use by another process (PID {holder.pid})")
        assert "\n" not in description and "Conflicting lock" not in description
    finally:
        holder.kill()
        holder.wait()


def test_a_step_waits_for_a_warehouse_released_within_its_wait(tmp_path):
    path, warehouse = warehouse_waiting(tmp_path, 30)
    holder = hold_warehouse(path, 1)
    try:
        with warehouse.connect() as con:
            assert con.execute("SELECT 42").fetchall() == [(42,)]
        assert holder.wait(5) == 0
    finally:
        holder.kill()
        holder.wait()
