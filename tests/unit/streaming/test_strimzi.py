"""The Strimzi manifests declare exactly the topics the code uses, on the cluster they define."""

from __future__ import annotations

from pathlib import Path

import yaml

from mfg.settings import Settings
from mfg.streaming import topics as T

STRIMZI = Path(__file__).resolve().parents[3] / "k8s" / "strimzi"


def _docs() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for f in sorted(STRIMZI.glob("*.yaml")):
        if f.name != "kustomization.yaml":
            out += [d for d in yaml.safe_load_all(f.read_text()) if d]
    return out


def test_topics_match_the_code(settings: Settings) -> None:
    docs = _docs()
    topics = [d for d in docs if d["kind"] == "KafkaTopic"]
    names = {t["spec"]["topicName"] for t in topics}  # type: ignore[index]
    assert names == set(T.all_topics(settings))
    clusters = {d["metadata"]["name"] for d in docs if d["kind"] == "Kafka"}  # type: ignore[index]
    for t in topics:
        assert t["metadata"]["labels"]["strimzi.io/cluster"] in clusters  # type: ignore[index]
        assert int(t["spec"]["config"]["max.message.bytes"]) >= 4_000_000  # type: ignore[index]


def test_kustomization_lists_every_manifest() -> None:
    kust = yaml.safe_load((STRIMZI / "kustomization.yaml").read_text())
    assert sorted(kust["resources"]) == sorted(f.name for f in STRIMZI.glob("*.yaml") if f.name != "kustomization.yaml")
