"""Reading features: point-in-time training sets (offline store) and online rows for serving."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mfg.features.store import FEATURE_SERVICE, FeatureStoreError, feature_store
from mfg.settings import Settings

if TYPE_CHECKING:
    import pandas as pd

ENTITY_COLUMNS = ("equipment_id", "event_timestamp")


def training_set(
    settings: Settings,
    entity_df: pd.DataFrame,
    service: str = FEATURE_SERVICE,
    progress: bool = False,
) -> pd.DataFrame:
    """Join the feature service's features onto ``entity_df`` as of each row's ``event_timestamp``.

    ``entity_df`` holds ``equipment_id``, ``event_timestamp`` (tz-aware UTC) and any label columns;
    each row gets the latest feature values at or before its timestamp (within the view's TTL), so
    no value from the future leaks into a training row.

    One ``get_historical_features`` call: the local store's DuckDB offline store does the as-of
    join in SQL (measured: 14,400 entity rows in 24 s at 0.7 GB; the dask ``file`` store it
    replaced needed time chunks of about 480 rows and 1.3 GB each, and 3,000 rows in one call took
    55 s / 6.8 GB). Rows come back sorted by machine and time.
    """
    import pandas as pd
    from rich.console import Console

    missing = [c for c in ENTITY_COLUMNS if c not in entity_df.columns]
    if missing:
        raise FeatureStoreError(f"entity_df lacks column(s) {missing}; it needs {list(ENTITY_COLUMNS)}")
    if entity_df.empty:
        raise FeatureStoreError("entity_df is empty")
    frame = entity_df.copy()
    frame["event_timestamp"] = pd.to_datetime(frame["event_timestamp"], utc=True)
    store = feature_store(settings)
    features = store.get_feature_service(service)
    with Console(quiet=not progress).status(f"point-in-time join of {len(frame):,} rows"):
        out = store.get_historical_features(entity_df=frame, features=features).to_df()
    return out.sort_values(list(ENTITY_COLUMNS)).reset_index(drop=True)


def online_features(settings: Settings, equipment_ids: list[str], service: str = FEATURE_SERVICE) -> pd.DataFrame:
    """The latest materialized feature row per machine (one row per id, in the order given)."""
    store = feature_store(settings)
    response = store.get_online_features(
        features=store.get_feature_service(service),
        entity_rows=[{"equipment_id": eid} for eid in equipment_ids],
    )
    return response.to_df()
