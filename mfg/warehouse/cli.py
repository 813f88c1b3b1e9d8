"""``mfg warehouse``: load the warehouse, run dbt, write the data-quality report."""

from __future__ import annotations

import json

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.command("load")
def load(ctx: typer.Context) -> None:
    """Load the fact and dimension tables into DuckDB or BigQuery (MFG_WAREHOUSE_ENGINE)."""
    from mfg.cli import get_settings
    from mfg.warehouse.loader import load_warehouse

    print(json.dumps(load_warehouse(get_settings(ctx), progress=True), indent=2))


@app.command("dbt", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def dbt(
    ctx: typer.Context,
    command: str = typer.Argument(..., help="build, parse, docs (= docs generate), test, run, freshness."),
    target: str | None = typer.Option(None, help="dbt target (default MFG_DBT_TARGET)."),
) -> None:
    """Run dbt in-process on the project in MFG_DBT_PROJECT_DIR; extra arguments go to dbt."""
    from mfg.cli import get_settings
    from mfg.warehouse.dbt_runner import DbtError, run_dbt

    full = {"docs": "docs generate", "freshness": "source freshness"}.get(command, command)
    try:
        res = run_dbt(get_settings(ctx), full, list(ctx.args), target=target)
    except DbtError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"dbt {full}: {'ok' if res.success else 'failed'} (artifacts in {res.target_path})", err=True)


@app.command("dq")
def dq(ctx: typer.Context) -> None:
    """Write the data-quality report (JSON + markdown); exits 1 below MFG_DQ_MIN_PASS_RATE."""
    from mfg.cli import get_settings
    from mfg.warehouse.dq import DataQualityError, build_report, to_markdown, write_report

    settings = get_settings(ctx)
    try:
        report = build_report(settings)
    except DataQualityError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    js, md = write_report(settings, report)
    print(to_markdown(report))
    typer.echo(f"report: {js} and {md}", err=True)
    if not report["ok"]:
        raise typer.Exit(1)
