"""``mfg stream check-schemas`` passes on the shipped schemas and fails on a breaking version."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from mfg.contracts.avro import SCHEMA_DIR


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mfg", "stream", "check-schemas", *args], capture_output=True, text=True, timeout=60
    )


def test_shipped_schemas_pass() -> None:
    done = _check()
    assert done.returncode == 0, done.stderr
    assert "equipment_alerts v1 -> v2: ok" in done.stderr


def test_breaking_version_fails(tmp_path: Path) -> None:
    shutil.copy(SCHEMA_DIR / "equipment_status.v1.avsc", tmp_path)
    schema = json.loads((tmp_path / "equipment_status.v1.avsc").read_text())
    schema["fields"].append({"name": "shift", "type": "int"})
    (tmp_path / "equipment_status.v2.avsc").write_text(json.dumps(schema))
    done = _check("--dir", str(tmp_path))
    assert done.returncode == 1
    assert "BREAKING" in done.stderr and "shift" in done.stderr
