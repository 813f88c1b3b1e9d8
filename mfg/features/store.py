"""The Feast store built from the settings: configuration, definitions, apply and materialize.

``feature_repo/`` holds only definitions and one ``feature_store.yaml`` per environment. Both read
``MFG_*`` placeholders named like the platform settings (plus two derived ones:
``MFG_FEAST_DATA_DIR`` = ``<data_dir>/feast`` for the registry and online SQLite file, and
``MFG_FEAST_FEATURES_PATH`` = ``<lake>/features/features_hourly``). Here those values come from the
:class:`~mfg.settings.Settings` object, never from the process environment, so two stores with
different settings can live in one process; the plain ``feast`` CLI reads the same names from the
environment.
"""

from __future__ import annotations

import os
import string
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from mfg.settings import FeastEnv, Settings

if TYPE_CHECKING:
    from feast import FeatureStore

FEATURE_SERVICE = "pdm_features"


class FeatureStoreError(RuntimeError):
    """The Feast repo, its configuration or its data is missing or inconsistent."""


def features_uri(settings: Settings, name: str = "features_hourly") -> str:
    """Where the batch job writes a feature table (absolute for a local lake)."""
    if settings.lake_is_local:
        return str((settings.lake_path / "features" / name).resolve())
    return f"{settings.lake_uri.rstrip('/')}/features/{name}"


def feast_data_dir(settings: Settings) -> Path:
    """Local folder of the registry and the SQLite online store."""
    return (settings.data_dir / "feast").resolve()


def store_variables(settings: Settings) -> dict[str, str]:
    """The ``MFG_*`` values the repo's yaml and definitions read, taken from the settings."""
    return {
        "MFG_FEAST_ENV": settings.feast_env.value,
        "MFG_FEAST_DATA_DIR": str(feast_data_dir(settings)),
        "MFG_FEAST_FEATURES_PATH": features_uri(settings),
        "MFG_GCP_PROJECT": settings.gcp_project or "",
        "MFG_GCS_BUCKET": settings.gcs_bucket or "",
        "MFG_BIGQUERY_DATASET": settings.bigquery_dataset,
        "MFG_BIGQUERY_LOCATION": settings.bigquery_location,
        "MFG_REDIS_URL": settings.redis_url or "",
    }


def repo_dir(settings: Settings) -> Path:
    path = settings.feature_repo_dir.resolve()
    if not (path / "entities.py").is_file():
        raise FeatureStoreError(f"MFG_FEATURE_REPO_DIR={settings.feature_repo_dir}: no Feast repo (entities.py) there")
    return path


def repo_config(settings: Settings) -> Any:
    """The ``RepoConfig`` of ``<repo>/<feast_env>/feature_store.yaml`` with placeholders filled."""
    from feast.repo_config import RepoConfig

    repo = repo_dir(settings)
    yaml_path = repo / settings.feast_env.value / "feature_store.yaml"
    if not yaml_path.is_file():
        raise FeatureStoreError(f"MFG_FEAST_ENV={settings.feast_env.value}: {yaml_path} does not exist")
    text = string.Template(yaml_path.read_text()).safe_substitute(store_variables(settings))
    raw = yaml.safe_load(text)
    config = RepoConfig(**raw)
    config.repo_path = repo
    return config


def feature_store(settings: Settings) -> FeatureStore:
    """A ``FeatureStore`` over the repo, configured for ``settings.feast_env``."""
    from feast import FeatureStore

    if settings.feast_env is FeastEnv.local:
        feast_data_dir(settings).mkdir(parents=True, exist_ok=True)
    return FeatureStore(config=repo_config(settings))


@contextmanager
def _definition_env(settings: Settings) -> Iterator[None]:
    """Expose the settings' values to the definition modules while Feast imports them."""
    saved = {k: os.environ.get(k) for k in store_variables(settings)}
    os.environ.update(store_variables(settings))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class Definitions:
    """The Feast objects defined in the repo's modules."""

    entities: list[Any] = field(default_factory=list)
    data_sources: list[Any] = field(default_factory=list)
    feature_views: list[Any] = field(default_factory=list)
    feature_services: list[Any] = field(default_factory=list)

    def all(self) -> list[Any]:
        return [*self.entities, *self.data_sources, *self.feature_views, *self.feature_services]


def load_definitions(settings: Settings) -> Definitions:
    """Import the repo's definition modules afresh and collect their Feast objects.

    Like ``feast apply``, the repo folder is put on ``sys.path`` so the modules import each other
    by plain name (``from entities import equipment``); earlier copies of those modules are dropped
    first so that a changed lake path or another repo copy is picked up.
    """
    import importlib

    from feast import Entity, FeatureService, FeatureView
    from feast.data_source import DataSource

    repo = repo_dir(settings)
    names = sorted(p.stem for p in repo.glob("*.py") if not p.name.startswith("_"))
    found = Definitions()
    buckets = (
        (Entity, found.entities),
        (DataSource, found.data_sources),
        (FeatureView, found.feature_views),
        (FeatureService, found.feature_services),
    )
    with _definition_env(settings):
        for name in names:
            sys.modules.pop(name, None)
        sys.path.insert(0, str(repo))
        try:
            for name in names:
                module = importlib.import_module(name)
                for obj in vars(module).values():
                    for kind, bucket in buckets:
                        if isinstance(obj, kind) and not any(obj is seen for seen in bucket):
                            bucket.append(obj)
        finally:
            sys.path.remove(str(repo))
            for name in names:
                sys.modules.pop(name, None)
    return found


def apply(settings: Settings) -> dict[str, Any]:
    """Register entities, sources, views and services; returns what was applied."""
    store = feature_store(settings)
    repo = load_definitions(settings)
    store.apply(repo.all())
    return {
        "project": store.project,
        "entities": len(repo.entities),
        "feature_views": len(repo.feature_views),
        "feature_services": len(repo.feature_services),
        "features": sum(len(fv.features) for fv in repo.feature_views),
    }


def data_range(settings: Settings) -> tuple[datetime, datetime]:
    """First and last ``event_timestamp`` of the local feature table."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    uri = features_uri(settings)
    if not Path(uri).exists():
        raise FeatureStoreError(f"feature table {uri} does not exist: run `mfg batch` first")
    table = ds.dataset(uri, format="parquet").to_table(columns=["event_timestamp"])
    if table.num_rows == 0:
        raise FeatureStoreError(f"feature table {uri} is empty")
    bounds = pc.min_max(table["event_timestamp"]).as_py()
    return bounds["min"], bounds["max"]


def materialize(settings: Settings, start: datetime | None = None, end: datetime | None = None) -> dict[str, Any]:
    """Load feature values between ``start`` and ``end`` (default: the whole table) into the online store."""
    from datetime import timedelta

    store = feature_store(settings)
    if start is None or end is None:
        first, last = data_range(settings)
        start = start or first - timedelta(seconds=1)
        end = end or last + timedelta(seconds=1)
    store.materialize(start_date=start, end_date=end)
    return {"materialized_from": start.isoformat(), "materialized_to": end.isoformat()}
