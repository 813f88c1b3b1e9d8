"""The BigQuery engine: parquet staged in GCS, one load job per table, day partitions, clustering.

Each table is replaced (``WRITE_TRUNCATE``) by a load job from
``gs://<bucket>/<prefix>/<table>/<file>.parquet``; facts are partitioned by day on their time column
and clustered by ``equipment_id`` (:data:`mfg.warehouse.tables.TABLE_SPECS`). Clients are created
lazily from the settings, or injected (tests pass mocks and assert the requests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mfg.settings import ConfigError, Settings
from mfg.warehouse.tables import TableSpec


def load_job_config(spec: TableSpec) -> Any:
    """The ``LoadJobConfig`` for one table."""
    from google.cloud import bigquery

    config = bigquery.LoadJobConfig(
        source_format=bigquery.SourceFormat.PARQUET,
        write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
        create_disposition=bigquery.CreateDisposition.CREATE_IF_NEEDED,
    )
    config.parquet_options = bigquery.ParquetOptions()
    config.parquet_options.enable_list_inference = True
    if spec.partition_field:
        config.time_partitioning = bigquery.TimePartitioning(
            type_=bigquery.TimePartitioningType.DAY, field=spec.partition_field
        )
    if spec.clustering:
        config.clustering_fields = list(spec.clustering)
    return config


def dataset_definition(project: str, dataset: str, location: str) -> Any:
    from google.cloud import bigquery

    ds = bigquery.Dataset(f"{project}.{dataset}")
    ds.location = location
    ds.description = "Manufacturing Copilot warehouse (facts, dimensions, dbt models)."
    return ds


class BigQueryEngine:
    """Loads prepared parquet into BigQuery through GCS."""

    name = "bigquery"

    def __init__(
        self,
        *,
        project: str,
        dataset: str,
        location: str,
        bucket: str,
        prefix: str,
        bigquery_client: Any,
        storage_client: Any,
    ) -> None:
        self.project, self.dataset, self.location = project, dataset, location
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self._bq = bigquery_client
        self._gcs = storage_client
        self._bq.create_dataset(dataset_definition(project, dataset, location), exists_ok=True)

    @classmethod
    def from_settings(
        cls, settings: Settings, bigquery_client: Any = None, storage_client: Any = None
    ) -> BigQueryEngine:
        if not settings.gcp_project:
            raise ConfigError("MFG_GCP_PROJECT must be set for the bigquery warehouse engine")
        if not settings.gcs_bucket:
            raise ConfigError("MFG_GCS_BUCKET must be set for the bigquery warehouse engine (load jobs stage in GCS)")
        if bigquery_client is None:
            from google.cloud import bigquery

            bigquery_client = bigquery.Client(project=settings.gcp_project, location=settings.bigquery_location)
        if storage_client is None:
            from google.cloud import storage

            storage_client = storage.Client(project=settings.gcp_project)
        return cls(
            project=settings.gcp_project,
            dataset=settings.bigquery_dataset,
            location=settings.bigquery_location,
            bucket=settings.gcs_bucket,
            prefix=settings.warehouse_gcs_prefix,
            bigquery_client=bigquery_client,
            storage_client=storage_client,
        )

    def table_id(self, spec: TableSpec) -> str:
        return f"{self.project}.{self.dataset}.{spec.name}"

    def staged_uri(self, spec: TableSpec, parquet: Path) -> str:
        return f"gs://{self.bucket}/{self.prefix}/{spec.name}/{parquet.name}"

    def load(self, spec: TableSpec, parquet: Path) -> int:
        uri = self.staged_uri(spec, parquet)
        blob = self._gcs.bucket(self.bucket).blob(uri.split(f"gs://{self.bucket}/", 1)[1])
        blob.upload_from_filename(str(parquet))
        job = self._bq.load_table_from_uri(
            uri, self.table_id(spec), job_config=load_job_config(spec), location=self.location
        )
        job.result()
        table = self._bq.get_table(self.table_id(spec))
        if table.description != spec.description:
            table.description = spec.description
            self._bq.update_table(table, ["description"])
        return int(job.output_rows or 0)

    def close(self) -> None:
        self._bq.close()
