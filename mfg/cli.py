"""The ``mfg`` command line. Each area registers its own sub-commands from ``mfg/<area>/cli.py``.

Sub-command modules import their heavy dependencies inside the command functions, so ``mfg --help``
stays fast and nothing happens at import time.
"""

from __future__ import annotations

import importlib
import json
import sys

import typer
from rich.console import Console

from mfg.settings import ConfigError, Settings, load_settings

app = typer.Typer(
    name="mfg",
    help="Manufacturing Copilot: simulate, stream, transform, train and serve plant data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)

#: (name, module) of sub-command groups; each module exposes ``app: typer.Typer``.
GROUPS: list[tuple[str, str, str]] = [
    ("datasets", "mfg.datasets.cli", "Import real labelled datasets into the lake contracts."),
    ("broker", "mfg.streaming.broker_cli", "Run the embedded Kafka-protocol broker."),
    ("stream", "mfg.streaming.cli", "Produce to and consume from the Kafka topics."),
    ("batch", "mfg.batch.cli", "Spark jobs: cleansing, features, labels, aggregates."),
    ("warehouse", "mfg.warehouse.cli", "Load the warehouse and run dbt."),
    ("features", "mfg.features.cli", "Feast feature store: apply, materialize, training sets."),
    ("train", "mfg.models.cli", "Train, evaluate and register the models."),
    ("evaluate", "mfg.models.evaluate_cli", "Evaluate the model recipes on your own data."),
]
#: single commands: (module, function name)
COMMANDS: list[tuple[str, str]] = [
    ("mfg.simulator.cli", "simulate"),
]


def get_settings(ctx: typer.Context) -> Settings:
    """The settings built once by the root callback."""
    obj = ctx.find_root().obj
    if not isinstance(obj, Settings):  # pragma: no cover - the callback always sets it
        raise typer.Exit(2)
    return obj


@app.callback()
def _root(ctx: typer.Context) -> None:
    try:
        ctx.obj = load_settings()
    except ConfigError as exc:
        console.print(f"[red]configuration error[/red]: {exc}")
        raise typer.Exit(2) from None


@app.command("config")
def show_config(ctx: typer.Context) -> None:
    """Print the effective settings as JSON (secrets masked)."""
    settings = get_settings(ctx)
    print(json.dumps(settings.model_dump(mode="json"), indent=2, default=str))


@app.command("demo")
def demo(
    ctx: typer.Context,
    equipment: int = typer.Option(40, min=1, help="Machines in the simulated fleet."),
    days: int = typer.Option(60, min=1, help="Simulated days."),
) -> None:
    """Run the whole loop on the embedded defaults and print a summary."""
    from mfg.demo import run_demo

    run_demo(get_settings(ctx), equipment=equipment, days=days, console=Console())


def _register() -> None:
    for name, module, help_text in GROUPS:
        app.add_typer(importlib.import_module(module).app, name=name, help=help_text)
    for module, func in COMMANDS:
        app.command(func)(getattr(importlib.import_module(module), func))


def main() -> None:
    _register()
    try:
        app()
    except ConfigError as exc:
        console.print(f"[red]configuration error[/red]: {exc}")
        sys.exit(2)


if __name__ == "__main__":
    main()
