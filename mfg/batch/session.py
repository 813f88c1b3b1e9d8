"""Build the SparkSession from the settings: ``local[*]`` by default, Kubernetes when the master is k8s://."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from mfg.settings import Settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def spark_conf(settings: Settings, *, app_name: str = "mfg-batch") -> dict[str, str]:
    """The Spark configuration the jobs run with (pure: unit-testable without a JVM)."""
    conf: dict[str, str] = {
        "spark.app.name": app_name,
        "spark.master": settings.spark_master,
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.sql.shuffle.partitions": str(settings.spark_shuffle_partitions),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.sources.partitionOverwriteMode": "static",
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.ansi.enabled": "false",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
        "spark.hadoop.parquet.enable.summary-metadata": "false",
    }
    if settings.spark_master.startswith("k8s://"):
        conf.update(
            {
                "spark.submit.deployMode": "client",
                "spark.kubernetes.container.image": settings.spark_k8s_image,
                "spark.kubernetes.namespace": settings.spark_k8s_namespace,
                "spark.kubernetes.authenticate.driver.serviceAccountName": "spark",
                "spark.executor.instances": str(settings.spark_executor_instances),
                "spark.executor.memory": settings.spark_executor_memory,
            }
        )
    return conf


def build_session(settings: Settings, *, app_name: str = "mfg-batch", set_master: bool = True) -> SparkSession:
    """Get or create the SparkSession for ``settings`` (reuses a running one).

    ``set_master=False`` leaves the master to ``spark-submit`` / the SparkApplication.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    for key, value in spark_conf(settings, app_name=app_name).items():
        if key == "spark.master" and not set_master:
            continue
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("FATAL")
    return spark
