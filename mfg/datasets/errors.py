"""Exceptions of the dataset importers: a bad mapping file, or a bad data file.

Both carry a message that names where the problem is (mapping key; data file, line and column),
so the CLI can print it as is and exit 2 without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class DatasetError(ValueError):
    """Base class: anything wrong with a dataset mapping or the data it describes."""


class MappingError(DatasetError):
    """The mapping YAML is unreadable or invalid; the message names the file and the key."""


class DatasetImportError(DatasetError):
    """A data file does not match its mapping.

    ``line`` is 1-based as in the file, the header being line 1; ``column`` is the source column name.
    Either may be ``None`` when the problem is not tied to one (e.g. no file matched the glob).
    """

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = Path(file) if file is not None else None
        self.line = line
        self.column = column
        where = []
        if file is not None:
            where.append(str(file))
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        self.reason = message
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
