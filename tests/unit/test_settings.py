"""Settings: defaults are the embedded setup; bad config stops with the field and value named."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfg.settings import ConfigError, Environment, WarehouseEngine, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("MFG_"):
            monkeypatch.delenv(key)


def test_defaults_are_the_embedded_setup() -> None:
    s = load_settings()
    assert s.kafka_bootstrap is None
    assert s.spark_master == "local[*]"
    assert s.warehouse_engine is WarehouseEngine.duckdb
    assert s.mlflow_tracking_uri.startswith("sqlite:///")
    assert s.lake_is_local


def test_environment_variables_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFG_KAFKA_BOOTSTRAP", "kafka.mfg.svc:9092")
    monkeypatch.setenv("MFG_BROKER_PORT", "29092")
    s = load_settings()
    assert s.kafka_bootstrap == "kafka.mfg.svc:9092"
    assert s.broker_port == 29092


def test_bad_value_names_variable_and_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFG_BROKER_PORT", "not-a-port")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "MFG_BROKER_PORT" in str(err.value)
    assert "not-a-port" in str(err.value)


def test_unknown_engine_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFG_WAREHOUSE_ENGINE", "oracle")
    with pytest.raises(ConfigError, match=r"MFG_WAREHOUSE_ENGINE.*oracle"):
        load_settings()


def test_cluster_engines_need_their_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFG_WAREHOUSE_ENGINE", "bigquery")
    with pytest.raises(ConfigError, match="MFG_GCP_PROJECT"):
        load_settings()
    monkeypatch.setenv("MFG_GCP_PROJECT", "plant-analytics")
    assert load_settings().warehouse_engine is WarehouseEngine.bigquery


def test_placeholder_secret_refused_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFG_LLM_BACKEND", "openai")
    monkeypatch.setenv("MFG_LLM_BASE_URL", "http://llm:8000/v1")
    monkeypatch.setenv("MFG_LLM_API_KEY", "changeme")
    assert load_settings().environment is Environment.development  # allowed in development
    monkeypatch.setenv("MFG_ENVIRONMENT", "production")
    with pytest.raises(ConfigError, match="MFG_LLM_API_KEY"):
        load_settings()


def test_yaml_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    profile = tmp_path / "gcp.yaml"
    profile.write_text(
        "warehouse_engine: bigquery\ngcp_project: plant-analytics\nspark_master: k8s://https://k8s:443\n"
    )
    monkeypatch.setenv("MFG_PROFILE", str(profile))
    monkeypatch.setenv("MFG_SPARK_MASTER", "local[2]")  # env wins over the profile
    s = load_settings()
    assert s.gcp_project == "plant-analytics"
    assert s.spark_master == "local[2]"


def test_missing_profile_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFG_PROFILE", str(tmp_path / "nope.yaml"))
    with pytest.raises(ConfigError, match=r"nope\.yaml"):
        load_settings()


def test_nothing_written_until_asked(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path / "d", sim_dir=tmp_path / "d" / "sim", lake_uri=str(tmp_path / "lake"))
    assert not (tmp_path / "d").exists()
    s.ensure_dirs()
    assert (tmp_path / "d" / "sim").is_dir() and (tmp_path / "lake").is_dir()
