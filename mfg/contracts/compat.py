"""Backward-compatibility check between two Avro schema versions.

BACKWARD (Confluent's default): a consumer using the *new* schema can read data written with the
*previous* one. Checked two ways: the Avro schema-resolution rules applied to the schema trees, and a
round trip of generated records (written with the old schema, read with the new one by fastavro).
"""

from __future__ import annotations

import io
from typing import Any

import fastavro
from fastavro.utils import generate_many

_PROMOTIONS = {
    "int": {"long", "float", "double"},
    "long": {"float", "double"},
    "float": {"double"},
    "string": {"bytes"},
    "bytes": {"string"},
}
_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def _norm(schema: Any, named: dict[str, Any]) -> Any:
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return {"type": schema}
        return named.get(schema, {"type": schema})
    if isinstance(schema, dict) and isinstance(schema.get("type"), dict | list):
        return _norm(schema["type"], named)
    if isinstance(schema, dict) and schema.get("type") in ("record", "enum", "fixed"):
        named[schema["name"]] = schema
    return schema


def _kind(schema: Any) -> str:
    return "union" if isinstance(schema, list) else str(schema["type"])


def _resolvable(reader: Any, writer: Any, path: str, rn: dict[str, Any], wn: dict[str, Any]) -> list[str]:
    reader, writer = _norm(reader, rn), _norm(writer, wn)
    rk, wk = _kind(reader), _kind(writer)
    if wk == "union":
        out: list[str] = []
        for branch in writer:
            out += _resolvable(reader, branch, path, rn, wn)
        return out
    if rk == "union":
        for branch in reader:
            if not _resolvable(branch, writer, path, dict(rn), dict(wn)):
                return []
        return [f"{path}: writer type {wk} matches no branch of the reader union"]
    if rk != wk:
        if rk in _PROMOTIONS.get(wk, set()):
            return []
        return [f"{path}: type changed from {wk} to {rk}"]
    if rk == "record":
        return _records(reader, writer, path, rn, wn)
    if rk == "enum":
        missing = set(writer["symbols"]) - set(reader["symbols"])
        if missing and "default" not in reader:
            return [f"{path}: enum symbols {sorted(missing)} removed without a default"]
        return []
    if rk == "array":
        return _resolvable(reader["items"], writer["items"], f"{path}[]", rn, wn)
    if rk == "map":
        return _resolvable(reader["values"], writer["values"], f"{path}{{}}", rn, wn)
    if rk == "fixed" and reader.get("size") != writer.get("size"):
        return [f"{path}: fixed size changed from {writer.get('size')} to {reader.get('size')}"]
    return []


def _records(
    reader: dict[str, Any], writer: dict[str, Any], path: str, rn: dict[str, Any], wn: dict[str, Any]
) -> list[str]:
    out: list[str] = []
    wfields = {f["name"]: f for f in writer["fields"]}
    for field in reader["fields"]:
        names = [field["name"], *field.get("aliases", [])]
        match = next((wfields[n] for n in names if n in wfields), None)
        where = f"{path}.{field['name']}" if path else field["name"]
        if match is None:
            if "default" not in field:
                out.append(f"{where}: new field without a default (old data cannot fill it)")
            continue
        out += _resolvable(field["type"], match["type"], where, rn, wn)
    return out


def _round_trip(reader: dict[str, Any], writer: dict[str, Any], samples: int) -> list[str]:
    w = fastavro.parse_schema(writer, _write_hint=False)
    r = fastavro.parse_schema(reader, _write_hint=False)
    for record in generate_many(w, samples):
        buf = io.BytesIO()
        fastavro.schemaless_writer(buf, w, record)
        buf.seek(0)
        try:
            fastavro.schemaless_reader(buf, w, r)
        except (fastavro.read.SchemaResolutionError, ValueError, TypeError, KeyError, EOFError) as exc:
            return [f"generated record written with the old schema is unreadable with the new one: {exc}"]
    return []


def backward_problems(new: dict[str, Any], old: dict[str, Any], *, samples: int = 25) -> list[str]:
    """Why ``new`` cannot read data written with ``old`` (empty list: backward compatible)."""
    problems = _resolvable(new, old, "", {}, {})
    return problems or _round_trip(new, old, samples)
