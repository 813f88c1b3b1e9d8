"""Data-quality report: the share of rows passing validation per warehouse table, and dbt test results.

Row checks run on the staged parquet files (exactly what was loaded into either engine) with an
in-memory DuckDB; a row passes when every check of its table holds. dbt test results come from the
last ``dbt build`` (``run_results.json`` + ``manifest.json``). The report is JSON plus a short
markdown page; it is ``ok`` when the row pass rate of every table and the dbt test pass rate reach
``settings.dq_min_pass_rate``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from mfg.batch.rules import SENSOR_RULES
from mfg.contracts.tables import DEFECT_CLASSES, EQUIPMENT_TYPES, STATUSES
from mfg.settings import Settings
from mfg.warehouse.dbt_runner import BUILD_RESULTS
from mfg.warehouse.loader import staging_dir


class DataQualityError(RuntimeError):
    """The inputs of the report are missing."""


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _range(col: str, low: float, high: float) -> str:
    return f"({col} IS NULL OR ({col} BETWEEN {low} AND {high}))"


#: table -> (key columns for the uniqueness check, {check name: SQL predicate a good row satisfies})
CHECKS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "fact_sensor_readings": (
        ("reading_id",),
        {
            "keys_not_null": "event_time IS NOT NULL AND equipment_id IS NOT NULL AND sequence IS NOT NULL",
            **{f"{s}_in_range": _range(s, r.low, r.high) for s, r in SENSOR_RULES.items()},
        },
    ),
    "fact_equipment_events": (
        ("event_id",),
        {
            "keys_not_null": "event_time IS NOT NULL AND equipment_id IS NOT NULL",
            "status_accepted": f"status IN {_in(STATUSES)}",
            "source_accepted": "event_source IN ('status', 'maintenance')",
            "end_after_start": "end_time IS NULL OR end_time >= event_time",
        },
    ),
    "fact_quality_inspections": (
        ("inspection_id",),
        {
            "keys_not_null": "event_time IS NOT NULL AND equipment_id IS NOT NULL AND batch_id IS NOT NULL",
            "defect_class_accepted": f"defect_class IN {_in(DEFECT_CLASSES)}",
            "units_consistent": "units_defective BETWEEN 0 AND units_produced",
        },
    ),
    "fact_production_metrics": (
        ("equipment_id", "hour_start"),
        {
            "units_consistent": "units_good BETWEEN 0 AND units_produced",
            "ideal_cycle_time_positive": "ideal_cycle_time_s > 0",
        },
    ),
    "dim_equipment": (
        ("equipment_id",),
        {
            "type_accepted": f"equipment_type IN {_in(EQUIPMENT_TYPES)}",
            "install_date_not_null": "install_date IS NOT NULL",
            "plant_known": "plant_name IS NOT NULL",
        },
    ),
    "dim_plant": (("plant_id",), {"timezone_not_null": "timezone IS NOT NULL"}),
    "dim_date": (("date_day",), {"date_not_null": "date_day IS NOT NULL"}),
    "dim_defect_types": (("defect_class",), {"severity_in_range": "severity BETWEEN 0 AND 3"}),
}


def validate_file(con: duckdb.DuckDBPyConnection, parquet: Path, table: str) -> dict[str, Any]:
    """Row checks of one staged table: rows, passing rows, pass rate and failures per check."""
    key, checks = CHECKS[table]
    checks = {**checks, "unique_key": "_dup = 1"}
    preds = {name: f"coalesce({sql}, FALSE)" for name, sql in checks.items()}
    all_ok = " AND ".join(preds.values())
    sums = ", ".join(f'sum(CASE WHEN {p} THEN 0 ELSE 1 END) AS "{n}"' for n, p in preds.items())
    sql = f"""
        SELECT count(*) AS rows, sum(CASE WHEN {all_ok} THEN 1 ELSE 0 END) AS passed, {sums}
        FROM (SELECT *, count(*) OVER (PARTITION BY {", ".join(key)}) AS _dup FROM read_parquet(?))
    """
    cur = con.execute(sql, [str(parquet)])
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchone() or (), strict=True))
    rows, passed = int(row["rows"] or 0), int(row["passed"] or 0)
    return {
        "rows": rows,
        "passed_rows": passed,
        "pass_rate": passed / rows if rows else 1.0,
        "failed_checks": {n: int(row[n] or 0) for n in preds if int(row[n] or 0)},
    }


def dbt_test_summary(dbt_dir: Path) -> dict[str, Any]:
    """Test outcomes of the last dbt build, overall and per model/source they are attached to."""
    results_file, manifest_file = dbt_dir / BUILD_RESULTS, dbt_dir / "target" / "manifest.json"
    if not results_file.is_file():
        return {"total": 0, "passed": 0, "failed": 0, "warned": 0, "pass_rate": None, "by_node": {}}
    results = json.loads(results_file.read_text()).get("results", [])
    nodes = json.loads(manifest_file.read_text()).get("nodes", {}) if manifest_file.is_file() else {}
    by_node: dict[str, dict[str, int]] = {}
    total = passed = failed = warned = 0
    for r in results:
        uid = str(r.get("unique_id", ""))
        if not uid.startswith("test."):
            continue
        total += 1
        status = r.get("status")
        passed += status == "pass"
        warned += status == "warn"
        failed += status in ("fail", "error")
        node = nodes.get(uid) or {}
        parents = (node.get("depends_on") or {}).get("nodes") or []
        attached = str(node.get("attached_node") or (parents[0] if len(parents) == 1 else "singular")).split(".")[-1]
        slot = by_node.setdefault(attached, {"total": 0, "passed": 0})
        slot["total"] += 1
        slot["passed"] += status == "pass"
    return {
        "total": total,
        "passed": passed,
        "failed": failed,
        "warned": warned,
        "pass_rate": passed / total if total else None,
        "by_node": by_node,
    }


def build_report(settings: Settings) -> dict[str, Any]:
    """Validate the staged tables and read the dbt results; returns the report (not yet written)."""
    stage = staging_dir(settings)
    missing = [t for t in CHECKS if not (stage / f"{t}.parquet").is_file()]
    if missing:
        raise DataQualityError(f"staged tables {missing} not found in {stage}: run `mfg warehouse load` first")
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        tables = {t: validate_file(con, stage / f"{t}.parquet", t) for t in CHECKS}
    finally:
        con.close()
    tests = dbt_test_summary((settings.data_dir / "dbt").resolve())
    rows = sum(t["rows"] for t in tables.values())
    row_rate = sum(t["passed_rows"] for t in tables.values()) / rows if rows else 1.0
    threshold = settings.dq_min_pass_rate
    ok = all(t["pass_rate"] >= threshold for t in tables.values()) and (
        tests["pass_rate"] is None or tests["pass_rate"] >= threshold
    )
    return {"tables": tables, "dbt_tests": tests, "row_pass_rate": row_rate, "threshold": threshold, "ok": ok}


def to_markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Data-quality report",
        "",
        f"Rows passing validation: **{report['row_pass_rate']:.4%}** (threshold {report['threshold']:.0%}); "
        f"status: **{'OK' if report['ok'] else 'FAILED'}**.",
        "",
        "| table | rows | passing | pass rate | failed checks |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, t in report["tables"].items():
        failed = ", ".join(f"{k}: {v}" for k, v in t["failed_checks"].items()) or "-"
        lines.append(f"| {name} | {t['rows']:,} | {t['passed_rows']:,} | {t['pass_rate']:.4%} | {failed} |")
    tests = report["dbt_tests"]
    rate = "n/a" if tests["pass_rate"] is None else f"{tests['pass_rate']:.2%}"
    lines += [
        "",
        f"dbt tests: {tests['passed']} of {tests['total']} passed ({rate}), {tests['failed']} failed, "
        f"{tests['warned']} warned.",
        "",
    ]
    return "\n".join(lines)


def write_report(settings: Settings, report: dict[str, Any]) -> tuple[Path, Path]:
    out = settings.data_dir / "dq"
    out.mkdir(parents=True, exist_ok=True)
    js, md = out / "dq_report.json", out / "dq_report.md"
    js.write_text(json.dumps(report, indent=2))
    md.write_text(to_markdown(report))
    return js, md
