"""Feast data sources: the hourly feature table written by the Spark feature job.

Where the table lives depends on the environment; both come from ``MFG_*`` variables, the same
names as the platform settings (``mfg features`` fills them from :class:`mfg.settings.Settings`;
the plain ``feast`` CLI reads them from the environment):

* local (``MFG_FEAST_ENV`` unset or ``local``): the parquet files under ``MFG_FEAST_FEATURES_PATH``
  (``<lake>/features/features_hourly/**/*.parquet``, read by the DuckDB offline store),
* gcp: the BigQuery table ``MFG_GCP_PROJECT.MFG_BIGQUERY_DATASET.features_hourly``.
"""

import os

from feast import BigQuerySource, FileSource
from feast.data_format import ParquetFormat

_ENV = os.environ.get("MFG_FEAST_ENV", "local")

if _ENV == "gcp":
    features_hourly = BigQuerySource(
        name="features_hourly",
        table=(
            f"{os.environ.get('MFG_GCP_PROJECT', 'unset-project')}."
            f"{os.environ.get('MFG_BIGQUERY_DATASET', 'manufacturing')}.features_hourly"
        ),
        timestamp_field="event_timestamp",
        description="Hourly rolling sensor statistics and context per machine (BigQuery).",
    )
else:
    features_hourly = FileSource(
        name="features_hourly",
        # a glob over the date partitions: the DuckDB offline store reads it with read_parquet
        path=os.environ.get("MFG_FEAST_FEATURES_PATH", "var/lake/features/features_hourly") + "/**/*.parquet",
        file_format=ParquetFormat(),
        timestamp_field="event_timestamp",
        description="Hourly rolling sensor statistics and context per machine (parquet lake).",
    )
