"""Defect injection: break one thing in an export batch the generator has already written.

The bad-input matrix of the data-integrity work is built from these: write a clean history or
incremental batch with ``generate.py``, then ``inject_defect(batch_dir, name)`` mutates it in place
and returns the :class:`Defect`, which says which file and column are at fault and which layer
must catch it (``stage``): ``"ingest"`` for what the structural ingest checks refuse (SPEC section 2:
manifest, header, types, required values, keys, encoding), ``"checks"`` for batches that load and
must then fail a data-quality check (SPEC section 10: ranges, references, cycles, plausible dates,
freshness and row counts, CRM e-mails).

Decisions:
- Only the intended defect remains. A defect rewrites one file and re-signs it in the manifest
  (sha256, and the row count) through one helper, ``_resign``; the only exception is
  ``truncated_file``, whose point is that the file no longer matches its manifest.
- Deterministic: each defect picks a fixed row, by default the 3rd data row matching its
  condition (the last match when fewer than 3 match). Same batch in, same bytes out.
- Untouched rows stay byte-identical: a row-level defect parses the file with ``csv`` and writes
  it back the way ``batch_writer.py`` does (header and string/timestamp values quoted, other values
  bare, a null as nothing), so a generated file round-trips exactly and only the changed rows
  differ. Injection edits CSV batches; a Parquet entity file is refused with
  :class:`DefectNotApplicable`, as is a batch lacking the file or rows a defect needs.
- Every defect applies to a ``generate_history`` batch and to a ``generate_next_month`` one. An
  incremental batch carries every snapshot in full and every event file of the contract, but an
  event file may hold only its header (in a small organisation a month can have no promotions):
  the row-level defects therefore use event entities that have rows every month (goal attainment,
  competency assessments, trainings, IDP milestones, mentoring sessions, CRM team revenue) or
  snapshots. ``extra_column`` uses ``promotions``: the file is always written, and the extra header
  column alone breaks it even when it has no rows.
- The batch-level defect (``entity == "*"``) replaces the whole batch and reads the landing zone
  (``landing_dir``, by default the batch folder's grandparent ``<landing>/<system>/<batch_id>``):
  ``stale_batch`` renames the batch folder to one day before the oldest *other* batch of its
  system (so it is older than the latest batch already landed), which changes the batch's path:
  call :func:`batch_dir_after` *before* injecting to learn the new folder.
  The stale batch loads and the data-integrity checks catch it. Its ``system`` says ``hris``
  (where the matrix applies it); it works on a CRM batch too. (A byte-identical re-delivery of
  the latest loaded batch is no defect: ingest records it as ``unchanged``, tests/test_batches.py.)
- ``row_count_collapse`` keeps the first 30% of the employees snapshot in file order (the
  generator writes the CEO first and the organisation top-down) plus the CEO. Other files still
  name the dropped people, so reference checks may fire beside the row-count check.
- ``milestone_completed_before_assigned``: the contract has no assignment date for IDP
  milestones, so "before assigned" is read as before its owner was hired: completed_on is set to
  the owner's hire_date (from the same batch's employees.csv) minus 60 days.
"""

from . import files, values  # noqa: F401  (importing them registers their defects)
from .csv_batch import DefectNotApplicable
from .registry import DEFECTS, Defect, batch_dir_after, inject_defect

__all__ = ["DEFECTS", "Defect", "DefectNotApplicable", "batch_dir_after", "inject_defect"]
