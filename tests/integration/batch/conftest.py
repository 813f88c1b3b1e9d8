"""A real local Spark session shared by the batch tests (2 cores, 2 GB driver, 4 shuffle partitions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mfg.settings import Settings


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from mfg.batch.session import build_session

    base = tmp_path_factory.mktemp("spark")
    conf = Settings(
        data_dir=base,
        lake_uri=str(base / "lake"),
        spark_master="local[2]",
        spark_driver_memory="2g",
        spark_shuffle_partitions=4,
    )
    session = build_session(conf, app_name="mfg-tests")
    yield session
    session.stop()
