"""The batch jobs by name, in dependency order, and a runner used by the CLI, spark-submit and the demo."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mfg.batch.aggregates import run_aggregates
from mfg.batch.cleansing import run_cleansing
from mfg.batch.features import run_features
from mfg.batch.labels import run_labels
from mfg.settings import Settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

JobFn = Callable[["SparkSession", Settings], dict[str, Any]]

#: name -> job, in the order they must run (features and aggregates read the cleansed tables,
#: labels read the feature keys).
JOBS: dict[str, JobFn] = {
    "cleansing": run_cleansing,
    "features": run_features,
    "labels": run_labels,
    "aggregates": run_aggregates,
}


class UnknownJobError(ValueError):
    """A job name that is not in :data:`JOBS`."""


def resolve(names: Sequence[str] | None) -> list[str]:
    """Requested job names in dependency order (all when none are given)."""
    if not names:
        return list(JOBS)
    unknown = [n for n in names if n not in JOBS]
    if unknown:
        raise UnknownJobError(f"unknown batch job(s) {unknown}; known: {list(JOBS)}")
    return [n for n in JOBS if n in names]


def run_jobs(spark: SparkSession, settings: Settings, names: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the jobs; returns ``{job: {...counts..., "seconds": s}}``."""
    results: dict[str, Any] = {}
    for name in resolve(names):
        t0 = time.perf_counter()
        out = JOBS[name](spark, settings)
        out["seconds"] = round(time.perf_counter() - t0, 2)
        results[name] = out
    return results
