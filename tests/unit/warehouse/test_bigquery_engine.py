"""The BigQuery path with mocked clients: the loader sends the right load jobs, tables and GCS uploads."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import MagicMock

import pytest
from google.cloud import bigquery

from mfg.batch.synthetic import Fleet, write_fleet
from mfg.settings import ConfigError, Settings, WarehouseEngine
from mfg.warehouse.bigquery import BigQueryEngine, load_job_config
from mfg.warehouse.loader import load_warehouse, make_engine
from mfg.warehouse.tables import TABLE_SPECS


def _bq_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "warehouse_engine": WarehouseEngine.bigquery,
            "gcp_project": "acme-mfg",
            "bigquery_dataset": "plant_dw",
            "bigquery_location": "europe-west3",
            "gcs_bucket": "acme-lake",
        }
    )


def _clients() -> tuple[MagicMock, MagicMock]:
    bq = MagicMock(spec=bigquery.Client)
    job = MagicMock()
    job.output_rows = 42
    bq.load_table_from_uri.return_value = job
    bq.get_table.return_value = MagicMock(description=None)
    return bq, MagicMock()


def test_load_job_config_for_a_fact_and_a_dimension() -> None:
    fact = load_job_config(TABLE_SPECS["fact_sensor_readings"])
    assert fact.source_format == bigquery.SourceFormat.PARQUET
    assert fact.write_disposition == bigquery.WriteDisposition.WRITE_TRUNCATE
    assert fact.time_partitioning.type_ == bigquery.TimePartitioningType.DAY
    assert fact.time_partitioning.field == "event_time"
    assert fact.clustering_fields == ["equipment_id"]
    prod = load_job_config(TABLE_SPECS["fact_production_metrics"])
    assert prod.time_partitioning.field == "hour_start"
    dim = load_job_config(TABLE_SPECS["dim_plant"])
    assert dim.time_partitioning is None and dim.clustering_fields is None
    # the request body BigQuery receives
    api = fact.to_api_repr()["load"]
    assert api["timePartitioning"] == {"type": "DAY", "field": "event_time"}
    assert api["clustering"] == {"fields": ["equipment_id"]}
    assert api["sourceFormat"] == "PARQUET"


def test_load_warehouse_through_bigquery(settings: Settings) -> None:
    write_fleet(settings.lake_path, Fleet(equipment=2, days=2, interval_s=600))
    conf = _bq_settings(settings)
    bq, gcs = _clients()
    engine = make_engine(conf, bigquery_client=bq, storage_client=gcs)
    assert isinstance(engine, BigQueryEngine)
    counts = load_warehouse(conf, engine)

    assert set(counts) == set(TABLE_SPECS) and set(counts.values()) == {42}
    dataset = bq.create_dataset.call_args.args[0]
    assert dataset.dataset_id == "plant_dw" and dataset.project == "acme-mfg" and dataset.location == "europe-west3"
    assert bq.create_dataset.call_args.kwargs == {"exists_ok": True}
    calls = {c.args[1]: c for c in bq.load_table_from_uri.call_args_list}
    assert set(calls) == {f"acme-mfg.plant_dw.{t}" for t in TABLE_SPECS}
    call = calls["acme-mfg.plant_dw.fact_equipment_events"]
    assert call.args[0] == "gs://acme-lake/warehouse/staging/fact_equipment_events/fact_equipment_events.parquet"
    assert call.kwargs["location"] == "europe-west3"
    assert call.kwargs["job_config"].time_partitioning.field == "event_time"
    assert call.kwargs["job_config"].clustering_fields == ["equipment_id"]
    # each staged file was uploaded to the uri its load job reads
    gcs.bucket.assert_called_with("acme-lake")
    blob_names = [c.args[0] for c in gcs.bucket.return_value.blob.call_args_list]
    assert "warehouse/staging/dim_date/dim_date.parquet" in blob_names
    uploads = [Path(c.args[0]) for c in gcs.bucket.return_value.blob.return_value.upload_from_filename.call_args_list]
    assert len(uploads) == len(TABLE_SPECS) and all(p.is_file() and p.suffix == ".parquet" for p in uploads)
    bq.close.assert_called_once()


def test_bigquery_needs_project_and_bucket(settings: Settings) -> None:
    conf = _bq_settings(settings).model_copy(update={"gcs_bucket": None})
    with pytest.raises(ConfigError, match="MFG_GCS_BUCKET"):
        make_engine(conf, bigquery_client=MagicMock(), storage_client=MagicMock())
