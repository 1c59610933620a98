"""Decision receipts: every forum decision and entry-into-force date recomputed offline from a
log prefix under a signed checkpoint, with nothing but the log's verifier key. A receipt that
leaves an entry out (an objection, say), changes one, or swaps a document is refused."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from forum.world import CONSENSUS, HASH_V1, NOT_ALL_NORMS, norms_terms, rules, secretariat, state

from cybernorms.forum.authors import RecordedFromPublicSources
from cybernorms.log.note import NoteVerifier
from cybernorms.store import Registry, verify_receipt
from cybernorms.store.decision_receipt import (
    DecisionReceipt,
    DecisionReceiptError,
    verify_decision_receipt,
)

from .forum_log import SignedLog
from .world import World


@pytest.fixture
def log(registry: Registry, world: World) -> SignedLog:
    return SignedLog(registry, world)


def _decided(log: SignedLog, objection: bool) -> None:
    log.registry.publish_root(log.world.signed_root("GBR", "1", 1, signers="1"), now=log.now)
    log.by(secretariat("oewg")).forum_new(
        forum="oewg",
        name="WG",
        mandate="Norms",
        membership="open",
        decision_rules=rules(CONSENSUS),
    )
    for code in ("BRA", "DEU", "FRA"):
        log.by(state(code)).join(forum="oewg", state=code, role="member")
    log.by(state("FRA")).propose(
        forum="oewg",
        proposal="p1",
        proposal_kind="new_package",
        package="norms-package",
        revision=HASH_V1,
        norms=NOT_ALL_NORMS,
        terms=norms_terms("norms-package"),
    )
    ends = log.now + timedelta(days=7)
    log.by(secretariat("oewg")).call(
        forum="oewg",
        call="c1",
        proposal="p1",
        revision=HASH_V1,
        rule=CONSENSUS,
        electorate=["BRA", "DEU", "FRA"],
        period_ends=ends,
    )
    log.by(state("BRA")).position(
        forum="oewg",
        call="c1",
        revision=HASH_V1,
        state="BRA",
        position="disassociate",
        paragraphs=["7"],
    )
    if objection:
        log.by(state("DEU")).position(
            forum="oewg", call="c1", revision=HASH_V1, state="DEU", position="object"
        )
    log.now = ends + timedelta(minutes=1)
    outcome = "no_decision" if objection else "adopted_without_vote"
    log.by(secretariat("oewg")).close(forum="oewg", call="c1", revision=HASH_V1, outcome=outcome)


def _vkey(registry: Registry) -> NoteVerifier:
    return NoteVerifier.from_vkey(registry.log_vkey())


def test_a_consensus_is_recomputed_offline_from_the_log_prefix(log: SignedLog) -> None:
    _decided(log, objection=False)
    receipt = DecisionReceipt.loads(log.registry.decision_receipt(now=log.now).dumps())
    verified = verify_decision_receipt(receipt, _vkey(log.registry))
    call = verified.state.call("oewg", "c1")
    assert call.outcome == "adopted_without_vote"
    adoption = verified.state.adoption_of(HASH_V1)
    assert adoption is not None and adoption.disassociations == {"BRA": ("7",)}
    assert len(verified.records) == len(log.registry.forum_records())


def test_leaving_out_an_objection_is_detected(log: SignedLog) -> None:
    _decided(log, objection=True)
    receipt = log.registry.decision_receipt(now=log.now)
    objection = next(
        i
        for i, e in enumerate(receipt.entries)
        if i in receipt.documents and b'"act"' in e and b'"object"' in receipt.documents[i].payload
    )
    entries = [e for i, e in enumerate(receipt.entries) if i != objection]
    with pytest.raises(DecisionReceiptError, match="every entry of the prefix"):
        verify_decision_receipt(dataclasses.replace(receipt, entries=entries), _vkey(log.registry))
    swapped = [
        *receipt.entries[:objection],
        receipt.entries[objection - 1],
        *receipt.entries[objection + 1 :],
    ]
    with pytest.raises(DecisionReceiptError, match="do not hash to the checkpoint"):
        verify_decision_receipt(dataclasses.replace(receipt, entries=swapped), _vkey(log.registry))


def test_a_swapped_document_is_refused(log: SignedLog) -> None:
    _decided(log, objection=False)
    receipt = log.registry.decision_receipt(now=log.now)
    acts = sorted(receipt.documents)
    documents = dict(receipt.documents)
    documents[acts[-1]] = receipt.documents[acts[-2]]
    with pytest.raises(DecisionReceiptError, match="not the logged one"):
        verify_decision_receipt(
            dataclasses.replace(receipt, documents=documents), _vkey(log.registry)
        )
    missing = {k: v for k, v in receipt.documents.items() if k != acts[-1]}
    with pytest.raises(DecisionReceiptError, match="document is missing"):
        verify_decision_receipt(
            dataclasses.replace(receipt, documents=missing), _vkey(log.registry)
        )


def test_a_receipt_from_another_log_is_refused(log: SignedLog, tmp_path: object) -> None:
    _decided(log, objection=False)
    receipt = log.registry.decision_receipt(now=log.now)
    other = Registry.init(f"sqlite:///{tmp_path}/other.db", log_key_file=f"{tmp_path}/other.logkey")
    with other, pytest.raises(DecisionReceiptError, match="checkpoint"):
        verify_decision_receipt(receipt, _vkey(other))


def test_one_act_has_an_ordinary_receipt_under_its_signers_roots(log: SignedLog) -> None:
    author = RecordedFromPublicSources(
        author="public_sources",
        on_behalf_of=secretariat("oewg"),
        by="maintainers",
        source="A/75/816",
        occurred_at=log.now - timedelta(days=1),
    )
    published = log.by(author).forum_new(
        forum="oewg", name="WG", mandate="Norms", membership="open", decision_rules=rules(CONSENSUS)
    )
    result = verify_receipt(log.registry.receipt(published.log_index), _vkey(log.registry))
    assert (result.entry.kind, result.entry.state) == ("act", "recorder:maintainers")
    assert result.root is not None and result.root.state == "recorder:maintainers"
    assert result.document["author"]["on_behalf_of"] == {"author": "secretariat", "forum": "oewg"}
