"""The SparkApplication manifest runs the same entry script and jobs as `mfg batch run`."""

from __future__ import annotations

from pathlib import Path

import yaml

from mfg.batch.jobs import JOBS
from mfg.settings import Settings

REPO = Path(__file__).resolve().parents[3]


def test_sparkapplication_matches_the_code() -> None:
    app = yaml.safe_load((REPO / "k8s" / "spark" / "sparkapplication.yaml").read_text())
    assert app["apiVersion"] == "sparkoperator.k8s.io/v1beta2" and app["kind"] == "SparkApplication"
    spec = app["spec"]
    entry = spec["mainApplicationFile"].removeprefix("local:///app/")
    assert (REPO / entry).is_file()
    assert spec["arguments"] == list(JOBS)
    defaults = Settings.model_fields
    assert spec["image"] == defaults["spark_k8s_image"].default
    assert app["metadata"]["namespace"] == defaults["spark_k8s_namespace"].default
    assert spec["executor"]["instances"] == defaults["spark_executor_instances"].default
    assert spec["sparkConf"]["spark.sql.session.timeZone"] == "UTC"
    assert {e["name"] for e in spec["driver"]["env"]} >= {"MFG_LAKE_URI"}
