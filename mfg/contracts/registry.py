"""Schema registries: a Confluent REST client and a file-backed registry for the embedded setup.

Both give the same small interface: ``register(subject, schema) -> id`` (idempotent: the same schema
gets the same id), ``schema_by_id(id)``, ``is_compatible(subject, schema)``. Pick one with
:func:`registry_from_settings` (REST when ``MFG_SCHEMA_REGISTRY_URL`` is set).
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from mfg.contracts.compat import backward_problems

if TYPE_CHECKING:
    from mfg.settings import Settings

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


class RegistryError(RuntimeError):
    """The schema registry refused a request or is unreachable."""


class SchemaRegistry(Protocol):
    def register(self, subject: str, schema: dict[str, Any]) -> int: ...
    def schema_by_id(self, schema_id: int) -> dict[str, Any]: ...
    def is_compatible(self, subject: str, schema: dict[str, Any]) -> bool: ...


def canonical(schema: dict[str, Any]) -> str:
    return json.dumps(schema, sort_keys=True, separators=(",", ":"))


class RestSchemaRegistry:
    """Confluent Schema Registry REST API (subjects ``<topic>-value``)."""

    def __init__(self, url: str, *, client: httpx.Client | None = None, timeout_s: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._client = client or httpx.Client(timeout=timeout_s)
        self._by_id: dict[int, dict[str, Any]] = {}

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            resp = self._client.request(
                method,
                f"{self.url}{path}",
                json=body,
                headers={"Content-Type": CONTENT_TYPE, "Accept": CONTENT_TYPE},
            )
        except httpx.HTTPError as exc:
            raise RegistryError(f"{method} {self.url}{path}: {exc}") from None
        if resp.status_code >= 400:
            raise RegistryError(f"{method} {self.url}{path}: HTTP {resp.status_code} {resp.text[:300]}")
        return resp.json()

    def register(self, subject: str, schema: dict[str, Any]) -> int:
        data = self._call("POST", f"/subjects/{subject}/versions", {"schema": canonical(schema)})
        schema_id = int(data["id"])
        self._by_id[schema_id] = schema
        return schema_id

    def schema_by_id(self, schema_id: int) -> dict[str, Any]:
        if schema_id not in self._by_id:
            data = self._call("GET", f"/schemas/ids/{schema_id}")
            self._by_id[schema_id] = json.loads(data["schema"])
        return self._by_id[schema_id]

    def is_compatible(self, subject: str, schema: dict[str, Any]) -> bool:
        path = f"/compatibility/subjects/{subject}/versions/latest"
        try:
            data = self._call("POST", path, {"schema": canonical(schema)})
        except RegistryError as exc:
            if "HTTP 404" in str(exc):  # no version yet: anything is compatible
                return True
            raise
        return bool(data["is_compatible"])


class FileSchemaRegistry:
    """Registry in a folder: ``ids/<id>.avsc`` and ``subjects/<subject>.json`` (versions -> ids).

    Safe across processes (an ``fcntl`` lock around every change). Compatibility is BACKWARD against
    the subject's latest version, checked by :func:`mfg.contracts.compat.backward_problems`.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._by_id: dict[int, dict[str, Any]] = {}
        self._registered: dict[tuple[str, str], int] = {}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "ids").mkdir(exist_ok=True)
        (self.directory / "subjects").mkdir(exist_ok=True)
        with open(self.directory / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _versions(self, subject: str) -> list[int]:
        path = self.directory / "subjects" / f"{subject}.json"
        return list(json.loads(path.read_text())) if path.is_file() else []

    def _write(self, path: Path, text: str) -> None:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text)
        tmp.replace(path)

    def register(self, subject: str, schema: dict[str, Any]) -> int:
        key = (subject, canonical(schema))
        if key in self._registered:
            return self._registered[key]
        with self._locked():
            ids_dir = self.directory / "ids"
            existing = {int(p.stem): p.read_text() for p in ids_dir.glob("*.avsc")}
            schema_id = next((i for i, text in existing.items() if text == key[1]), None)
            if schema_id is None:
                schema_id = max(existing, default=0) + 1
                self._write(ids_dir / f"{schema_id}.avsc", key[1])
            versions = self._versions(subject)
            if schema_id not in versions:
                if versions:
                    problems = backward_problems(schema, self.schema_by_id(versions[-1]))
                    if problems:
                        raise RegistryError(
                            f"subject {subject}: schema is not backward compatible: {'; '.join(problems)}"
                        )
                versions.append(schema_id)
                self._write(self.directory / "subjects" / f"{subject}.json", json.dumps(versions))
        self._registered[key] = schema_id
        return schema_id

    def schema_by_id(self, schema_id: int) -> dict[str, Any]:
        if schema_id not in self._by_id:
            path = self.directory / "ids" / f"{schema_id}.avsc"
            if not path.is_file():
                raise RegistryError(f"schema id {schema_id} is not registered in {self.directory}")
            self._by_id[schema_id] = json.loads(path.read_text())
        return self._by_id[schema_id]

    def is_compatible(self, subject: str, schema: dict[str, Any]) -> bool:
        versions = self._versions(subject)
        return not versions or not backward_problems(schema, self.schema_by_id(versions[-1]))


def registry_from_settings(settings: Settings) -> SchemaRegistry:
    if settings.schema_registry_url:
        return RestSchemaRegistry(settings.schema_registry_url)
    return FileSchemaRegistry(settings.schema_registry_dir)
