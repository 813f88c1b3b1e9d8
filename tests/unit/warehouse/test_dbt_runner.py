"""dbt runner configuration: environment for profiles.yml, project discovery, bigquery parse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mfg.settings import Settings
from mfg.warehouse.dbt_runner import DbtError, dbt_env, project_dir, run_dbt


def test_dbt_env_from_settings(settings: Settings) -> None:
    env = dbt_env(settings.model_copy(update={"gcp_project": "acme", "bigquery_dataset": "dw"}))
    assert env["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "false"
    assert env["DBT_DUCKDB_PATH"] == str(settings.duckdb_path.resolve())
    assert (env["DBT_BIGQUERY_PROJECT"], env["DBT_BIGQUERY_DATASET"]) == ("acme", "dw")


def test_project_dir_found_and_missing(settings: Settings, tmp_path: Path) -> None:
    assert (project_dir(settings) / "dbt_project.yml").is_file()
    with pytest.raises(DbtError, match="MFG_DBT_PROJECT_DIR"):
        project_dir(settings.model_copy(update={"dbt_project_dir": tmp_path / "nowhere"}))


@pytest.mark.slow
def test_parse_with_bigquery_target_needs_no_credentials(settings: Settings) -> None:
    before = {k: v for k, v in os.environ.items() if k.startswith("DBT_")}
    res = run_dbt(settings.model_copy(update={"dbt_target": "bigquery", "gcp_project": "acme"}), "parse")
    assert res.success
    assert (res.target_path / "manifest.json").is_file()
    assert {k: v for k, v in os.environ.items() if k.startswith("DBT_")} == before  # environment restored
