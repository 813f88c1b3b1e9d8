"""Avro wire contracts: the shipped ``*.avsc`` files and the Confluent wire format.

Schema files are named ``<name>.v<N>.avsc`` (``equipment_sensors.v1.avsc``); the Kafka topic is the
name with ``_`` turned into ``-`` and the registry subject is ``<topic>-value``. Every message on
the wire is ``0x00`` (magic byte) + 4-byte big-endian schema id + the schemaless Avro body.

Readers decode with the *physical* form of a schema (logical types removed): the bytes are the
same, and timestamps stay integer milliseconds instead of becoming one ``datetime`` per element.
"""

from __future__ import annotations

import copy
import io
import json
import re
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fastavro

SCHEMA_DIR = Path(__file__).resolve().parent
MAGIC = 0
_HEADER = struct.Struct(">bI")
_FILE_RE = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>\d+)\.avsc$")


class ContractError(ValueError):
    """A schema file or a record does not follow the wire contract."""


class WireFormatError(ContractError):
    """Bytes that are not a Confluent-framed Avro record (bad magic byte, too short, bad body)."""


@dataclass(frozen=True)
class SchemaFile:
    """One shipped schema version."""

    name: str  # equipment_sensors
    version: int
    path: Path

    @property
    def topic(self) -> str:
        return topic_for(self.name)

    @property
    def subject(self) -> str:
        return f"{self.topic}-value"

    def load(self) -> dict[str, Any]:
        return load_schema_json(self.path)


def topic_for(name: str) -> str:
    """``equipment_sensors`` -> ``equipment-sensors``."""
    return name.replace("_", "-")


def load_schema_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ContractError(f"{path.name}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("type") != "record":
        raise ContractError(f"{path.name}: top-level schema must be an Avro record")
    return data


def shipped_schemas(directory: Path = SCHEMA_DIR) -> dict[str, list[SchemaFile]]:
    """name -> versions (ascending) of every ``*.avsc`` in ``directory``."""
    found: dict[str, list[SchemaFile]] = {}
    for path in sorted(directory.glob("*.avsc")):
        m = _FILE_RE.match(path.name)
        if not m:
            raise ContractError(f"{path.name}: schema files must be named <name>.v<N>.avsc")
        found.setdefault(m["name"], []).append(SchemaFile(m["name"], int(m["version"]), path))
    for versions in found.values():
        versions.sort(key=lambda s: s.version)
    return found


@cache
def latest_schema(name: str) -> dict[str, Any]:
    """The newest shipped version of schema ``name`` (e.g. ``equipment_sensors``)."""
    versions = shipped_schemas().get(name)
    if not versions:
        raise ContractError(f"no schema file named {name}.v<N>.avsc in {SCHEMA_DIR}")
    return versions[-1].load()


def physical(schema: Any) -> Any:
    """A copy of ``schema`` with every ``logicalType`` removed (same bytes, plain ints)."""
    if isinstance(schema, dict):
        out = {k: physical(v) for k, v in schema.items() if k != "logicalType"}
        return out
    if isinstance(schema, list):
        return [physical(s) for s in schema]
    return copy.copy(schema)


def parse(schema: dict[str, Any]) -> Any:
    """fastavro-parsed schema (raises ContractError naming the problem)."""
    try:
        return fastavro.parse_schema(copy.deepcopy(schema), _write_hint=False)
    except (fastavro.schema.SchemaParseException, fastavro.schema.UnknownType, KeyError, TypeError) as exc:
        raise ContractError(f"invalid Avro schema {schema.get('name')!r}: {exc}") from None


def encode(schema_id: int, parsed: Any, record: dict[str, Any]) -> bytes:
    """Confluent-framed Avro bytes of ``record`` written with ``parsed``."""
    buf = io.BytesIO()
    buf.write(_HEADER.pack(MAGIC, schema_id))
    try:
        fastavro.schemaless_writer(buf, parsed, record)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ContractError(f"record does not match schema {parsed.get('name')!r}: {exc}") from None
    return buf.getvalue()


def split(data: bytes | None) -> tuple[int, bytes]:
    """(schema id, Avro body) of a framed message."""
    if data is None or len(data) < _HEADER.size:
        raise WireFormatError(f"message of {0 if data is None else len(data)} bytes is shorter than the header")
    magic, schema_id = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise WireFormatError(f"magic byte is {magic}, expected {MAGIC}")
    return schema_id, data[_HEADER.size :]


def decode_body(body: bytes, writer: Any, reader: Any | None = None) -> dict[str, Any]:
    """Decode an Avro body; ``reader`` (parsed) resolves it to the reader schema."""
    fo = io.BytesIO(body)
    try:
        record = fastavro.schemaless_reader(fo, writer, reader)
    except (EOFError, ValueError, TypeError, IndexError, KeyError, UnicodeDecodeError, OverflowError) as exc:
        raise WireFormatError(f"undecodable Avro body: {type(exc).__name__}: {exc}") from None
    except fastavro.read.SchemaResolutionError as exc:
        raise WireFormatError(f"schema resolution failed: {exc}") from None
    if fo.tell() != len(body):
        raise WireFormatError(f"{len(body) - fo.tell()} trailing bytes after the Avro record")
    if not isinstance(record, dict):
        raise WireFormatError("Avro body is not a record")
    return record
