"""External data importers: load real labelled datasets (SKAB, NAB, tabular failure data) into the contracts.

A YAML mapping (:mod:`mfg.datasets.mapping`) says how a dataset's columns map to the lake contracts;
:func:`load_frame` reads it into memory, :func:`import_dataset` writes it as lake tables. Format and
shipped mappings: ``docs/datasets.md``. Everything but the exceptions loads on first use, so
``mfg --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mfg.datasets.errors import DatasetError, DatasetImportError, MappingError

if TYPE_CHECKING:
    from mfg.datasets.importer import ImportResult, import_dataset, load_frame
    from mfg.datasets.mapping import Mapping, load_mapping, parse_mapping, shipped_mappings
    from mfg.datasets.reader import discover_files

_LAZY = {
    "Mapping": "mfg.datasets.mapping",
    "load_mapping": "mfg.datasets.mapping",
    "parse_mapping": "mfg.datasets.mapping",
    "shipped_mappings": "mfg.datasets.mapping",
    "ImportResult": "mfg.datasets.importer",
    "import_dataset": "mfg.datasets.importer",
    "load_frame": "mfg.datasets.importer",
    "discover_files": "mfg.datasets.reader",
}

__all__ = [
    "DatasetError",
    "DatasetImportError",
    "ImportResult",
    "Mapping",
    "MappingError",
    "discover_files",
    "import_dataset",
    "load_frame",
    "load_mapping",
    "parse_mapping",
    "shipped_mappings",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
