"""Encode and decode records of the shipped schemas through a schema registry.

The writer registers the newest shipped version of a schema under ``<topic>-value`` and frames
every record with its id; the reader looks the writer's schema up by id (cached) and resolves it to
the newest shipped version. Both sides use the physical schema form (timestamps as int ms).
"""

from __future__ import annotations

from typing import Any

from mfg.contracts.avro import (
    ContractError,
    WireFormatError,
    decode_body,
    encode,
    latest_schema,
    parse,
    physical,
    split,
)
from mfg.contracts.registry import RegistryError, SchemaRegistry


class AvroSerde:
    """Per-process encoder/decoder with parsed-schema caches."""

    def __init__(self, registry: SchemaRegistry) -> None:
        self.registry = registry
        self._writers: dict[tuple[str, str], tuple[int, Any]] = {}
        self._readers: dict[tuple[int, str], tuple[Any, Any]] = {}

    def writer(self, topic: str, name: str) -> tuple[int, Any]:
        """(schema id, parsed physical schema) for writing ``name`` records to ``topic``."""
        key = (topic, name)
        if key not in self._writers:
            schema = latest_schema(name)
            schema_id = self.registry.register(f"{topic}-value", schema)
            self._writers[key] = (schema_id, parse(physical(schema)))
        return self._writers[key]

    def encode(self, topic: str, name: str, record: dict[str, Any]) -> bytes:
        schema_id, parsed = self.writer(topic, name)
        return encode(schema_id, parsed, record)

    def decode(self, name: str, data: bytes | None) -> dict[str, Any]:
        """Decode framed bytes into a record of the newest ``name`` schema (WireFormatError if not)."""
        schema_id, body = split(data)
        key = (schema_id, name)
        if key not in self._readers:
            try:
                writer_schema = self.registry.schema_by_id(schema_id)
            except RegistryError as exc:
                raise WireFormatError(f"unknown schema id {schema_id}: {exc}") from None
            try:
                self._readers[key] = (parse(physical(writer_schema)), parse(physical(latest_schema(name))))
            except ContractError as exc:
                raise WireFormatError(f"schema id {schema_id}: {exc}") from None
        writer, reader = self._readers[key]
        return decode_body(body, writer, reader)
