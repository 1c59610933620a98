"""One fuzz target per parser and verifier: bytes in, accepted or refused, never a crash.

A target feeds one input, exactly as a user or a peer could hand it over, to one parser or
verifier of the project. The invariant the fuzzing suite holds every target to: the call
returns (accepted) or raises ``cybernorms.errors.CybernormsError`` (refused, with a reason);
any other exception is a bug. ``run`` applies that invariant; the same targets are driven by
hypothesis in ``tests/fuzz`` (a fixed budget in the test suite) and by atheris in
``python -m fuzz`` (coverage-guided campaigns). Seeds live in ``fuzz/corpus/<target>/``
(rebuilt by ``python -m fuzz.make_corpus`` from the repository's own valid examples).

Documents go through a file, as users give them (``load_file`` is part of what is tested);
the file lives in one temporary directory per process.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from cybernorms.errors import CybernormsError
from cybernorms.ingest.eurepoc import import_eurepoc
from cybernorms.ingest.files import load_incidents
from cybernorms.log.checkpoint import Checkpoint, open_checkpoint
from cybernorms.log.hashing import HASH_SIZE
from cybernorms.log.note import NoteSigner, NoteVerifier, open_note
from cybernorms.log.proofs import verify_consistency, verify_inclusion
from cybernorms.rules.catalog import load_examples, load_profiles
from cybernorms.rules.package import Package, load_package, load_packages, load_position
from cybernorms.rules.parser import ExpressionError, Scope, parse_expression
from cybernorms.store.receipt import Receipt, verify_receipt
from cybernorms.trust.envelope import Envelope

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
RULEBOOKS = REPO / "rulebooks"

# The signed-note and checkpoint seeds are signed by this key. It is a published test key
# (its private seed is these 32 bytes), so it signs nothing outside the fuzzing corpus.
NOTE_ORIGIN = "cybernorms.example/fuzz-log"
NOTE_SIGNER = NoteSigner(NOTE_ORIGIN, bytes(range(32)))
# The receipt seed's log key (public half only), written by ``make_corpus``.
RECEIPT_VKEY = CORPUS.parent / "receipt-log.vkey"

Target = Callable[[bytes], object]
_RULE_REFERENCE = re.compile(r"[a-z0-9_-]+\.[a-z0-9_.-]+")


@functools.cache
def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="cybernorms-fuzz-"))


def _as_file(data: bytes, name: str) -> Path:
    path = _scratch() / name
    path.write_bytes(data)
    return path


@functools.cache
def _shipped_packages() -> tuple[Package, ...]:
    paths = sorted(RULEBOOKS.glob("*/package.yaml"))
    return tuple(load_packages(paths))


def _resolve_rule(reference: str) -> tuple[str, str]:
    """Any ``package.rule``-shaped reference resolves (the parser's checks are under test, not
    a rulebook's contents); anything else is refused as the package loader would."""
    if not _RULE_REFERENCE.fullmatch(reference):
        raise ExpressionError(f"no rule {reference!r}")
    return reference.split(".", 1)[0], reference


# -- the targets ----------------------------------------------------------------------------


def incident_yaml(data: bytes) -> object:
    return load_incidents(_as_file(data, "incident.yaml"))


def incident_json(data: bytes) -> object:
    return load_incidents(_as_file(data, "incident.json"))


def package(data: bytes) -> object:
    return load_package(_as_file(data, "package.yaml"))


def position(data: bytes) -> object:
    return load_position(_as_file(data, "position.yaml"), _shipped_packages())


def profile(data: bytes) -> object:
    return load_profiles(_as_file(data, "profile.yaml"))


def rule_examples(data: bytes) -> object:
    return load_examples(_as_file(data, "examples.yaml"))


def expression(data: bytes) -> object:
    text = data.decode("utf-8", "replace")  # YAML hands the parser any text
    # Any type (``expect=None``): subject expressions are states, criteria are conditions.
    return parse_expression(text, Scope(resolve_rule=_resolve_rule), expect=None)


def eurepoc_csv(data: bytes) -> object:
    return import_eurepoc(_as_file(data, "eurepoc.csv"))


def envelope(data: bytes) -> object:
    parsed = Envelope.from_json(data)
    return parsed.document()


@functools.cache
def _receipt_verifier() -> NoteVerifier:
    return NoteVerifier.from_vkey(RECEIPT_VKEY.read_text(encoding="utf-8").strip())


def receipt(data: bytes) -> object:
    parsed = Receipt.loads(data)
    return verify_receipt(parsed, _receipt_verifier())


def note(data: bytes) -> object:
    return open_note(data, [NOTE_SIGNER.verifier()])


def checkpoint(data: bytes) -> object:
    opened, _ = open_checkpoint(data, [NOTE_SIGNER.verifier()], origin=NOTE_ORIGIN)
    return Checkpoint.parse(opened.body())


def merkle_proof(data: bytes) -> object:
    """Bytes read as (index, size1, size2, leaf, root1, root2, proof hashes): the verifiers
    must refuse any combination by ``ProofError``, including sizes at the edges."""
    head, rest = data[:6], data[6:]
    index, size1, size2 = (int.from_bytes(head[i : i + 2], "big") for i in (0, 2, 4))
    hashes = [rest[i : i + HASH_SIZE] for i in range(0, len(rest), HASH_SIZE)]
    leaf, root1, root2, *proof = [*hashes, b"", b"", b""][: max(3, len(hashes))]
    outcomes: list[object] = []
    for run in (
        lambda: verify_inclusion(leaf, index, size1, proof, root1),
        lambda: verify_consistency(size1, size2, proof, root1, root2),
    ):
        try:
            outcomes.append(run())
        except CybernormsError as exc:
            outcomes.append(exc)
    return outcomes


TARGETS: dict[str, Target] = {
    "incident_yaml": incident_yaml,
    "incident_json": incident_json,
    "package": package,
    "position": position,
    "profile": profile,
    "rule_examples": rule_examples,
    "expression": expression,
    "eurepoc_csv": eurepoc_csv,
    "envelope": envelope,
    "receipt": receipt,
    "note": note,
    "checkpoint": checkpoint,
    "merkle_proof": merkle_proof,
}


def run(target: str, data: bytes) -> bool:
    """Feed ``data`` to ``target``: True accepted, False refused; anything else propagates."""
    try:
        TARGETS[target](data)
    except CybernormsError:
        return False
    return True


def seeds(target: str) -> list[bytes]:
    """The seed corpus of ``target``, sorted by file name (deterministic for hypothesis)."""
    folder = CORPUS / target
    return [p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()]
