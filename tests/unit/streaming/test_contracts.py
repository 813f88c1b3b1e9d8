"""Avro contracts: shipped schemas, wire format, backward compatibility across versions."""

from __future__ import annotations

import copy
import itertools
import struct
from typing import Any

import pytest

from mfg.contracts.avro import (
    ContractError,
    WireFormatError,
    decode_body,
    encode,
    latest_schema,
    parse,
    physical,
    shipped_schemas,
    split,
)
from mfg.contracts.compat import backward_problems

SHIPPED = shipped_schemas()


def test_every_topic_has_a_versioned_schema() -> None:
    assert set(SHIPPED) == {"equipment_sensors", "equipment_status", "quality_metrics", "equipment_alerts"}
    for name, versions in SHIPPED.items():
        assert [v.version for v in versions] == list(range(1, len(versions) + 1)), name
        for v in versions:
            schema = v.load()
            assert schema["namespace"].endswith(f"{name}.v{v.version}")
            parse(schema)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_records_carry_identity_time_and_sequence(name: str) -> None:
    fields = {f["name"]: f["type"] for f in latest_schema(name)["fields"]}
    assert fields["equipment_id"] == "string" and fields["plant_id"] == "string"
    time_type = fields["event_time"]
    if time_type.get("type") == "array":
        time_type = time_type["items"]
    assert time_type == {"type": "long", "logicalType": "timestamp-millis"}
    assert "sequence" in fields


PAIRS = [(name, old, new) for name, vs in SHIPPED.items() for old, new in itertools.pairwise(vs)]


@pytest.mark.parametrize(("name", "old", "new"), PAIRS, ids=[f"{n}-v{o.version}-v{w.version}" for n, o, w in PAIRS])
def test_shipped_versions_are_backward_compatible(name: str, old: Any, new: Any) -> None:
    assert backward_problems(new.load(), old.load()) == []


def _with_field(schema: dict[str, Any], field: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(schema)
    out["fields"].append(field)
    return out


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_breaking_changes_fail_the_check(name: str) -> None:
    base = latest_schema(name)
    no_default = _with_field(base, {"name": "operator_id", "type": "string"})
    assert any("operator_id" in p and "without a default" in p for p in backward_problems(no_default, base))
    retyped = copy.deepcopy(base)
    field = next(f for f in retyped["fields"] if f["name"] == "equipment_id")
    field["type"] = "int"
    assert any("equipment_id" in p and "type changed" in p for p in backward_problems(retyped, base))


def test_compatible_changes_pass() -> None:
    base = latest_schema("equipment_status")
    optional = _with_field(base, {"name": "shift", "type": ["null", "int"], "default": None})
    assert backward_problems(optional, base) == []
    promoted = copy.deepcopy(base)
    next(f for f in promoted["fields"] if f["name"] == "sequence")["type"] = "double"  # long -> double
    assert backward_problems(promoted, base) == []


def test_enum_symbol_removal_is_breaking() -> None:
    old = {
        "type": "record",
        "name": "R",
        "fields": [{"name": "s", "type": {"type": "enum", "name": "S", "symbols": ["a", "b"]}}],
    }
    new = copy.deepcopy(old)
    new["fields"][0]["type"]["symbols"] = ["a"]
    assert backward_problems(new, old)


def test_wire_round_trip_and_framing() -> None:
    schema = parse(physical(latest_schema("equipment_status")))
    rec = {
        "event_time": 1_767_225_600_000,
        "equipment_id": "CNC-A-101",
        "plant_id": "PLANT-A",
        "sequence": 7,
        "status": "idle",
        "error_code": None,
    }
    data = encode(42, schema, rec)
    assert data[0] == 0 and struct.unpack(">I", data[1:5])[0] == 42
    schema_id, body = split(data)
    assert schema_id == 42
    assert decode_body(body, schema) == rec


@pytest.mark.parametrize(
    "data",
    [None, b"", b"\x00\x00", b"\x01\x00\x00\x00\x01abc", b"\x00\x00\x00\x00\x01" + b"\xff" * 3],
    ids=["none", "empty", "short", "bad-magic", "garbage-body"],
)
def test_bad_bytes_raise_wire_format_error(data: bytes | None) -> None:
    schema = parse(physical(latest_schema("equipment_status")))
    with pytest.raises(WireFormatError):
        _, body = split(data)
        decode_body(body, schema)


def test_encoding_a_wrong_record_names_the_problem() -> None:
    schema = parse(physical(latest_schema("equipment_status")))
    with pytest.raises(ContractError, match="EquipmentStatus"):
        encode(1, schema, {"equipment_id": "x"})
