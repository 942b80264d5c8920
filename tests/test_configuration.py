"""The organisation's configuration folder: validated with file, row and column; versioned on change;
written for dbt only when valid; the demo's people never in the defaults."""

from __future__ import annotations

import csv

import dagster as dg
import duckdb
import pytest
from typer.testing import CliRunner

from lpss_pipeline.assets.configuration import configuration
from lpss_pipeline.cli import app
from lpss_pipeline.config import DEFAULTS_DIR, ConfigError, config_rows, tracked_entities
from lpss_pipeline.config.dbt_yaml import rendered_files
from lpss_pipeline.config.files import FILES
from lpss_pipeline.config.inputs import KINDS
from lpss_pipeline.config.validate import validated_configuration
from lpss_pipeline.resources import file_resources
from lpss_pipeline.settings import Settings


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LPSS_HOME", str(tmp_path))
    monkeypatch.delenv("LPSS_CONFIG_DIR", raising=False)
    return Settings(home=tmp_path, landing_dir=tmp_path / "landing")


def write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)


def problems_of(config_dir) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        validated_configuration(config_dir)
    return caught.value.problems


def test_the_shipped_defaults_are_valid_and_name_no_one(tmp_path):
    files = validated_configuration(tmp_path / "nothing")
    assert set(files) == set(FILES)
    assert files["access_roles"] == ()  # a fresh organisation never inherits the demo's people
    assert tracked_entities("hris", tmp_path) >= {"employees", "succession_nominations"}


def test_the_dbt_source_is_rendered_from_the_file_specs():
    stale = [str(p) for p, text in rendered_files().items() if p.read_text() != text]
    assert not stale, f"regenerate with `python -m lpss_pipeline.config.dbt_yaml`: {stale}"


def test_every_metric_kpi_and_alert_rule_declares_what_it_reads():
    for kind, name, column in (
        ("metric", "scorecard_metrics", "metric_id"),
        ("kpi", "kpi_definitions", "kpi_id"),
        ("alert_rule", "alert_rules", "rule_id"),
    ):
        shipped = {row[column] for row in config_rows(name, DEFAULTS_DIR)}
        assert set(KINDS[kind]) == shipped, kind


def test_an_error_names_file_row_and_column(tmp_path):
    write(
        tmp_path / "scorecard_categories.csv",
        [
            ["category", "weight", "display_order", "description"],
            ["performance", "0.5", "1", ""],
            ["engagement", "half", "2", ""],
            ["culture", "0.1", "3", ""],
        ],
    )
    problems = problems_of(tmp_path)
    assert "scorecard_categories.csv row 3, column weight: 'half' is not a number" in problems
    assert any(
        p.startswith("scorecard_categories.csv row 4, column category: 'culture' is not one of")
        for p in problems
    )


def test_rules_across_files_are_checked(tmp_path):
    write(
        tmp_path / "scorecard_categories.csv",
        [["category", "weight", "display_order"], ["performance", "0.6", "1"], ["engagement", "0.3", "2"]],
    )
    write(
        tmp_path / "scorecard_metrics.csv",
        [
            ["metric_id", "category", "weight_in_category", "floor", "target", "applies_to"],
            ["goal_attainment", "performance", "1", "50", "100", "all"],
            ["team_satisfaction", "engagement", "1", "2.5", "4.5", "all"],
            ["training_completion", "development", "1", "50", "100", "all"],
        ],
    )
    write(
        tmp_path / "tracked_entities.csv",
        [["system", "entity", "tracked"], ["hris", "employees", "no"], ["hris", "engagement_surveys", "no"]],
    )
    problems = problems_of(tmp_path)
    assert "scorecard_categories.csv, column weight: the weights sum to 0.9, not 1" in problems
    assert any(p.startswith("scorecard_metrics.csv row 4, column category: 'development'") for p in problems)
    assert "tracked_entities.csv row 2, column tracked: hris.employees is required" in problems
    assert any(
        p.startswith(
            "scorecard_metrics.csv row 3, column metric_id: team_satisfaction is computed from "
            "hris.engagement_surveys, which tracked_entities.csv does not track"
        )
        for p in problems
    )


def test_init_then_an_edited_weight_is_a_new_version_and_a_broken_edit_keeps_the_last_good(home):
    runner = CliRunner()
    assert runner.invoke(app, ["config", "init"]).exit_code == 0
    assert (home.config_dir / "scorecard_categories.csv").read_text() == (
        DEFAULTS_DIR / "scorecard_categories.csv"
    ).read_text()
    resources = file_resources(home)

    def materialize():
        return dg.materialize(
            [configuration],
            resources=resources,
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )

    def weights():
        with duckdb.connect(str(home.warehouse_path), read_only=True) as con:
            return dict(con.execute("select category, weight from config.scorecard_categories").fetchall())

    assert materialize().success
    assert weights()["performance"] == pytest.approx(0.4)
    categories = home.config_dir / "scorecard_categories.csv"
    text = categories.read_text()
    categories.write_text(
        text.replace("performance,0.40", "performance,0.50").replace("engagement,0.20", "engagement,0.10")
    )
    assert materialize().success
    assert materialize().success  # unchanged: no third version
    assert weights()["performance"] == pytest.approx(0.5)
    history = runner.invoke(app, ["config", "history"]).output
    assert "scorecard_categories" in history
    versions = sorted(p.name for p in home.config_history_dir.iterdir())
    assert versions == ["0001", "0002"]
    assert "performance,0.50" in (home.config_history_dir / "0002" / "scorecard_categories.csv").read_text()

    categories.write_text(text.replace("performance,0.40", "performance,lots"))
    broken = materialize()
    assert not broken.success
    failure = broken.get_step_failure_events()[0].step_failure_data.user_failure_data.description
    assert "scorecard_categories.csv row 2, column weight: 'lots' is not a number" in failure
    assert weights()["performance"] == pytest.approx(0.5)  # the last good configuration stays
    checked = runner.invoke(app, ["config", "check"])
    assert checked.exit_code == 1 and "row 2, column weight" in checked.output


def test_a_parameter_left_out_keeps_its_default(tmp_path):
    write(tmp_path / "lpss_parameters.csv", [["parameter", "value"], ["trend_months", "6"]])
    values = {r["parameter"]: r["value"] for r in validated_configuration(tmp_path)["lpss_parameters"]}
    assert values["trend_months"] == "6" and values["stagnation_months"] == "6"
    assert len(values) == len(config_rows("lpss_parameters", DEFAULTS_DIR))


def test_an_entity_another_tracked_entity_refers_to_stays_tracked(tmp_path):
    rows = [["system", "entity", "tracked"], ["hris", "positions", "false"]]
    write(tmp_path / "tracked_entities.csv", rows)
    assert problems_of(tmp_path) == [
        "tracked_entities.csv row 2, column tracked: hris.positions is referred to by hris.promotions, "
        "hris.succession_nominations, which the organisation tracks; untrack those too or track it"
    ]
