"""``mfg datasets``: import real labelled datasets through a mapping; list and show shipped mappings.

Errors in the mapping or the data print one clear line (file, line, column) and exit with code 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from mfg.datasets.importer import ImportResult
    from mfg.datasets.mapping import Mapping
    from mfg.settings import Settings

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
err = Console(stderr=True)


def _settings(ctx: typer.Context) -> Settings:
    from mfg.settings import Settings, load_settings

    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else load_settings()


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[red]error[/red]: {escape(str(exc))}", soft_wrap=True)
    return typer.Exit(2)


def _resolve(settings: Settings, m: Mapping, source: Path | None, out: Path | None) -> tuple[Path, Path]:
    from mfg.datasets.errors import DatasetImportError

    if source is None:
        if m.default_source is None:
            raise DatasetImportError(f"mapping {m.name!r} has no default_source: pass --source")
        source = settings.datasets_dir / m.default_source
    if out is None:
        if "://" in settings.lake_uri:
            raise DatasetImportError(f"lake_uri {settings.lake_uri!r} is remote: pass a local --out")
        out = Path(settings.lake_uri) / m.name
    return source, out


def _print_summary(result: ImportResult, m: Mapping) -> None:
    from rich.table import Table

    table = Table(title=f"imported {m.name}", show_header=False)
    table.add_row("source", escape(str(result.source)))
    table.add_row("out", escape(str(result.out)))
    table.add_row("files", str(result.files))
    table.add_row("rows", f"{result.rows:,}")
    table.add_row("equipment", str(len(result.equipment)))
    table.add_row("time", f"{result.time_start} → {result.time_end}")
    for name, count in result.label_counts.items():
        table.add_row(f"label {name}", f"{count:,} ({m.labels[name].kind})")
    table.add_row("extras", escape(", ".join(result.extras) or "-"))
    Console().print(table)


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    mapping: str = typer.Option(
        ..., "--mapping", "-m", help="Mapping YAML path, or a shipped mapping name (`mfg datasets list`)."
    ),
    source: Path | None = typer.Option(
        None, "--source", help="Data file or folder. Default: the mapping's default_source in settings.datasets_dir."
    ),
    out: Path | None = typer.Option(None, "--out", help="Output folder. Default: <lake_uri>/<mapping name>."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an earlier import in --out."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON line instead of a table."),
) -> None:
    """Import a dataset into <out>/sensor_readings, <out>/labels and <out>/sensor_readings_extra."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from mfg.datasets.errors import DatasetError
    from mfg.datasets.importer import import_dataset
    from mfg.datasets.mapping import load_mapping
    from mfg.datasets.reader import discover_files

    try:
        m = load_mapping(mapping)
        src, dest = _resolve(_settings(ctx), m, source, out)
        files = discover_files(m, src)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True) as progress:
            task = progress.add_task(f"importing {m.name}", total=len(files))

            def advance(path: Path, rows: int) -> None:
                progress.update(task, advance=1, description=f"{escape(path.name)} ({rows:,} rows)")

            result = import_dataset(m, src, dest, overwrite=overwrite, on_file=advance)
    except DatasetError as exc:
        raise _fail(exc) from None
    if as_json:
        print(json.dumps(result.summary()))
    else:
        _print_summary(result, m)


@app.command("list")
def list_cmd() -> None:
    """List the shipped mappings."""
    from rich.table import Table

    from mfg.datasets.errors import DatasetError
    from mfg.datasets.mapping import load_mapping, shipped_mappings

    table = Table("name", "default source", "labels", "description")
    try:
        for name in shipped_mappings():
            m = load_mapping(name)
            table.add_row(name, escape(m.default_source or "-"), ", ".join(m.labels), escape(m.description))
    except DatasetError as exc:
        raise _fail(exc) from None
    Console().print(table)


@app.command("show")
def show_cmd(name: str = typer.Argument(..., help="A shipped mapping name.")) -> None:
    """Print a shipped mapping's YAML (a starting point for your own)."""
    from mfg.datasets.mapping import shipped_mappings

    shipped = shipped_mappings()
    if name not in shipped:
        err.print(f"[red]error[/red]: no shipped mapping {escape(name)!r}; shipped: {sorted(shipped)}", soft_wrap=True)
        raise typer.Exit(2)
    print(shipped[name], end="")
