"""Demo step ``features+train``: Feast apply and materialize over the batch output, then train all five.

Returns the headline figures of every family and which version became champion.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from mfg.settings import Settings

if TYPE_CHECKING:
    from mfg.demo import DemoContext

#: headline keys of each family's ``run_training`` result kept in the demo summary (as ``<family>_<key>``)
HEADLINES: dict[str, tuple[str, ...]] = {
    "pdm": ("precision", "recall", "threshold", "roc_auc"),
    "quality": ("accuracy", "macro_f1"),
    "anomaly": ("f1", "fpr"),
    "forecast": ("mape", "mae", "chosen"),
    "vision": ("accuracy", "macro_f1"),
}


def demo_step(settings: Settings, ctx: DemoContext) -> dict[str, Any]:
    """Apply the Feast repo, materialize the online store, train the five model families."""
    from mfg.features.store import apply, materialize
    from mfg.models.cli import FAMILIES, UnknownFamilyError, run_family

    summary: dict[str, Any] = {}
    t0 = time.perf_counter()
    applied = apply(settings)
    materialize(settings)
    summary["feast_feature_views"] = applied["feature_views"]
    summary["feast_seconds"] = round(time.perf_counter() - t0, 1)
    champions: list[str] = []
    for family in FAMILIES:
        ctx.console.print(f"training [bold]{family}[/bold]")
        t1 = time.perf_counter()
        try:
            result = run_family(settings, family, progress=True)
        except UnknownFamilyError as exc:
            summary[f"{family}_status"] = str(exc)
            continue
        for key in HEADLINES[family]:
            if key in result:
                summary[f"{family}_{key}"] = result[key]
        if result.get("champion"):
            champions.append(f"{family} v{result.get('version')}")
        summary[f"{family}_seconds"] = round(time.perf_counter() - t1, 1)
    summary["champions"] = ", ".join(champions) or "none"
    return summary
