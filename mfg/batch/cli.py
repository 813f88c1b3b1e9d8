"""``mfg batch``: run the Spark jobs (cleansing, features, labels, aggregates) and show their config."""

from __future__ import annotations

import json

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.command("run")
def run(
    ctx: typer.Context,
    job: list[str] = typer.Option(
        [], "--job", "-j", help="Job(s) to run: cleansing, features, labels, aggregates (default: all, in order)."
    ),
) -> None:
    """Run batch jobs on the lake with a SparkSession built from the settings; prints a JSON summary."""
    from mfg.batch.jobs import UnknownJobError, resolve, run_jobs
    from mfg.batch.session import build_session
    from mfg.cli import get_settings

    settings = get_settings(ctx)
    try:
        names = resolve(job)
    except UnknownJobError as exc:
        raise typer.BadParameter(str(exc), param_hint="--job") from None
    spark = build_session(settings)
    try:
        print(json.dumps(run_jobs(spark, settings, names), indent=2, default=str))
    finally:
        spark.stop()


@app.command("conf")
def conf(ctx: typer.Context) -> None:
    """Print the Spark configuration the jobs would use (local or Kubernetes)."""
    from mfg.batch.session import spark_conf
    from mfg.cli import get_settings

    print(json.dumps(spark_conf(get_settings(ctx)), indent=2))
