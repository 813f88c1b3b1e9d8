"""The ``mfg`` entry point: help is fast and lists the areas, bad config exits 2 with a message."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _mfg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MFG_")}
    return subprocess.run(
        [sys.executable, "-m", "mfg", *args], capture_output=True, text=True, env={**base, **(env or {})}, timeout=120
    )


def test_help_lists_commands() -> None:
    out = _mfg("--help")
    assert out.returncode == 0, out.stderr
    from mfg.cli import GROUPS

    commands = {"config", "demo", "simulate"} | {name for name, _, _ in GROUPS}
    listed = {line.split()[1] for line in out.stdout.splitlines() if line.startswith("│ ") and len(line.split()) > 1}
    assert commands <= listed, commands - listed


def test_config_prints_effective_settings() -> None:
    out = _mfg("config", env={"MFG_SPARK_MASTER": "local[2]"})
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["spark_master"] == "local[2]"


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"MFG_BROKER_PORT": "99999"}, "MFG_BROKER_PORT"),
        ({"MFG_FEAST_ENV": "gcp"}, "MFG_REDIS_URL"),
    ],
)
def test_bad_config_stops_at_start_up(env: dict[str, str], needle: str) -> None:
    out = _mfg("config", env=env)
    assert out.returncode == 2
    assert needle in out.stderr
    assert "Traceback" not in out.stderr
