"""docs/configuration.md is generated from the settings and must not drift."""

from __future__ import annotations

from pathlib import Path

from mfg import docs
from mfg.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_every_field_is_documented() -> None:
    text = docs.render()
    for name in Settings.model_fields:
        assert f"`MFG_{name.upper()}`" in text


def test_committed_page_is_current() -> None:
    assert (REPO / "docs" / "configuration.md").read_text() == docs.render(), "run `make docs`"
