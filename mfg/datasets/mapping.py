"""The mapping file: how one real labelled dataset maps onto the lake contracts.

A mapping is a small YAML file validated by :class:`Mapping` (format in ``docs/datasets.md``). It says
which files to read (a glob under the source folder), how to split them (separator, decimal mark),
where event time comes from (a column with a format, or row order from a start time at an interval),
which equipment and plant the rows belong to, which source column feeds which contract sensor field
(with an optional unit ``scale`` and ``offset``), which columns are labels and what they mean, and
which other columns pass through as extra features. Label columns can never be features too.

Shipped mappings live in ``mfg/datasets/mappings/*.yaml`` and are referred to by name (``skab``).
"""

from __future__ import annotations

import re
import string
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mfg.contracts.tables import FAILURE_MODES, SENSOR_FIELDS, SENSOR_READINGS
from mfg.datasets.errors import MappingError

LabelKind = Literal["anomaly", "changepoint", "failure", "failure_mode"]
#: placeholders usable in ``equipment.id`` and ``labels.*.windows.key`` templates
TEMPLATE_FIELDS = frozenset({"name", "stem", "parent", "relpath"})
#: columns :func:`mfg.datasets.load_frame` adds besides the contract ones
FRAME_EXTRA_COLUMNS = ("source_file",)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min|h|d)\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def _check_template(value: str) -> str:
    for _, field, _, _ in string.Formatter().parse(value):
        if field is not None and field not in TEMPLATE_FIELDS:
            raise ValueError(f"unknown placeholder {{{field}}} in {value!r}; use {sorted(TEMPLATE_FIELDS)}")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CsvFormat(_Model):
    """How the text files are split."""

    separator: str = Field(default=",", min_length=1, description="Field separator, e.g. ',' or ';'.")
    decimal: str = Field(default=".", min_length=1, max_length=1, description="Decimal mark of numbers.")
    encoding: str = "utf-8"


class TimeSpec(_Model):
    """Either ``column`` (+ ``format``) or row order: ``start`` + ``interval``."""

    column: str | None = None
    format: str = Field(default="ISO8601", description="strftime format, 'ISO8601', 'unix_s' or 'unix_ms'.")
    timezone: str = Field(default="UTC", description="Zone of naive times; stored times are UTC.")
    start: datetime | None = None
    interval: timedelta | None = None

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> Any:
        if isinstance(value, str) and (m := _INTERVAL.match(value)):
            return timedelta(seconds=float(m.group(1)) * _UNIT_SECONDS[m.group(2)])
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _one_mode(self) -> TimeSpec:
        by_rows = self.start is not None or self.interval is not None
        if self.column is not None and by_rows:
            raise ValueError("give either `column` or `start` + `interval`, not both")
        if self.column is None and (self.start is None or self.interval is None):
            raise ValueError("give `column` (a time column) or both `start` and `interval` (row order)")
        if self.interval is not None and self.interval <= timedelta(0):
            raise ValueError(f"`interval` must be positive, got {self.interval}")
        return self

    @property
    def by_row_order(self) -> bool:
        return self.column is None


class EquipmentSpec(_Model):
    """Equipment id: a template (constant, or with {stem}/{name}/{parent}/{relpath}) or a column."""

    id: str | None = None
    column: str | None = None
    prefix: str = Field(default="", description="Prepended to the values of `column`.")

    @field_validator("id")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        return None if value is None else _check_template(value)

    @model_validator(mode="after")
    def _one_source(self) -> EquipmentSpec:
        if (self.id is None) == (self.column is None):
            raise ValueError("give exactly one of `id` (a constant or template) and `column`")
        return self


class SensorMap(_Model):
    """A source column feeding one contract sensor field: ``value * scale + offset``."""

    column: str
    scale: float = 1.0
    offset: float = 0.0


class ExtraMap(_Model):
    """A passthrough column with no contract field, kept as an extra feature."""

    column: str
    name: str | None = Field(default=None, description="Output name; default: the column name.")
    dtype: Literal["float", "string"] = "float"
    scale: float = 1.0
    offset: float = 0.0

    @property
    def out_name(self) -> str:
        return self.name or self.column


class WindowsSpec(_Model):
    """Labels from a JSON file of ``{key: [[start, end], ...]}`` windows (NAB's combined_windows.json)."""

    path: str = Field(description="JSON file, relative to the data file's folder or the source folder.")
    key: str = Field(description="Key of this file's windows; a template, e.g. 'realKnownCause/{name}'.")

    @field_validator("key")
    @classmethod
    def _template(cls, value: str) -> str:
        return _check_template(value)


class LabelMap(_Model):
    """One label: from a column, or from external windows; never a feature."""

    kind: LabelKind
    column: str | None = None
    windows: WindowsSpec | None = None
    type: Literal["binary", "category"] = "binary"
    mode: str | None = Field(default=None, description="For kind failure_mode: the contract failure mode.")
    if_missing: int | None = Field(default=None, description="Value for files without the column; default: error.")
    description: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> LabelMap:
        if (self.column is None) == (self.windows is None):
            raise ValueError("give exactly one of `column` and `windows`")
        if self.windows is not None and self.type != "binary":
            raise ValueError("`windows` labels are binary")
        if self.mode is not None and self.kind != "failure_mode":
            raise ValueError("`mode` is only for kind failure_mode")
        if self.mode is not None and self.mode not in FAILURE_MODES:
            raise ValueError(f"`mode` {self.mode!r} is not a contract failure mode {list(FAILURE_MODES)}")
        if self.if_missing is not None and (self.column is None or self.type != "binary"):
            raise ValueError("`if_missing` applies to binary column labels only")
        if self.if_missing not in (None, 0, 1):
            raise ValueError(f"`if_missing` must be 0 or 1, got {self.if_missing}")
        return self


class Mapping(_Model):
    """A dataset mapping (see ``docs/datasets.md``)."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    default_source: str | None = Field(default=None, description="Source folder relative to settings.datasets_dir.")
    files: str = Field(default="*.csv", description="Glob of data files under a source folder.")
    format: CsvFormat = CsvFormat()
    time: TimeSpec
    equipment: EquipmentSpec
    plant_id: str = Field(min_length=1)
    sensors: dict[str, SensorMap] = {}
    labels: dict[str, LabelMap] = {}
    extras: list[ExtraMap] = []

    @field_validator("sensors", mode="before")
    @classmethod
    def _sensors(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        for key in value:
            if key not in SENSOR_FIELDS:
                raise ValueError(f"{key!r} is not a contract sensor field; choose from {list(SENSOR_FIELDS)}")
        return {k: {"column": v} if isinstance(v, str) else v for k, v in value.items()}

    @field_validator("extras", mode="before")
    @classmethod
    def _extras(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"column": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("equipment", mode="before")
    @classmethod
    def _equipment(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value

    @field_validator("labels")
    @classmethod
    def _label_names(cls, value: dict[str, LabelMap]) -> dict[str, LabelMap]:
        for key in value:
            if not _IDENT.match(key):
                raise ValueError(f"label name {key!r} must be an identifier (letters, digits, _)")
        return value

    @model_validator(mode="after")
    def _no_collisions(self) -> Mapping:
        taken = set(SENSOR_READINGS.names) | set(FRAME_EXTRA_COLUMNS)
        for name in [*self.labels, *(e.out_name for e in self.extras)]:
            if name in taken:
                raise ValueError(f"output column {name!r} is used twice (or is a contract column)")
            taken.add(name)
        feature_use = {m.column: f"sensors.{f}" for f, m in self.sensors.items()}
        feature_use.update({e.column: f"extras.{e.out_name}" for e in self.extras})
        for key, label in self.labels.items():
            if label.column is not None and label.column in feature_use:
                raise ValueError(
                    f"labels.{key}: column {label.column!r} is a label and must not also be a feature "
                    f"({feature_use[label.column]})"
                )
        return self

    @property
    def label_names(self) -> list[str]:
        """Output columns holding labels (never features)."""
        return list(self.labels)

    @property
    def extra_names(self) -> list[str]:
        return [e.out_name for e in self.extras]

    @property
    def feature_columns(self) -> list[str]:
        """Mapped contract sensor fields plus extras: the columns a model may learn from."""
        return [f for f in SENSOR_FIELDS if f in self.sensors] + self.extra_names

    def required_columns(self) -> dict[str, str]:
        """Source column -> the mapping key that needs it (labels with ``if_missing`` excluded)."""
        need: dict[str, str] = {}
        if self.time.column is not None:
            need[self.time.column] = "time.column"
        if self.equipment.column is not None:
            need[self.equipment.column] = "equipment.column"
        need.update({m.column: f"sensors.{f}.column" for f, m in self.sensors.items()})
        need.update({e.column: f"extras.{e.out_name}" for e in self.extras})
        for key, label in self.labels.items():
            if label.column is not None and label.if_missing is None:
                need[label.column] = f"labels.{key}.column"
        return need


def _format_errors(origin: str, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = "".join(f"{p}: " if i == len(err["loc"]) - 1 else f"{p}." for i, p in enumerate(err["loc"]))
        msg = str(err["msg"]).removeprefix("Value error, ")
        value = err.get("input")
        got = f" (got {value!r})" if isinstance(value, str | int | float) and err["type"] != "missing" else ""
        lines.append(f"{origin}: {loc}{msg}{got}")
    return "\n".join(lines)


def parse_mapping(data: Any, origin: str = "<mapping>", default_name: str | None = None) -> Mapping:
    """Validate already-loaded YAML data; errors name ``origin`` and the offending key."""
    if not isinstance(data, dict):
        raise MappingError(f"{origin}: expected a mapping of keys to values at the top level")
    if default_name is not None:
        data = {"name": default_name, **data}
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise MappingError(_format_errors(origin, exc)) from None


def shipped_mappings() -> dict[str, str]:
    """Name -> YAML text of the mappings shipped in ``mfg/datasets/mappings/``."""
    folder = resources.files("mfg.datasets") / "mappings"
    return {
        p.name.removesuffix(".yaml"): p.read_text(encoding="utf-8")
        for p in sorted(folder.iterdir(), key=lambda t: t.name)
        if p.name.endswith(".yaml")
    }


def _load_text(text: str, origin: str, default_name: str) -> Mapping:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise MappingError(f"{origin}:{where} not valid YAML: {exc}") from None
    return parse_mapping(data, origin, default_name)


def load_mapping(ref: str | Path) -> Mapping:
    """Load a mapping from a YAML path, or by the name of a shipped mapping (``skab``)."""
    path = Path(ref)
    if path.is_file():
        return _load_text(path.read_text(encoding="utf-8"), str(path), path.stem)
    shipped = shipped_mappings()
    if str(ref) in shipped:
        return _load_text(shipped[str(ref)], f"{ref}.yaml (shipped)", str(ref))
    raise MappingError(f"no mapping file {str(ref)!r} and no shipped mapping of that name; shipped: {sorted(shipped)}")
