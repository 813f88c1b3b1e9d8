"""Demo step "warehouse": load the warehouse -> dbt build -> data-quality report."""

from __future__ import annotations

from typing import Any

from mfg.settings import Settings

MARTS = ("mart_equipment_health", "mart_predictive_maintenance", "mart_quality_dashboard", "mart_oee")


def mart_summary(settings: Settings) -> dict[str, Any]:
    """Row count of each mart and the best and worst machine by mean daily OEE (DuckDB warehouse)."""
    import duckdb

    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        out: dict[str, Any] = {}
        for m in MARTS:
            row = con.execute(f"SELECT count(*) FROM {m}").fetchone()
            out[f"{m}_rows"] = int(row[0]) if row else 0
        ranked = con.execute(
            "SELECT equipment_id, avg(oee) AS oee FROM mart_oee WHERE oee IS NOT NULL "
            "GROUP BY equipment_id ORDER BY oee DESC, equipment_id"
        ).fetchall()
    finally:
        con.close()
    if ranked:
        out["best_machine"], out["best_oee"] = ranked[0][0], round(float(ranked[0][1]), 4)
        out["worst_machine"], out["worst_oee"] = ranked[-1][0], round(float(ranked[-1][1]), 4)
    return out


def demo_step(settings: Settings, ctx: Any) -> dict[str, Any]:
    from mfg.settings import WarehouseEngine
    from mfg.warehouse.dbt_runner import run_dbt
    from mfg.warehouse.dq import build_report, write_report
    from mfg.warehouse.loader import load_warehouse

    loaded = load_warehouse(settings, progress=True)
    build = run_dbt(settings, "build")
    report = build_report(settings)
    write_report(settings, report)
    summary: dict[str, Any] = {
        "warehouse_rows": sum(loaded.values()),
        "dbt_nodes": len(build.results),
        "dbt_tests_passed": report["dbt_tests"]["passed"],
        "dbt_tests_total": report["dbt_tests"]["total"],
        "dq_row_pass_rate": round(report["row_pass_rate"], 5),
        "dq_ok": report["ok"],
    }
    if settings.warehouse_engine is WarehouseEngine.duckdb:
        summary.update(mart_summary(settings))
    return summary
