"""`lpss ui` serves the code location: lineage from raw assets to the published marts."""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path

from lpss_pipeline.processes import serving
from tests.servers import free_port, wait_for

QUERY = "{ assetNodes { assetKey { path } groupName } }"


def test_ui_shows_the_lineage_from_raw_to_published(tmp_path):
    port = free_port()
    lpss = str(Path(sys.executable).with_name("lpss"))
    env = {**os.environ, "LPSS_HOME": str(tmp_path / "home")}
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with serving([lpss, "ui", "--port", str(port)], env) as proc:
        nodes = json.loads(wait_for(proc, request, timeout=120))["data"]["assetNodes"]
    groups = {"/".join(n["assetKey"]["path"]): n["groupName"] for n in nodes}
    assert groups["raw/hris/employees"] == "raw"
    assert len([k for k in groups if k.startswith("raw/")]) == 17
    assert groups["staging/stg_hris__employees"] == "staging"
    assert groups["intermediate/int_employee_months"] == "intermediate"
    assert groups["marts/fct_leader_scorecards"] == "marts"
    assert groups["marts/fct_kpi_observations"] == "marts"
    assert groups["marts/fct_promotion_readiness"] == "readiness_model"  # built from the model's predictions
    assert groups["marts/fct_alerts"] == "alerting"
    assert groups["published/lpss_marts"] == "publishing"
