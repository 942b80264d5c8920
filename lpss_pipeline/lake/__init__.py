"""dbt on Spark (``LPSS_DBT_TARGET=spark``): what dbt reads, written as Parquet under ``LPSS_HOME/lake``,
and what it builds, brought back into the DuckDB warehouse.

Layout of the lake, one folder per table (Spark reads a folder as a table)::

    raw/<system>__<entity>/_batch_id=<batch id>/part-0.parquet   one folder per accepted batch, written once
    config/<file>/part-0.parquet                                  the configuration tables, rewritten
    ops/quarantined_batches/part-0.parquet                        the batch ledger staging skips, rewritten
    ml/readiness_predictions/part-0.parquet                       the model's predictions, rewritten
    catalog.parquet                                               each table's columns as Spark DDL

The dbt project registers these folders as Spark tables of the same names on run start
(macros/lake_sources.sql), so sources, ``quarantine_ledger()`` and the predictions resolve alike on
both targets.
"""
