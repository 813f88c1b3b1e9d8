"""Schema registries: file-backed behaviour and the Confluent REST client's request shapes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import httpx
import pytest

from mfg.contracts.avro import latest_schema
from mfg.contracts.registry import (
    CONTENT_TYPE,
    FileSchemaRegistry,
    RegistryError,
    RestSchemaRegistry,
    registry_from_settings,
)
from mfg.contracts.serde import AvroSerde
from mfg.settings import Settings


def test_file_registry_ids_are_stable_and_shared(tmp_path: Path) -> None:
    schema = latest_schema("equipment_status")
    a, b = FileSchemaRegistry(tmp_path), FileSchemaRegistry(tmp_path)
    sid = a.register("equipment-status-value", schema)
    assert b.register("equipment-status-value", schema) == sid
    assert b.register("other-value", schema) == sid  # same schema, same id (Confluent behaviour)
    assert FileSchemaRegistry(tmp_path).schema_by_id(sid) == schema
    other = a.register("quality-metrics-value", latest_schema("quality_metrics"))
    assert other != sid


def test_file_registry_refuses_breaking_versions(tmp_path: Path) -> None:
    reg = FileSchemaRegistry(tmp_path)
    schema = latest_schema("equipment_status")
    reg.register("s-value", schema)
    breaking = copy.deepcopy(schema)
    breaking["fields"].append({"name": "operator_id", "type": "string"})
    assert not reg.is_compatible("s-value", breaking)
    with pytest.raises(RegistryError, match="operator_id"):
        reg.register("s-value", breaking)
    fine = copy.deepcopy(schema)
    fine["fields"].append({"name": "operator_id", "type": ["null", "string"], "default": None})
    assert reg.is_compatible("s-value", fine)
    assert reg.register("s-value", fine) != reg.register("s-value", schema)


def test_unknown_id_is_a_registry_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="99"):
        FileSchemaRegistry(tmp_path).schema_by_id(99)


def _rest(handler: object) -> RestSchemaRegistry:
    return RestSchemaRegistry("http://registry:8081/", client=httpx.Client(transport=httpx.MockTransport(handler)))  # type: ignore[arg-type]


def test_rest_register_and_lookup_request_shapes() -> None:
    schema = latest_schema("equipment_sensors")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST" and request.url.path == "/subjects/equipment-sensors-value/versions":
            return httpx.Response(200, json={"id": 17})
        if request.method == "GET" and request.url.path == "/schemas/ids/17":
            return httpx.Response(200, json={"schema": json.dumps(schema)})
        return httpx.Response(404, json={"error_code": 40401, "message": "not found"})

    reg = _rest(handler)
    assert reg.register("equipment-sensors-value", schema) == 17
    post = seen[0]
    assert post.headers["content-type"] == CONTENT_TYPE
    body = json.loads(post.content)
    assert set(body) == {"schema"} and json.loads(body["schema"]) == schema
    fresh = _rest(handler)
    assert fresh.schema_by_id(17) == schema
    assert fresh.schema_by_id(17) == schema  # cached: one GET
    assert [r.method for r in seen] == ["POST", "GET"]


def test_rest_compatibility_endpoint_and_errors() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path}")
        if request.url.path.startswith("/compatibility/subjects/new-value"):
            return httpx.Response(404, json={"error_code": 40401})
        if request.url.path.startswith("/compatibility/"):
            return httpx.Response(200, json={"is_compatible": False})
        return httpx.Response(409, json={"error_code": 409, "message": "incompatible schema"})

    reg = _rest(handler)
    schema = latest_schema("equipment_status")
    assert reg.is_compatible("equipment-status-value", schema) is False
    assert calls[-1] == "POST /compatibility/subjects/equipment-status-value/versions/latest"
    assert reg.is_compatible("new-value", schema) is True
    with pytest.raises(RegistryError, match="HTTP 409"):
        reg.register("equipment-status-value", schema)


def test_settings_pick_the_registry(settings: Settings) -> None:
    assert isinstance(registry_from_settings(settings), FileSchemaRegistry)
    remote = settings.model_copy(update={"schema_registry_url": "http://registry:8081"})
    assert isinstance(registry_from_settings(remote), RestSchemaRegistry)


def test_serde_resolves_old_writer_to_new_reader(tmp_path: Path) -> None:
    reg = FileSchemaRegistry(tmp_path)
    v1 = json.loads((Path(__file__).parents[3] / "mfg/contracts/equipment_alerts.v1.avsc").read_text())
    from mfg.contracts.avro import encode, parse, physical

    sid = reg.register("equipment-alerts-value", v1)
    rec = {
        "alert_id": "a", "event_time": 1, "detected_time": 2, "equipment_id": "E", "plant_id": "P",
        "equipment_type": "pump", "sequence": 3, "rule": "threshold_high", "sensor": "temperature",
        "value": 99.0, "threshold": 90.0, "severity": "warning",
    }  # fmt: skip
    data = encode(sid, parse(physical(v1)), rec)
    decoded = AvroSerde(reg).decode("equipment_alerts", data)
    assert decoded == rec | {"score": None}  # v2 reader fills the new field's default
