"""dbt build on DuckDB over small simulator data (numpy fleet while the simulator is absent), docs, DQ."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from mfg.settings import Settings
from mfg.warehouse.dbt_runner import run_dbt
from mfg.warehouse.demo import MARTS, demo_step

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def write_small_lake(lake: Path) -> None:
    try:
        from mfg.simulator import SimConfig, simulate, write_simulation
    except ImportError:
        from mfg.batch.synthetic import Fleet, write_fleet

        write_fleet(lake, Fleet(equipment=4, days=10, interval_s=300))
        return
    write_simulation(simulate(SimConfig(equipment=4, days=10, seed=11, interval_s=300)), lake, progress=False)


def test_warehouse_demo_step_builds_marts(settings: Settings) -> None:
    write_small_lake(settings.lake_path)
    summary = demo_step(settings, None)

    assert summary["dq_ok"] and summary["dq_row_pass_rate"] > 0.99
    assert summary["dbt_tests_total"] > 50 and summary["dbt_tests_passed"] == summary["dbt_tests_total"]
    for mart in MARTS:
        assert summary[f"{mart}_rows"] > 0, mart
    assert 0 <= summary["worst_oee"] <= summary["best_oee"] <= 1
    assert summary["best_machine"] != summary["worst_machine"]

    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        bad = con.execute(
            "SELECT count(*) FROM mart_oee WHERE abs(oee - availability * performance * quality) > 1e-9"
        ).fetchone()
        assert bad == (0,)
        days = con.execute("SELECT count(DISTINCT date_day) FROM mart_oee").fetchone()
        assert days is not None and days[0] >= 10
        statuses = {r[0] for r in con.execute("SELECT DISTINCT health_status FROM mart_equipment_health").fetchall()}
        assert statuses <= {"healthy", "watch", "critical"}
    finally:
        con.close()

    docs = run_dbt(settings, "docs generate")
    assert (docs.target_path / "catalog.json").is_file() and (docs.target_path / "index.html").is_file()
    fresh = run_dbt(settings, "source freshness")
    assert fresh.success


def test_dbt_build_fails_on_bad_data(settings: Settings) -> None:
    from mfg.warehouse.dbt_runner import DbtError
    from mfg.warehouse.loader import load_warehouse

    write_small_lake(settings.lake_path)
    load_warehouse(settings)
    con = duckdb.connect(str(settings.duckdb_path))
    try:
        con.execute(
            "UPDATE fact_equipment_events SET status = 'broken' WHERE event_id = "
            "(SELECT min(event_id) FROM fact_equipment_events WHERE event_source = 'status')"
        )
    finally:
        con.close()
    with pytest.raises(DbtError, match="accepted_values"):
        run_dbt(settings, "build")
    res = run_dbt(settings, "build", check=False)
    failed = [r["unique_id"] for r in res.results if r["status"] == "fail"]
    assert failed and all("accepted_values" in f for f in failed)
