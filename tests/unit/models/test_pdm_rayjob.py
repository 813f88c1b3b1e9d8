"""The KubeRay RayJob manifest runs the same `mfg train pdm` entry point against its own cluster."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml
from typer.testing import CliRunner

from mfg.cli import _register, app

MANIFEST = Path(__file__).resolve().parents[3] / "k8s" / "ray" / "rayjob-pdm.yaml"


def test_rayjob_manifest_shape() -> None:
    job = yaml.safe_load(MANIFEST.read_text())
    assert job["apiVersion"] == "ray.io/v1" and job["kind"] == "RayJob"
    head = job["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in head["env"]}
    assert env["MFG_RAY_ADDRESS"] == "auto"  # join the RayJob's cluster, never start a local Ray
    assert job["spec"]["rayClusterSpec"]["workerGroupSpecs"][0]["replicas"] >= 1


def test_rayjob_entrypoint_is_a_real_command() -> None:
    job = yaml.safe_load(MANIFEST.read_text())
    argv = shlex.split(job["spec"]["entrypoint"])
    assert argv[:3] == ["mfg", "train", "pdm"]
    _register()
    result = CliRunner().invoke(app, [*argv[1:], "--help"])
    assert result.exit_code == 0, result.output
    assert "--engine" in result.output
