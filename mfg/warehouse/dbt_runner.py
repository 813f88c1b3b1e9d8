"""Run dbt in-process (``dbt.cli.main.dbtRunner``) against the warehouse the settings name.

The profile in ``dbt/profiles.yml`` reads ``DBT_*`` environment variables; they are set from the
settings for the duration of the call only, with ``DBT_SEND_ANONYMOUS_USAGE_STATS=false``.
Artifacts and logs go under ``<data_dir>/dbt/``, never into the repository.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mfg.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
#: copy of the last ``dbt build``'s run_results.json under ``<data_dir>/dbt/``
BUILD_RESULTS = "build_results.json"


class DbtError(RuntimeError):
    """dbt failed (compilation error, failing model or test)."""


@dataclass
class DbtResult:
    command: str
    success: bool
    target_path: Path
    results: list[dict[str, Any]] = field(default_factory=list)


def project_dir(settings: Settings) -> Path:
    p = settings.dbt_project_dir
    if not p.is_absolute() and not p.exists():
        p = REPO_ROOT / p
    if not (p / "dbt_project.yml").is_file():
        raise DbtError(f"MFG_DBT_PROJECT_DIR={settings.dbt_project_dir}: no dbt_project.yml in {p}")
    return p.resolve()


def dbt_env(settings: Settings) -> dict[str, str]:
    """The environment ``dbt/profiles.yml`` reads."""
    return {
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_TARGET": settings.dbt_target,
        "DBT_DUCKDB_PATH": str(settings.duckdb_path.resolve()),
        "DBT_BIGQUERY_PROJECT": settings.gcp_project or "manufacturing-copilot",
        "DBT_BIGQUERY_DATASET": settings.bigquery_dataset,
        "DBT_BIGQUERY_LOCATION": settings.bigquery_location,
    }


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _release_duckdb() -> None:
    """Close dbt-duckdb's cached database handle, so the file can be opened again in this process."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a dependency
        return
    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()


def run_dbt(
    settings: Settings, command: str, extra: Sequence[str] = (), *, target: str | None = None, check: bool = True
) -> DbtResult:
    """Run ``dbt <command>`` (build, parse, docs generate, source freshness, ...)."""
    from dbt.cli.main import dbtRunner

    project = project_dir(settings)
    out = (settings.data_dir / "dbt").resolve()
    target_path = out / "target"
    args = [
        *command.split(),
        "--project-dir", str(project),
        "--profiles-dir", str(project),
        "--target", target or settings.dbt_target,
        "--target-path", str(target_path),
        "--log-path", str(out / "logs"),
        *extra,
    ]  # fmt: skip
    if command.split()[0] != "parse":
        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    with _environment(dbt_env(settings)):
        try:
            res = dbtRunner().invoke(args)
        finally:
            _release_duckdb()
    results: list[dict[str, Any]] = []
    run_results = target_path / "run_results.json"
    if command.split()[0] in ("build", "run", "test") and run_results.is_file():
        results = json.loads(run_results.read_text()).get("results", [])
        if command.split()[0] == "build":  # kept for the data-quality report; docs/parse overwrite the original
            (out / BUILD_RESULTS).write_text(run_results.read_text())
    if check and not res.success:
        failed = [f"{r['unique_id']}: {r['status']}" for r in results if r.get("status") in ("error", "fail")]
        detail = "; ".join(failed[:10]) or str(res.exception or "see the dbt log")
        raise DbtError(f"dbt {command} failed: {detail}")
    return DbtResult(command=command, success=bool(res.success), target_path=target_path, results=results)
