"""The forum record an evaluation reads: where a verdict's basis and a treaty's parties
come from (issue 9, item 3).

A package's ``basis: consensus`` is a claim. It becomes a verdict's basis only when the
package's exact content hash has an adoption decision on the record; the verdict then names
that decision (``Verdict.record``: the log index, forum, call, outcome and which log). A
package without one shows its own declared non-consensus basis (``proposal``,
``restatement``, ``group:NAME``; a package claiming consensus without an adoption is a
``proposal``: ``forum.standing.UNADOPTED``). A treaty's ``binds: parties`` rules bind the
states the record shows it in force for, on the evaluation date, less their reservations
(``semantics.parties``).

Which record:

* no database: the shipped history (``rulebooks/record/history.yaml``), acts recorded from
  public sources by the maintainers and labelled so in every verdict that cites one;
* ``--db``/``$CYBERNORMS_DB``: the forum acts on the registry's log (``registry_record``).

A package whose rules are a strict subset of an adopted version's, every other field equal,
is a *selection* of that version: its verdicts keep the adoption's basis and say
``selection: true``, never passing for the package. So does evaluating only some rules of a
package (``--rule``; ``evaluating.setup(rules=...)``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cybernorms.forum.authors import Record
from cybernorms.forum.entities import Adoption
from cybernorms.forum.history import content_hash_of, load_history
from cybernorms.forum.standing import adoption_basis, basis_of, consents_of, packages_as_of
from cybernorms.forum.state import ForumState, fold
from cybernorms.model.documents import Document, DocumentError, Problem, load_file
from cybernorms.rules.package import Package
from cybernorms.semantics.parties import Parties
from cybernorms.service.errors import BadRequest

#: How verdicts name the shipped record (``Verdict.record["log"]``).
SHIPPED_LOG = "shipped history rulebooks/record/history.yaml (recorded from public sources)"
REGISTRY_LOG = "registry log"


@dataclass(frozen=True, eq=False)
class ForumRecord:
    """A folded forum record and the package versions whose documents it can compare
    against (content hash -> document), for telling a selection from an edit."""

    state: ForumState
    log: str
    documents: Mapping[str, Any]


@dataclass(frozen=True)
class Standing:
    """What the record says of one package version."""

    package: str  # id@version
    content_hash: str
    basis: str
    adoption: Adoption | None
    selection: bool  # the version is an adopted version with rules left out
    log: str

    def record_json(self) -> dict[str, Any] | None:
        """The adoption as a verdict cites it (None: the basis is only declared)."""
        a = self.adoption
        if a is None:
            return None
        return {
            "log": self.log,
            "log_index": a.log_index,
            "forum": a.forum,
            "call": a.call,
            "decision": a.outcome,
            "adopted_on": a.adopted_on.isoformat(),
            "content_hash": a.content_hash,
            # never shown as signed by the forum when the maintainers recorded it from public
            # sources (the full attribution and source: ``cybernorms standing``)
            "recorded_from_public_sources": not a.signed_by_author,
        }


def history_path() -> Path:
    from cybernorms.rules.catalog import default_rulebooks_dir

    return default_rulebooks_dir() / "record" / "history.yaml"


def of_records(
    records: Iterable[Record], *, log: str, documents: Iterable[Document | Any] = ()
) -> ForumRecord:
    """A record from forum ``Record``s in log order (refused at the first bad act, as the
    registry refuses it) and the package documents it may compare against."""
    values = [d.value if isinstance(d, Document) else d for d in documents]
    return ForumRecord(fold(records), log, {_hash(v): v for v in values})


_shipped: dict[tuple[object, ...], ForumRecord] = {}


def shipped() -> ForumRecord:
    """The shipped history, folded once while its file and the shipped package files (whose
    documents tell a selection of an adopted version from an edit) are unchanged."""
    from cybernorms.rules.catalog import default_rulebooks_dir
    from cybernorms.service.loading import _fingerprint

    path = history_path()
    files = sorted(default_rulebooks_dir().rglob("package.yaml"))
    key = (str(path), _fingerprint([path, *files]))
    found = _shipped.get(key)
    if found is None:
        _shipped.clear()
        found = _shipped[key] = of_records(
            load_history(path), log=SHIPPED_LOG, documents=[_document(f) for f in files]
        )
    return found


def registry_record(
    db: str,
    forum_records: Callable[[str], Iterable[Record]],
    documents: Iterable[Any] = (),
) -> ForumRecord:
    """The forum acts on the registry's log at ``db`` (read by ``forum_records``, the
    store's reader), with the published package documents."""
    return of_records(forum_records(db), log=f"{REGISTRY_LOG} {db}", documents=documents)


def standing(record: ForumRecord, package: Package, document: Any | None = None) -> Standing:
    """The basis ``package`` earns on ``record`` (``document``: its source document, read
    from ``package.path`` when not given). A package built in memory, with no document to
    identify it, can have no adoption: it shows its declared basis."""
    if document is None and not Path(package.path).is_file():
        declared = basis_of(record.state, "", package.basis)
        return Standing(package.label, "", declared.label, None, False, record.log)
    value = _document(Path(package.path)).value if document is None else document
    content_hash = _hash(value)
    earned = basis_of(record.state, content_hash, package.basis)
    if earned.adoption is not None:
        return Standing(
            package.label, content_hash, earned.label, earned.adoption, False, record.log
        )
    adopted = record.state.packages.get(package.id)
    for adoption in adopted.adoptions if adopted is not None else ():
        whole = record.documents.get(adoption.content_hash)
        if whole is not None and is_selection(value, whole):
            return Standing(
                package.label, content_hash, adoption_basis(adoption), adoption, True, record.log
            )
    return Standing(package.label, content_hash, earned.label, None, False, record.log)


def is_selection(part: Any, whole: Any) -> bool:
    """``part`` is ``whole`` with some rules left out: every other field equal, its rules
    a strict subset of the whole's, each unchanged."""
    if not (isinstance(part, Mapping) and isinstance(whole, Mapping)):
        return False
    rules, all_rules = part.get("rules"), whole.get("rules")
    if not (isinstance(rules, list) and isinstance(all_rules, list)):
        return False
    others = {k: v for k, v in part.items() if k != "rules"}
    if others != {k: v for k, v in whole.items() if k != "rules"}:
        return False
    return len(rules) < len(all_rules) and all(r in all_rules for r in rules)


@dataclass(frozen=True, eq=False)
class Applied:
    """Packages as the record makes them (basis earned or declared, treaty parties from the
    record) and, per package label, its standing."""

    packages: tuple[Package, ...]
    standings: Mapping[str, Standing]


_applied: dict[tuple[int, ...], tuple[Applied, ForumRecord, tuple[Package, ...]]] = {}
_KEEP = 16


def apply(record: ForumRecord, packages: Iterable[Package]) -> Applied:
    """``packages`` with the basis and parties ``record`` gives them. The same objects for
    the same inputs (remembered), so compiled evaluators keyed on them are reused."""
    given = tuple(packages)
    key = (id(record), *map(id, given))
    found = _applied.get(key)
    if found is not None:
        return found[0]
    out: list[Package] = []
    standings: dict[str, Standing] = {}
    for package in given:
        found_standing = standing(record, package)
        standings[package.label] = found_standing
        changes: dict[str, Any] = {}
        if found_standing.basis != package.basis:
            changes["basis"] = found_standing.basis
        if found_standing.adoption is not None and any(r.binds == "parties" for r in package.rules):
            consents = consents_of(record.state, package.id, found_standing.adoption.content_hash)
            if record.state.packages[package.id].terms.kind == "treaty":
                changes["parties"] = Parties(consents)
        out.append(dataclasses.replace(package, **changes) if changes else package)
    applied = Applied(tuple(out), standings)
    _applied[key] = (applied, record, given)  # keeps the keyed objects (their ids) alive
    while len(_applied) > _KEEP:
        del _applied[next(iter(_applied))]
    return applied


def _document(path: Path) -> Document:
    try:
        return load_file(path)
    except OSError as exc:
        raise DocumentError([Problem(str(path), exc.strerror or str(exc))]) from None


def _hash(value: Any) -> str:
    return content_hash_of(Document("", value))


def standing_rows(record: ForumRecord, on: dt.date, state: str) -> list[dict[str, Any]]:
    """``forum.packages_as_of(on, state)`` as rows for people and scripts: each package
    version in force for ``state`` on ``on``, the decision that adopted it (its log index in
    ``record``'s log), from when it binds the state, its basis, and the state's
    disassociations (norms packages) or reservations (treaties)."""
    from cybernorms.model.states import iso3_codes

    if state not in iso3_codes():
        raise BadRequest(f"--state: {state!r} is not an ISO 3166-1 alpha-3 code")
    rows = []
    for found in packages_as_of(record.state, on, state):
        document = record.documents.get(found.content_hash)
        version = document.get("version") if isinstance(document, Mapping) else None
        rows.append(
            {
                "package": found.package,
                "version": version,
                "content_hash": found.content_hash,
                "kind": found.kind,
                "forum": found.forum,
                "decision": found.outcome,
                "log_index": found.decision_log_index,
                "adopted_on": found.adopted_on.isoformat(),
                "in_force_from": found.in_force_from.isoformat(),
                "basis": found.basis,
                "disassociated": list(found.disassociated),
                "reserved": list(found.reserved),
                "log": record.log,
                "recorded_by": found.decision_attribution,
            }
        )
    return rows
