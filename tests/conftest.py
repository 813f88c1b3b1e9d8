"""Shared fixtures: isolated settings per test, the real datasets folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mfg.settings import Settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose every local path lives under the test's tmp_path."""
    for key in list(os.environ):
        if key.startswith("MFG_"):
            monkeypatch.delenv(key)
    return Settings(
        data_dir=tmp_path,
        lake_uri=str(tmp_path / "lake"),
        sim_dir=tmp_path / "sim",
        schema_registry_dir=tmp_path / "schemas",
        duckdb_path=tmp_path / "warehouse.duckdb",
        mlflow_tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}",
        mlflow_artifact_root=str(tmp_path / "mlartifacts"),
        chroma_path=tmp_path / "chroma",
        datasets_dir=REPO.parent / "shared" / "datasets",
    )


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    """The real public datasets (SKAB, NAB); tests that need them skip, saying why, when absent."""
    path = Path(os.environ.get("MFG_DATASETS_DIR", REPO.parent / "shared" / "datasets"))
    if not (path / "skab").is_dir() or not (path / "nab").is_dir():
        pytest.skip(f"real datasets not found at {path} (set MFG_DATASETS_DIR to the folder with skab/ and nab/)")
    return path
