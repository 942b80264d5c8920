"""Spark's Derby metastore records each table's folder as an absolute path. In a copied or moved home it
names the old home's folders, and dbt replacing a table there would delete the old home's files. So a
metastore written for another folder is removed with the Spark warehouse beside it: everything in them
is rebuilt by the next dbt step (the lake's tables registered again, the models built again)."""

from __future__ import annotations

import shutil
from pathlib import Path

MARKER = "written_for"  # the Spark folder this metastore was written for; rewritten on the next step


def forget_other_home(spark_dir: Path) -> bool:
    """Remove ``spark_dir``'s metastore and warehouse when they were written in another folder; True if so."""
    marker = spark_dir / MARKER
    moved = marker.exists() and marker.read_text() != str(spark_dir)
    if moved:
        for name in ("metastore_db", "warehouse"):
            shutil.rmtree(spark_dir / name, ignore_errors=True)
    spark_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(spark_dir))
    return moved
