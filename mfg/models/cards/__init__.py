"""Model cards: one markdown template per model family, filled with a training run's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CARDS = Path(__file__).resolve().parent


class ModelCardError(KeyError):
    """A card template names a figure the training run did not produce."""


def render_card(name: str, values: dict[str, Any]) -> str:
    """The card ``<name>.md`` with ``{placeholders}`` filled from ``values``."""
    template = (CARDS / f"{name}.md").read_text()
    try:
        return template.format_map(values)
    except KeyError as exc:
        raise ModelCardError(f"model card {name!r} needs {exc.args[0]!r}, which the run did not provide") from None
