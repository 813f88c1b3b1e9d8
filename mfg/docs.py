"""Generate ``docs/configuration.md`` from the :class:`~mfg.settings.Settings` fields.

``python -m mfg.docs`` writes it; ``python -m mfg.docs --check`` fails when the file is stale, so the
page cannot drift from the code.
"""

from __future__ import annotations

import argparse
import sys
from enum import Enum
from pathlib import Path

from mfg.settings import Settings

DOC = Path("docs/configuration.md")

HEADER = """# Configuration

Every setting is an environment variable with the `MFG_` prefix, or a key (without the prefix) of a
YAML profile named by `MFG_PROFILE`. Environment variables win over the profile; the defaults are the
embedded one-machine setup. Bad values stop `mfg` at start-up with the variable and value named.
`mfg config` prints the effective settings.

This page is generated from `mfg/settings.py` by `make docs`; a test fails when it is stale.

| variable | default | description |
| --- | --- | --- |
"""


def _default(value: object) -> str:
    if value is None:
        return "*(unset)*"
    if isinstance(value, Enum):
        value = value.value
    return f"`{value}`"


def render() -> str:
    rows = []
    for name, field in Settings.model_fields.items():
        desc = (field.description or "").replace("|", "\\|")
        rows.append(f"| `MFG_{name.upper()}` | {_default(field.default)} | {desc} |")
    return HEADER + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if docs/configuration.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not DOC.is_file() or DOC.read_text() != text:
            print(f"{DOC} is stale: run `make docs`", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
