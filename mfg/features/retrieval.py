"""Reading features: point-in-time training sets (offline store) and online rows for serving."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mfg.features.store import FEATURE_SERVICE, FeatureStoreError, feature_store
from mfg.settings import Settings

if TYPE_CHECKING:
    import pandas as pd

ENTITY_COLUMNS = ("equipment_id", "event_timestamp")
#: entity rows per ``get_historical_features`` call when no chunk is given
CHUNK_ROWS = 480


def training_set(
    settings: Settings,
    entity_df: pd.DataFrame,
    service: str = FEATURE_SERVICE,
    chunk: str | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Join the feature service's features onto ``entity_df`` as of each row's ``event_timestamp``.

    ``entity_df`` holds ``equipment_id``, ``event_timestamp`` (tz-aware UTC) and any label columns;
    each row gets the latest feature values at or before its timestamp (within the view's TTL), so
    no value from the future leaks into a training row.

    The rows go to ``get_historical_features`` in time chunks (``chunk``, a pandas frequency;
    default: whole hours holding about :data:`CHUNK_ROWS` rows) with dask's synchronous scheduler:
    the file offline store's cost grows faster than linearly with the entity rows of one call
    (measured: 500 rows 3.9 s / 1.7 GB, 3,000 rows 55 s / 6.8 GB), while one day of a 20-machine
    fleet (480 rows) takes about 2 s at about 1.3 GB.
    """
    import dask
    import pandas as pd
    from rich.progress import track

    missing = [c for c in ENTITY_COLUMNS if c not in entity_df.columns]
    if missing:
        raise FeatureStoreError(f"entity_df lacks column(s) {missing}; it needs {list(ENTITY_COLUMNS)}")
    frame = entity_df.copy()
    frame["event_timestamp"] = pd.to_datetime(frame["event_timestamp"], utc=True)
    store = feature_store(settings)
    features = store.get_feature_service(service)
    if chunk is None:
        per_hour = max(1, frame["equipment_id"].nunique())
        chunk = f"{max(1, CHUNK_ROWS // per_hour)}h"
    groups = [part for _, part in frame.groupby(frame["event_timestamp"].dt.floor(chunk))]
    parts = []
    with dask.config.set(scheduler="synchronous"):
        for part in track(groups, description="point-in-time join", disable=not progress, transient=True):
            parts.append(store.get_historical_features(entity_df=part, features=features).to_df())
    if not parts:
        raise FeatureStoreError("entity_df is empty")
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(list(ENTITY_COLUMNS)).reset_index(drop=True)


def online_features(settings: Settings, equipment_ids: list[str], service: str = FEATURE_SERVICE) -> pd.DataFrame:
    """The latest materialized feature row per machine (one row per id, in the order given)."""
    store = feature_store(settings)
    response = store.get_online_features(
        features=store.get_feature_service(service),
        entity_rows=[{"equipment_id": eid} for eid in equipment_ids],
    )
    return response.to_df()
