"""``mfg broker start|stop|status``: the embedded Kafka-protocol broker."""

from __future__ import annotations

import typer
from rich.console import Console

from mfg.cli import get_settings

app = typer.Typer(no_args_is_help=True)
console = Console(soft_wrap=True)


@app.command("start")
def start_cmd(ctx: typer.Context) -> None:
    """Start the embedded broker in the background (waits until it accepts connections)."""
    from mfg.streaming import broker
    from mfg.streaming.errors import BrokerError

    settings = get_settings(ctx)
    if settings.kafka_bootstrap:
        console.print(f"MFG_KAFKA_BOOTSTRAP={settings.kafka_bootstrap} is set: using that cluster, nothing started")
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        st = broker.start(settings)
    except BrokerError as exc:
        console.print(f"[red]broker error[/red]: {exc}")
        raise typer.Exit(1) from None
    console.print(f"broker running at {st.address} (pid {st.pid})")


@app.command("stop")
def stop_cmd(ctx: typer.Context) -> None:
    """Stop the embedded broker (its in-memory topics are lost)."""
    from mfg.streaming import broker

    settings = get_settings(ctx)
    if settings.kafka_bootstrap:
        console.print(f"MFG_KAFKA_BOOTSTRAP={settings.kafka_bootstrap} is set: nothing to stop")
        return
    console.print("broker stopped" if broker.stop(settings) else "no broker was running")


@app.command("status")
def status_cmd(ctx: typer.Context) -> None:
    """Say whether a broker runs and where."""
    from mfg.streaming import broker

    st = broker.status(get_settings(ctx))
    if st.external:
        console.print(f"external cluster at {st.address} (MFG_KAFKA_BOOTSTRAP)")
    elif st.running:
        console.print(f"embedded broker running at {st.address} (pid {st.pid})")
    else:
        console.print(f"embedded broker not running (would listen on {st.address})")
        raise typer.Exit(3)
