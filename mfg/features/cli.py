"""``mfg features``: apply the Feast repo, materialize the online store, read online features."""

from __future__ import annotations

import json

import typer

from mfg.cli import get_settings

app = typer.Typer(no_args_is_help=True)


@app.command("apply")
def apply_cmd(ctx: typer.Context) -> None:
    """Register entities, sources, feature views and services in the Feast registry."""
    from mfg.features.store import apply

    print(json.dumps(apply(get_settings(ctx))))


@app.command("materialize")
def materialize_cmd(
    ctx: typer.Context,
    start: str | None = typer.Option(None, help="ISO start time (default: first row of the feature table)."),
    end: str | None = typer.Option(None, help="ISO end time (default: last row of the feature table)."),
) -> None:
    """Apply the repo, then load feature values into the online store."""
    from datetime import datetime

    from mfg.features.store import apply, materialize

    settings = get_settings(ctx)
    apply(settings)
    summary = materialize(
        settings,
        datetime.fromisoformat(start) if start else None,
        datetime.fromisoformat(end) if end else None,
    )
    print(json.dumps(summary))


@app.command("online")
def online_cmd(ctx: typer.Context, equipment_id: list[str] = typer.Argument(..., help="Machine ids to read.")) -> None:
    """Print the latest online feature row of each machine as JSON lines."""
    from mfg.features.retrieval import online_features

    frame = online_features(get_settings(ctx), list(equipment_id))
    for record in frame.to_dict(orient="records"):
        print(json.dumps(record, default=str))
