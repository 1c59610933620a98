"""Rebuild ``fuzz/corpus/`` from the repository's valid examples: ``python -m fuzz.make_corpus``.

Why generated and committed: the seeds must be valid inputs (a mutation of a valid input reaches
deep into a parser; random bytes stop at its first check), and they must be the same on every
machine so the hypothesis tests are reproducible. Documents are copied from ``rulebooks/``,
``examples/`` and ``tests/data``; signed artefacts (envelope, receipt, note, checkpoint, proof)
are made here with the project's own code. Running it again rewrites the signed seeds with new
keys (Ed25519 keys are drawn at random), which is harmless: every target reads its key from the
corpus.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from cybernorms.log.checkpoint import Checkpoint, sign_checkpoint
from cybernorms.log.note import sign_note
from cybernorms.log.tree import MemoryTree, consistency_proof, inclusion_proof, root_hash

from .targets import CORPUS, NOTE_SIGNER, RECEIPT_VKEY, REPO, TARGETS


def _copy(target: str, paths: list[Path]) -> None:
    for path in paths:
        shutil.copyfile(path, CORPUS / target / f"{path.parent.name}-{path.name}")


def _write(target: str, name: str, data: bytes) -> None:
    (CORPUS / target / name).write_bytes(data)


def _plain(value: Any) -> Any:
    """A YAML value as JSON can hold it (dates as ISO text)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def documents() -> None:
    incidents = sorted((REPO / "examples" / "incidents").glob("*.yaml"))[:4]
    _copy("incident_yaml", incidents)
    for path in incidents[:3]:
        value = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
        _write("incident_json", path.stem + ".json", json.dumps(value, indent=1).encode())
    _copy("package", [REPO / "tests/data/lang/lang/package.yaml",
                      REPO / "rulebooks/il-core/package.yaml"])
    _copy("position", sorted((REPO / "rulebooks" / "positions").glob("[A-Z][A-Z][A-Z].yaml")))
    _copy("profile", sorted((REPO / "rulebooks" / "profiles").glob("*.yaml")))
    _copy("rule_examples", [REPO / "rulebooks/positions/FRA.examples.yaml",
                            REPO / "tests/data/lang/lang/examples.yaml"])
    _copy("eurepoc_csv", [REPO / "tests/data/eurepoc/good.csv",
                          REPO / "tests/data/eurepoc/bad_literal.csv"])


def expressions() -> None:
    """Every criterion of the shipped packages and of the test language package, one a file."""
    seen: list[str] = []
    for path in [*sorted((REPO / "rulebooks").glob("*/package.yaml")),
                 REPO / "tests/data/lang/lang/package.yaml"]:
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", []):
            for field in ("subject", "applies_when", "violated_when"):
                text = rule.get(field)
                if isinstance(text, str) and text not in seen:
                    seen.append(text)
    for i, text in enumerate(seen):
        _write("expression", f"{i:03d}.txt", text.encode())


def signed() -> None:
    tree = MemoryTree()
    tree.append([f"entry {i}".encode() for i in range(7)])
    body = Checkpoint(NOTE_SIGNER.name, tree.size, tree.root()).body()
    _write("checkpoint", "size-7.txt", sign_checkpoint(
        Checkpoint.parse(body), [NOTE_SIGNER]).encode())
    _write("note", "hello.txt", sign_note("hello, fuzzer\nsecond line\n", [NOTE_SIGNER]).encode())
    signed_checkpoint = sign_checkpoint(Checkpoint.parse(body), [NOTE_SIGNER])
    _write("note", "checkpoint.txt", signed_checkpoint.encode())
    for index, size in ((2, 7), (6, 7), (0, 1)):
        proof = inclusion_proof(tree, index, size)
        leaf = tree.get_nodes([(0, index)])[(0, index)]
        root = root_hash(tree, size)
        head = index.to_bytes(2, "big") + size.to_bytes(2, "big") + (7).to_bytes(2, "big")
        _write("merkle_proof", f"inclusion-{index}-{size}.bin",
               head + leaf + root + tree.root() + b"".join(proof))
    for size1 in (3, 4):
        proof = consistency_proof(tree, size1, 7)
        head = (0).to_bytes(2, "big") + size1.to_bytes(2, "big") + (7).to_bytes(2, "big")
        _write("merkle_proof", f"consistency-{size1}-7.bin",
               head + bytes(32) + root_hash(tree, size1) + tree.root() + b"".join(proof))


def registry_artefacts() -> None:
    """A root, a profile and the profile's receipt from a throw-away registry."""
    from cybernorms.store import Registry
    from cybernorms.trust import PROFILE_PAYLOAD_TYPE, ROOT_PAYLOAD_TYPE, Root, SigningKey
    from cybernorms.trust.envelope import sign_document

    keys = [SigningKey.generate("EST"), SigningKey.generate("EST")]
    expires = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=3650)
    root = Root.create("EST", 1, expires, [k.public for k in keys], 2)
    root_envelope = sign_document(ROOT_PAYLOAD_TYPE, root.to_document(), keys)
    profile = _plain(yaml.safe_load((REPO / "rulebooks/profiles/EST.yaml").read_text("utf-8")))
    profile.pop("illustrative", None)
    profile.pop("sources", None)
    profile_envelope = sign_document(PROFILE_PAYLOAD_TYPE, profile, keys)
    _write("envelope", "root.json", root_envelope.to_bytes())
    _write("envelope", "profile.json", profile_envelope.to_bytes())
    with (
        tempfile.TemporaryDirectory() as scratch,
        Registry.init(f"sqlite:///{scratch}/registry.db") as registry,
    ):
        registry.publish_root(root_envelope)
        published = registry.publish_profile(profile_envelope)
        receipt = registry.receipt(published.log_index).dumps()
        _write("receipt", "profile.json", receipt.encode())
        RECEIPT_VKEY.write_text(registry.log_vkey() + "\n", encoding="utf-8")


def main() -> None:
    for target in TARGETS:
        folder = CORPUS / target
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    documents()
    expressions()
    signed()
    registry_artefacts()
    for target in TARGETS:
        print(f"{target}: {len(list((CORPUS / target).iterdir()))} seeds")


if __name__ == "__main__":
    main()
