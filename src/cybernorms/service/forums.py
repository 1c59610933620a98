"""Forum and treaty acts as plain functions: sign an act, publish it, read the fold.

Front ends (``cybernorms forum ...``, ``cybernorms treaty ...``, ``POST /v1/acts``) build one
act from their arguments and call ``publish_act``: the act is signed by the keys given (which
must be the keys of its author's signer: the state, ``forum:<id>``, ``depositary:<id>`` or
``recorder:<id>``), numbered with its signer's next sequence number from the log, and
published in one transaction that the fold of the log's acts must accept (its refusal is the
fold's named ``ForumError``; nothing is written).

``forum_records(db)`` is what other parts read: the acts on the log, in order, ready for
``forum.state.fold``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cybernorms.forum.acts import parse_act
from cybernorms.forum.authors import (
    Author,
    Depositary,
    Record,
    RecordedFromPublicSources,
    Secretariat,
    StateAuthor,
    signer_key,
)
from cybernorms.forum.history import load_history
from cybernorms.forum.signed import ACT_PAYLOAD_TYPE, SignedAct, signer_identity
from cybernorms.forum.state import ForumState, fold
from cybernorms.forum.treaty import StatusRow
from cybernorms.service.registry import (
    InvalidRequest,
    Publication,
    Unlock,
    _publish,
    _registry,
    load_signing_keys,
)
from cybernorms.store.decision_receipt import (
    DECISION_RECEIPT_TYPE,
    DecisionReceipt,
    VerifiedDecisions,
    verify_decision_receipt,
)
from cybernorms.trust.canonical import json_ready
from cybernorms.trust.envelope import Envelope, sign_document
from cybernorms.trust.keys import SigningKey


def forum_records(db: str | None) -> list[Record]:
    """The forum and treaty acts on the registry's log, in log order, as ``Record``s ready
    for ``forum.state.fold`` (each with its verified author, log index and log time)."""
    with _registry(db) as registry:
        return registry.forum_records()


def forum_state(db: str | None) -> ForumState:
    """The fold of the registry's forum records: every forum, package and treaty now."""
    return fold(forum_records(db))


def next_seq(records: Sequence[Record], author: Author) -> int:
    """The signer's next act number: one more than its last act on the log."""
    key = signer_key(author)
    return 1 + max((r.act.seq for r in records if signer_key(r.author) == key), default=0)


def author_for(
    *,
    state: str | None = None,
    forum: str | None = None,
    depositary: str | None = None,
    recorded_by: str | None = None,
    source: str | None = None,
    occurred_at: str | None = None,
) -> Author:
    """The author of an act from front-end options: exactly one of ``state``, ``forum``
    (its secretariat) and ``depositary``; with ``recorded_by`` (and ``source``,
    ``occurred_at``) the act is recorded on their behalf from public sources."""
    given = [x for x in (state, forum, depositary) if x is not None]
    if len(given) != 1:
        raise InvalidRequest("an act has one author: a state, a forum secretariat or a depositary")
    principal: StateAuthor | Secretariat | Depositary
    if state is not None:
        principal = StateAuthor(author="state", state=state)
    elif forum is not None:
        principal = Secretariat(author="secretariat", forum=forum)
    else:
        assert depositary is not None  # noqa: S101 - one of three was given
        principal = Depositary(author="depositary", depositary=depositary)
    if recorded_by is None:
        if source is not None or occurred_at is not None:
            raise InvalidRequest("--source and --occurred-at go with --recorded-by")
        return principal
    if source is None or occurred_at is None:
        raise InvalidRequest("an act recorded from public sources names --source and --occurred-at")
    return RecordedFromPublicSources.model_validate_json(
        json.dumps(
            {
                "author": "public_sources",
                "on_behalf_of": json.loads(principal.model_dump_json()),
                "by": recorded_by,
                "source": source,
                "occurred_at": occurred_at,
            }
        )
    )


@dataclass(frozen=True)
class ActPublication:
    publication: Publication
    signed: SignedAct


def sign_act(
    author: Author, act_fields: dict[str, Any], keys: Sequence[SigningKey], seq: int
) -> Envelope:
    """Parse the act strictly (``parse_act``) with its ``seq`` and sign author and act."""
    act = parse_act(json.dumps(json_ready({**act_fields, "seq": seq})))
    return sign_document(ACT_PAYLOAD_TYPE, SignedAct(author, act).document(), list(keys))


def publish_act(
    author: Author,
    act_fields: dict[str, Any],
    key_files: Sequence[Path],
    db: str | None,
    *,
    receipt: Path | None = None,
    log_key_file: Path | None = None,
    unlock: Unlock = None,
) -> ActPublication:
    """Sign ``act_fields`` (an act without ``seq``) for ``author`` with the keys given and
    publish it; the fold of the log must accept it (its ``ForumError`` otherwise)."""
    keys = load_signing_keys(key_files, unlock)
    signer = signer_identity(author)
    for key, path in zip(keys, key_files, strict=True):
        if key.state != signer:
            raise InvalidRequest(
                f"--key {path}: this key is labelled for {key.state}; the act is signed for "
                f"by {signer}"
            )
    seq = next_seq(forum_records(db), author)
    envelope = sign_act(author, act_fields, keys, seq)
    signed = SignedAct(author, parse_act(json.dumps(envelope.document()["act"])))
    publication = _publish(db, log_key_file, receipt, lambda r: r.publish_act(envelope))
    return ActPublication(publication, signed)


def record_act(
    author: Author,
    build: Callable[[ForumState], dict[str, Any]],
    key_files: Sequence[Path],
    db: str | None,
    *,
    receipt: Path | None = None,
    log_key_file: Path | None = None,
    unlock: Unlock = None,
) -> ActPublication:
    """``publish_act`` of the act ``build`` makes from the forum state now (a call pins the
    proposal's current revision, a position the call's pinned one, unless told otherwise)."""
    fields = build(forum_state(db))
    return publish_act(
        author, fields, key_files, db, receipt=receipt, log_key_file=log_key_file, unlock=unlock
    )


@dataclass(frozen=True)
class PackageVersion:
    """A package file as a forum names it: its id, content hash and every norm id in it."""

    package: str
    revision: str
    norms: list[str]


def package_version(path: Path) -> PackageVersion:
    """Read a package file's identity as ``package publish`` computes it (SHA-256 of its
    canonical JSON) and its norms (rule ids); ``DocumentError`` if it is not a package."""
    from cybernorms.forum.history import content_hash_of
    from cybernorms.model.documents import DocumentError, Problem
    from cybernorms.service.inputs import read_yaml

    document = read_yaml(path, "package")
    value = document.value
    rules = value.get("rules") if isinstance(value, dict) else None
    if not isinstance(value, dict) or not isinstance(value.get("package"), str) or not rules:
        raise DocumentError([Problem(str(path), "a package names 'package:' and lists 'rules:'")])
    ids = sorted({str(r.get("id")) for r in rules if isinstance(r, dict)})
    return PackageVersion(str(value["package"]), content_hash_of(document), ids)


# --- the recorded history -------------------------------------------------------------------


def load_recorded_history(
    history: Path, key_files: Sequence[Path], db: str | None, unlock: Unlock = None
) -> int:
    """Publish a history file's acts (``forum.history``), each signed by the recorder's keys
    (``recorder:<recorded_by>``) and marked as recorded from public sources. The whole
    history is first folded after the log's acts: if any act would be refused, none is
    published (its ``ForumError`` names it). Returns how many acts were published."""
    from datetime import UTC

    keys = load_signing_keys(key_files, unlock)
    records = load_history(history)
    with _registry(db) as registry:
        existing = registry.forum_records()
        state = fold(existing)
        sequences = {signer_key(r.author): r.act.seq for r in existing}
        now = datetime.now(UTC).replace(microsecond=0)
        index = registry.head().size
        envelopes: list[Envelope] = []
        for record in records:
            key = signer_key(record.author)
            sequences[key] = sequences.get(key, 0) + 1
            fields = {**json.loads(record.act.model_dump_json()), "seq": sequences[key]}
            act = parse_act(json.dumps(json_ready(fields)))
            state.apply(Record(act, record.author, index, now))  # refuses before any publish
            index += 1
            document = SignedAct(record.author, act).document()
            envelopes.append(sign_document(ACT_PAYLOAD_TYPE, document, keys))
        for envelope in envelopes:
            registry.publish_act(envelope)
        return len(envelopes)


# --- reading ----------------------------------------------------------------------------------


def _row_json(row: StatusRow) -> dict[str, Any]:
    return asdict(row)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


# --- building acts from the state the log folds to --------------------------------------------


def _read_terms(path: Path) -> dict[str, Any]:
    from cybernorms.service.inputs import read_yaml

    value = read_yaml(path, "package terms").value
    if not isinstance(value, dict):
        raise InvalidRequest(f"{path}: package terms are a mapping (package, kind, ...)")
    return dict(json_ready(value))


def forum_new_fields(
    forum: str,
    name: str,
    mandate: str,
    rule: str,
    quorum: str,
    eligible: Sequence[str],
    terms: Sequence[Path],
) -> dict[str, Any]:
    """A ``forum_new`` act: one decision rule for every kind of question (``consensus``,
    ``majority`` or ``two_thirds`` with ``quorum`` N/D), listed or open membership."""
    decision: dict[str, Any] = {"rule": rule}
    if rule != "consensus":
        numerator, _, denominator = quorum.partition("/")
        if not (numerator.isdigit() and denominator.isdigit()):
            raise InvalidRequest(f"--quorum: {quorum!r} is not N/D")
        decision["quorum"] = {"numerator": int(numerator), "denominator": int(denominator)}
    fields: dict[str, Any] = {
        "kind": "forum_new",
        "forum": forum,
        "name": name,
        "mandate": mandate,
        "membership": "listed" if eligible else "open",
        "decision_rules": {q: decision for q in ("new_package", "amendment", "withdrawal")},
        "packages": [_read_terms(p) for p in terms],
    }
    if eligible:
        fields["eligible"] = sorted(set(eligible))
    return fields


def propose_fields(
    state: ForumState, forum: str, proposal: str, package: Path, kind: str, terms: Path | None
) -> dict[str, Any]:
    """A ``propose`` act naming the whole package file (content hash and every norm); a new
    package nobody owns yet is declared with ``terms`` (default: a political package)."""
    version = package_version(package)
    fields: dict[str, Any] = {
        "kind": "propose",
        "forum": forum,
        "proposal": proposal,
        "proposal_kind": kind,
        "package": version.package,
        "revision": version.revision,
        "norms": version.norms,
    }
    if terms is not None:
        fields["terms"] = _read_terms(terms)
    elif kind == "new_package" and version.package not in state.packages:
        fields["terms"] = {"package": version.package, "kind": "norms"}
    return fields


def current_revision(state: ForumState, forum: str, proposal: str) -> str:
    found = state.forum(forum).proposals.get(proposal)
    if found is None:
        from cybernorms.forum.errors import UnknownProposal

        raise UnknownProposal(f"forum {forum} has no proposal {proposal!r}")
    return found.current.content_hash


def call_fields(
    state: ForumState, forum: str, call: str, proposal: str, ends: datetime
) -> dict[str, Any]:
    """A ``call`` pinning the proposal's current revision, stating the forum's rule for the
    question and freezing its voting members now."""
    record = state.forum(forum)
    found = record.proposals.get(proposal)
    if found is None:
        from cybernorms.forum.errors import UnknownProposal

        raise UnknownProposal(f"forum {forum} has no proposal {proposal!r}")
    rule = record.charter.decision_rules.for_question(found.kind)
    return {
        "kind": "call",
        "forum": forum,
        "call": call,
        "proposal": proposal,
        "revision": found.current.content_hash,
        "rule": json.loads(rule.model_dump_json()),
        "electorate": list(record.voting_members()),
        "period_ends": ends.isoformat(),
    }


def pinned_revision(state: ForumState, forum: str, call: str) -> str:
    return state.call(forum, call).revision


def close_fields(state: ForumState, forum: str, call: str, outcome: str | None) -> dict[str, Any]:
    """A ``close`` recording ``outcome`` (default: the one the log gives) with the counts
    the log gives after a vote. The fold refuses an outcome that does not follow."""
    from cybernorms.forum.acts import VotingRule
    from cybernorms.forum.decision import outcome as computed_outcome

    found = state.call(forum, call)
    tally = found.tally()
    fields: dict[str, Any] = {
        "kind": "close",
        "forum": forum,
        "call": call,
        "revision": found.revision,
        "outcome": outcome or computed_outcome(found.rule, tally),
    }
    if isinstance(found.rule, VotingRule):
        fields["counts"] = json.loads(tally.counts.model_dump_json())
    return fields


def wait_for_period_end(db: str | None, forum: str, call: str, limit: float = 3600.0) -> None:
    """Sleep until the call's silence or voting period has ended (for scripts that close a
    call they just opened); ``InvalidRequest`` if that is more than ``limit`` seconds away."""
    import time
    from datetime import UTC

    ends = forum_state(db).call(forum, call).period_ends
    remaining = (ends - datetime.now(UTC)).total_seconds() + 1.0  # logged times are whole seconds
    if remaining > limit:
        raise InvalidRequest(f"call {call} ends {ends.isoformat()}: more than {limit:.0f}s away")
    if remaining > 0:
        time.sleep(remaining)


def adopted_revision(state: ForumState, package: str) -> str:
    """The adopted version of a package (the last adoption on the log)."""
    record = state.package(package)
    if not record.adoptions:
        from cybernorms.forum.errors import NotWholePackage

        raise NotWholePackage(f"package {package} has no adopted version on the log")
    return record.adoptions[-1].content_hash


# --- reading: status tables and history --------------------------------------------------------


def forum_status_document(db: str | None, forum: str) -> dict[str, Any]:
    """A forum's members, calls (outcome, or what the call still needs, in words) and the
    adoptions it decided, as JSON-ready data; statements are listed apart, attributed."""
    state = forum_state(db)
    record = state.forum(forum)
    calls = []
    for call in record.calls.values():
        proposal = record.proposals[call.proposal]
        calls.append(
            {
                "call": call.id,
                "proposal": call.proposal,
                "package": proposal.package,
                "revision": call.revision,
                "status": call.status,
                "outcome": call.outcome,
                "needs": None if call.outcome else state.what_it_still_needs(forum, call.id),
            }
        )
    adoptions = [
        {
            "package": a.package,
            "revision": a.content_hash,
            "outcome": a.outcome,
            "log_index": a.log_index,
            "adopted_on": a.adopted_on.isoformat(),
            "disassociations": {k: list(v) for k, v in a.disassociations.items()},
            "recorded_by": a.attribution,
        }
        for p in state.packages.values()
        for a in p.adoptions
        if a.forum == forum
    ]
    statements = [
        {"kind": s.kind, "state": s.state, "call": s.call, "text": s.text, "by": s.attribution}
        for s in record.statements
    ]
    return {
        "forum": forum,
        "name": record.charter.name,
        "members": sorted(s for s, role in record.members.items() if role == "member"),
        "observers": sorted(s for s, role in record.members.items() if role == "observer"),
        "calls": calls,
        "adoptions": adoptions,
        "statements": statements,
    }


def forum_history_rows(db: str | None, forum: str) -> list[dict[str, Any]]:
    """Every act naming ``forum``, in log order, with who signed it (a record from public
    sources says so)."""
    from cybernorms.forum.authors import describe

    rows = []
    for r in forum_records(db):
        if getattr(r.act, "forum", None) != forum:
            continue
        rows.append(
            {
                "log_index": r.log_index,
                "act": r.act.kind,
                "by": describe(r.author),
                "logged_at": r.logged_at.isoformat(),
                "signed_by_principal": r.signed_by_principal,
            }
        )
    return rows


def treaty_status_document(db: str | None, package: str) -> dict[str, Any]:
    """A treaty's status in the UN Treaty Collection's shape: per participant signature,
    consent (ratification, accession...) and its kind, reservations, denunciation, and the
    date it is in force for it; the general entry into force. All from the log."""
    state = forum_state(db)
    revision = adopted_revision(state, package)
    rows = state.status_table(package, revision)
    reservations: dict[str, list[str]] = {}
    for entry in state.package(package).reservations:
        if entry.content_hash == revision:
            reservations.setdefault(entry.state, []).append(
                f"{', '.join(entry.norms)}: {entry.text}"
            )
    participants = []
    for row in rows:
        item = {k: json_ready(v) for k, v in _row_json(row).items()}
        item["reservations"] = reservations.get(row.participant, [])
        participants.append(item)
    general = state.entry_into_force(package, revision)
    return {
        "package": package,
        "revision": revision,
        "entry_into_force": general.isoformat() if general else None,
        "participants": participants,
    }


def status_csv_text(document: dict[str, Any]) -> str:
    rows = document["participants"]
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


# --- offline verification ----------------------------------------------------------------------


def write_decision_receipt(db: str | None, receipt: Path, log_key_file: Path | None = None) -> int:
    """Write a decision receipt of the whole log (``store.decision_receipt``); returns how
    many forum acts it carries."""
    from cybernorms.service.inputs import check_output, write_text

    check_output(receipt, "decision receipt")
    with _registry(db, log_key_file) as registry:
        made = registry.decision_receipt()
    write_text(receipt, made.dumps(), "decision receipt")
    return sum(1 for e in made.entries if b'"kind":"act"' in e)


def is_decision_receipt(path: Path) -> bool:
    """Whether a receipt file is a decision receipt (by its ``type``), read strictly."""
    from cybernorms.service.inputs import read_json

    data = read_json(path, "receipt")
    return isinstance(data, dict) and data.get("type") == DECISION_RECEIPT_TYPE


def verify_decision_receipt_file(path: Path, log_key: str) -> VerifiedDecisions:
    """Check a decision receipt OFFLINE and fold its acts (no database)."""
    from cybernorms.log.note import NoteVerifier
    from cybernorms.service.inputs import read_bytes
    from cybernorms.service.registry import _vkey_text

    verifier = NoteVerifier.from_vkey(_vkey_text(log_key))
    return verify_decision_receipt(DecisionReceipt.loads(read_bytes(path, "receipt")), verifier)


def decision_summary(verified: VerifiedDecisions) -> list[str]:
    """In words, what the verified prefix decided: each call's outcome (or what it still
    needs), adoptions with disassociations, and each treaty's entry into force."""
    state = verified.state
    lines: list[str] = []
    for forum in state.forums.values():
        for call in forum.calls.values():
            if call.outcome is not None:
                counts = f" ({call.counts.model_dump()})" if call.counts else ""
                lines.append(
                    f"forum {forum.id}, call {call.id}: {call.outcome}{counts} on revision "
                    f"{call.revision[:12]} (decided at log entry {call.ended_at})"
                )
            else:
                lines.append(
                    f"forum {forum.id}, call {call.id}: {call.status}; "
                    f"{state.what_it_still_needs(forum.id, call.id)}"
                )
    for package in state.packages.values():
        for adoption in package.adoptions:
            for who, paragraphs in sorted(adoption.disassociations.items()):
                lines.append(
                    f"package {package.id}: {who} disassociated from paragraph(s) "
                    f"{', '.join(paragraphs)} (recorded, not blocking)"
                )
        if package.terms.kind == "treaty":
            for revision in dict.fromkeys(a.content_hash for a in package.adoptions):
                day = state.entry_into_force(package.id, revision)
                lines.append(
                    f"treaty {package.id} {revision[:12]}: "
                    + (f"enters into force on {day.isoformat()}" if day else "not in force")
                )
    return lines
