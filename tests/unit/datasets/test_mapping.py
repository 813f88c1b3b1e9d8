"""Mapping files: the shipped ones load; bad YAML fails naming the file and the key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from mfg.contracts.tables import FAILURE_MODES
from mfg.datasets import MappingError, load_mapping, parse_mapping, shipped_mappings

BASE: dict[str, Any] = {
    "name": "t",
    "time": {"column": "ts"},
    "equipment": "m1",
    "plant_id": "p1",
    "sensors": {"temperature": "temp"},
    "labels": {"failure": {"column": "fail", "kind": "failure"}},
}


def test_shipped_mappings_load() -> None:
    assert set(shipped_mappings()) == {"skab", "nab_machine_temperature", "generic_failure"}
    for name in shipped_mappings():
        assert load_mapping(name).name == name


def test_load_by_path_and_name_defaults_to_stem(tmp_path: Path) -> None:
    data = {k: v for k, v in BASE.items() if k != "name"}
    path = tmp_path / "my_plant.yaml"
    path.write_text(yaml.safe_dump(data))
    m = load_mapping(path)
    assert m.name == "my_plant"
    assert m.sensors["temperature"].column == "temp"
    assert m.equipment.id == "m1"


def test_unknown_mapping_lists_shipped() -> None:
    with pytest.raises(MappingError, match=r"no shipped mapping.*skab"):
        load_mapping("no-such-mapping")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"sensors": {"temp": "x"}}, r"sensors: 'temp' is not a contract sensor field"),
        ({"sensors": {"temperature": {"column": "x", "scale": "abc"}}}, r"sensors\.temperature\.scale: .*'abc'"),
        ({"time": None}, r"time: "),
        ({"time": {"column": "ts", "start": "2020-01-01", "interval": "1s"}}, r"time: give either"),
        ({"time": {"start": "2020-01-01"}}, r"time: give `column`"),
        ({"time": {"start": "2020-01-01", "interval": "5 parsecs"}}, r"time\.interval"),
        ({"time": {"column": "ts", "timezone": "Mars/Base"}}, r"time\.timezone: unknown time zone 'Mars/Base'"),
        ({"format": {"seperator": ";"}}, r"format\.seperator: Extra inputs are not permitted"),
        ({"equipment": "m-{machine}"}, r"equipment\.id: unknown placeholder \{machine\}"),
        ({"labels": {"x": {"column": "fail", "kind": "broken"}}}, r"labels\.x\.kind: "),
        ({"labels": {"x": {"column": "f", "kind": "failure_mode", "mode": "rust"}}}, r"labels\.x: .*'rust'"),
        ({"labels": {"x": {"kind": "anomaly"}}}, r"labels\.x: give exactly one of `column` and `windows`"),
        ({"labels": {"bad name": {"column": "f", "kind": "failure"}}}, r"labels: label name 'bad name'"),
        ({"labels": {"failure": {"column": "temp", "kind": "failure"}}}, r"labels\.failure: column 'temp' is a label"),
        ({"extras": [{"column": "fail"}]}, r"labels\.failure: column 'fail' is a label .*extras\.fail"),
        ({"extras": [{"column": "a", "name": "failure"}]}, r"output column 'failure' is used twice"),
        ({"extras": [{"column": "a", "name": "temperature"}]}, r"output column 'temperature'"),
        ({"plant_id": ""}, r"plant_id: "),
    ],
)
def test_invalid_mapping_names_the_key(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    data = {**BASE, **change}
    data = {k: v for k, v in data.items() if v is not None}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(MappingError, match=expected) as info:
        load_mapping(path)
    assert str(path) in str(info.value)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ntime:\n  column: [ts\n")
    with pytest.raises(MappingError, match=r"broken\.yaml: line \d+ not valid YAML"):
        load_mapping(path)


def test_interval_forms() -> None:
    for given, seconds in [("1min", 60), ("500ms", 0.5), ("2h", 7200), (30, 30), ("PT5M", 300)]:
        m = parse_mapping({**BASE, "time": {"start": "2020-01-01T00:00:00Z", "interval": given}})
        assert m.time.interval == timedelta(seconds=seconds)
        assert m.time.by_row_order


def test_generic_failure_marks_label_derived_columns_as_labels() -> None:
    m = load_mapping("generic_failure")
    label_sources = {lab.column for lab in m.labels.values()}
    assert label_sources == {"Machine failure", "TWF", "HDF", "PWF", "OSF", "RNF"}
    assert {lab.mode for lab in m.labels.values() if lab.kind == "failure_mode"} == set(FAILURE_MODES)
    assert m.labels["failure"].kind == "failure"
    assert not set(m.feature_columns) & (set(m.label_names) | label_sources)
    feature_sources = {s.column for s in m.sensors.values()} | {e.column for e in m.extras}
    assert not feature_sources & label_sources
