"""Running a suite with Great Expectations Core 1.x and reading back which rows failed.

GX is imported here, lazily, only when a check runs. Results are kept in a file-based GX project
under ``LPSS_HOME/gx`` and rendered as Data Docs into ``LPSS_HOME/data_docs``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .spec import Expectation, Suite

ROW_COLUMN = "_source_row"  # the file's data row of every raw row, the id shown to people
SAMPLE_ROWS = 5
DOCS_SITE = "lpss"
# Results kept per suite in the GX store and Data Docs; the full history of findings is in
# ops.data_quality_runs / ops.data_quality_findings. An unbounded store slows every validation.
KEEP_RESULTS = 5


def prune_results(validations_dir: Path, keep: int = KEEP_RESULTS) -> None:
    """Keep the newest ``keep`` stored results of each suite (a suite's results share a parent)."""
    by_suite: dict[Path, list[Path]] = {}
    for result in Path(validations_dir).rglob("*.json"):
        suite_dir = result.parents[2]  # <suite>/<run name>/<run time>/<batch>.json
        by_suite.setdefault(suite_dir, []).append(result)
    for results in by_suite.values():
        for old in sorted(results, key=lambda p: p.stat().st_mtime)[:-keep]:
            old.unlink()


def docs_site_config(context_root: Path, docs_dir: Path) -> dict[str, Any]:
    """The Data Docs site's config, its folder relative to the GX context root (``<gx_dir>/gx``).

    GX resolves a relative ``base_directory`` against the context root (TupleFilesystemStoreBackend,
    given the root by the data context), so a copied or moved LPSS_HOME writes its Data Docs into
    itself: an absolute path stored in great_expectations.yml would keep pointing at the original."""
    relative = os.path.relpath(Path(docs_dir).resolve(), Path(context_root).resolve())
    return {
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": relative},
    }


@dataclass(frozen=True)
class Outcome:
    expectation: Expectation
    success: bool
    unexpected: int  # rows failing (0 for table-level expectations)
    rows: tuple[int, ...]  # the first few failing source rows
    sample: Any  # a failing value, or the observed value of a table-level expectation
    checked: int = 0  # non-null values a row-level expectation looked at (the base of ``mostly``)


def merge_outcomes(parts: list[list[Outcome]]) -> list[Outcome]:
    """One outcome per expectation from the outcomes of disjoint parts of the same rows.

    ``mostly`` is re-applied to the summed counts; every other expectation must pass in every part
    (so only row-level and part-invariant table expectations may be validated in parts)."""
    merged = []
    for same in zip(*parts, strict=True):
        spec = same[0].expectation
        unexpected = sum(o.unexpected for o in same)
        checked = sum(o.checked for o in same)
        mostly = spec.kwargs.get("mostly")
        if mostly is None:
            success = all(o.success for o in same)
        else:
            success = checked == 0 or (checked - unexpected) / checked >= mostly
        failing = [o for o in same if o.unexpected or not o.success]
        rows = tuple(r for o in failing for r in o.rows)[:SAMPLE_ROWS]
        sample = failing[0].sample if failing else same[0].sample
        merged.append(Outcome(spec, success, unexpected, rows, sample, checked))
    return merged


class GxRunner:
    """One GX file context per check run; validations accumulate until :meth:`build_docs`."""

    def __init__(self, gx_dir: Path, docs_dir: Path):
        import great_expectations as gx

        self.gx = gx
        self.docs_dir = Path(docs_dir)
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context = gx.get_context(mode="file", project_root_dir=str(gx_dir))
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no bars in run logs
        site = docs_site_config(Path(self.context.root_directory), self.docs_dir)
        sites = self.context.config.data_docs_sites or {}
        if DOCS_SITE not in sites:
            self.context.add_data_docs_site(site_name=DOCS_SITE, site_config=site)
        elif sites[DOCS_SITE] != site:  # a copied or moved home, or the absolute path lpss once stored
            self.context.update_data_docs_site(site_name=DOCS_SITE, site_config=site)
        self.source = self.context.data_sources.add_or_update_pandas("lpss")
        prune_results(Path(gx_dir) / "gx" / "uncommitted" / "validations")

    def _gx_suite(self, suite: Suite):
        expectations = [
            getattr(self.gx.expectations, e.gx_type)(
                **e.kwargs,
                meta={
                    "lpss_index": i,
                    "check": e.check,
                    "blocking": e.blocking,
                    "description": e.description,
                },
            )
            for i, e in enumerate(suite.expectations)
        ]
        # Built whole: adding expectations one by one to a suite saves it to the store each time.
        return self.context.suites.add_or_update(
            self.gx.ExpectationSuite(name=suite.name, expectations=expectations)
        )

    def validate(self, frame, suite: Suite, run_name: str) -> list[Outcome]:
        """Validate ``frame`` against ``suite``; one outcome per expectation, in suite order."""
        asset_name = suite.name.replace(".", "__")
        existing = {a.name for a in self.source.assets}
        asset = (
            self.source.get_asset(asset_name)
            if asset_name in existing
            else self.source.add_dataframe_asset(asset_name)
        )
        batch_def = next((b for b in asset.batch_definitions if b.name == "batch"), None) or (
            asset.add_batch_definition_whole_dataframe("batch")
        )
        definition = self.context.validation_definitions.add_or_update(
            self.gx.ValidationDefinition(name=suite.name, data=batch_def, suite=self._gx_suite(suite))
        )
        result = definition.run(
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "SUMMARY",
                "unexpected_index_column_names": [ROW_COLUMN],
                "partial_unexpected_count": SAMPLE_ROWS,
            },
            run_id=self.gx.core.run_identifier.RunIdentifier(run_name=run_name.replace("/", "__")),
        )
        # GX's execution engine keeps the last batch of every asset, the whole frame: 17 entities'
        # frames (5.3 GB at 2,000,000 employees) would stay alive after the checks, through dbt.
        batches = self.source.get_execution_engine().batch_manager
        batches.reset_batch_cache()
        batches.batch_data_cache.clear()
        outcomes = []
        for r in result.results:
            spec = suite.expectations[r.expectation_config.meta["lpss_index"]]
            details = r.result or {}
            index = details.get("partial_unexpected_index_list") or []
            rows = tuple(int(i[ROW_COLUMN]) for i in index if isinstance(i, dict) and ROW_COLUMN in i)
            partial = details.get("partial_unexpected_list") or []
            sample = partial[0] if partial else details.get("observed_value")
            outcomes.append(
                Outcome(
                    spec,
                    bool(r.success),
                    int(details.get("unexpected_count") or 0),
                    rows[:SAMPLE_ROWS],
                    sample,
                    int(details.get("element_count") or 0) - int(details.get("missing_count") or 0),
                )
            )
        return outcomes

    def build_docs(self) -> Path:
        shutil.rmtree(self.docs_dir / "validations", ignore_errors=True)  # pages of pruned results
        self.context.build_data_docs(site_names=[DOCS_SITE])
        return self.docs_dir / "index.html"
