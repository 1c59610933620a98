"""``cybernorms forum ...`` and ``cybernorms treaty ...``: forum and treaty acts, signed and logged.

Thin commands over ``cybernorms.service.forums``: each builds one act from its options and the
forum state the log folds to (a call pins the proposal's current revision and freezes the
members now; a position names the revision its call pinned), signs it with ``--key`` (the keys
of the act's signer: the state, ``forum:<id>`` for the secretariat, ``depositary:<id>``, or
``recorder:<id>`` with ``--recorded-by``) and publishes it. The fold decides: a refusal prints
``refused (Reason): ...`` and exits 1, and the registry is unchanged.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from cybernorms.cli.helpscreen import Command, Group
from cybernorms.cli.registry import _db_option, _log_key_file_option, out, refusals, say
from cybernorms.cli.terminal import printable

if TYPE_CHECKING:
    from cybernorms.forum.authors import Author
    from cybernorms.forum.state import ForumState
    from cybernorms.service.forums import ActPublication

_PERIOD = re.compile(r"(\d+)([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def _keys() -> Any:
    return typer.Option(..., "--key", "-k", help="Private key file of the act's signer; repeat.")


def _recorded_by() -> Any:
    return typer.Option(
        None,
        "--recorded-by",
        help="Record the act on its author's behalf from public sources, signed by the "
        "recorder:NAME root (never shown as signed by the author).",
    )


def _source() -> Any:
    return typer.Option(None, "--source", help="With --recorded-by: the public source read.")


def _occurred_at() -> Any:
    return typer.Option(
        None, "--occurred-at", help="With --recorded-by: when the act took place (ISO 8601)."
    )


class _Acting:
    """The options every act command shares, and publishing the act."""

    def __init__(
        self,
        key: list[Path],
        db: str | None,
        receipt: Path | None,
        log_key_file: Path | None,
        recorded_by: str | None,
        source: str | None,
        occurred_at: str | None,
    ) -> None:
        self.key, self.db, self.receipt, self.log_key_file = key, db, receipt, log_key_file
        self.recorded = {"recorded_by": recorded_by, "source": source, "occurred_at": occurred_at}

    def author(self, **who: str | None) -> Author:
        from cybernorms.service.forums import author_for

        return author_for(**who, **self.recorded)

    def publish(self, author: Author, build: Any) -> ActPublication:
        from cybernorms.cli.passphrase import unlocking
        from cybernorms.service.forums import record_act

        return record_act(
            author,
            build,
            self.key,
            self.db,
            receipt=self.receipt,
            log_key_file=self.log_key_file,
            unlock=unlocking,
        )


def _by_state(key: list[Path], db: str | None, state: str, build: Any) -> None:
    """Publish and print an act a member makes in its own name (no recording options)."""
    with refusals():
        a = _Acting(key, db, None, None, None, None, None)
        _print_act(a.publish(a.author(state=state), build))


def _print_act(done: ActPublication) -> None:
    from cybernorms.forum.authors import describe

    entry = done.publication.published
    act = done.signed.act
    say(
        f"accepted: {act.kind} by {printable(describe(done.signed.author))} as log entry "
        f"{entry.log_index} of {printable(done.publication.origin)}"
    )
    if done.publication.receipt is not None:
        r = done.publication.receipt
        say(
            f"receipt: {printable(r.path)} (entry {r.index}, checkpoint of size "
            f"{r.checkpoint_size})"
        )


def _period_end(period: str) -> datetime:
    match = _PERIOD.fullmatch(period)
    if match is None:
        from cybernorms.service.registry import InvalidRequest

        raise InvalidRequest(f"--period: {period!r} is not a duration such as 30s, 10m, 7d")
    amount, unit = int(match.group(1)), match.group(2)
    return (datetime.now(UTC) + timedelta(**{_UNITS[unit]: amount})).replace(microsecond=0)


def register(app: typer.Typer) -> None:
    """Add the ``forum`` and ``treaty`` groups."""
    forum_app = typer.Typer(
        cls=Group,
        help="Forums: members, proposals, decision calls, decisions.",
        no_args_is_help=True,
    )
    treaty_app = typer.Typer(
        cls=Group,
        help="Treaties: instruments, reservations, entry into force.",
        no_args_is_help=True,
    )
    app.add_typer(forum_app, name="forum")
    app.add_typer(treaty_app, name="treaty")

    # --- forums ------------------------------------------------------------------------------

    @forum_app.command("new", cls=Command)
    def forum_new(
        forum: str = typer.Argument(..., help="Forum id (lower-case words joined by -)."),
        name: str = typer.Option(..., "--name", help="The forum's name."),
        mandate: str = typer.Option(..., "--mandate", help="Its mandate, in a sentence."),
        rule: str = typer.Option(
            "consensus", "--rule", help="Decision rule: consensus, majority or two_thirds."
        ),
        quorum: str = typer.Option("1/2", "--quorum", help="Voting rules: quorum as N/D."),
        eligible: list[str] = typer.Option(
            [], "--eligible", help="Only these states may join (ISO3; repeat)."
        ),
        terms: list[Path] = typer.Option(
            [], "--terms", help="YAML/JSON of a package the forum owns (PackageTerms); repeat."
        ),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
        recorded_by: str | None = _recorded_by(),
        source: str | None = _source(),
        occurred_at: str | None = _occurred_at(),
    ) -> None:
        """Create a forum, signed by its secretariat's root (forum:FORUM)."""
        with refusals():
            from cybernorms.service.forums import forum_new_fields

            a = _Acting(key, db, None, None, recorded_by, source, occurred_at)
            fields = forum_new_fields(forum, name, mandate, rule, quorum, eligible, terms)
            _print_act(a.publish(a.author(forum=forum), lambda _s: fields))

    @forum_app.command("join", cls=Command)
    def forum_join(
        forum: str = typer.Argument(...),
        state: str = typer.Option(..., "--state", help="ISO3 code of the joining state."),
        observer: bool = typer.Option(False, "--observer", help="Join as an observer."),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
        recorded_by: str | None = _recorded_by(),
        source: str | None = _source(),
        occurred_at: str | None = _occurred_at(),
    ) -> None:
        """A state joins a forum (signed by the state)."""
        with refusals():
            a = _Acting(key, db, None, None, recorded_by, source, occurred_at)
            role = "observer" if observer else "member"
            fields = {"kind": "join", "forum": forum, "state": state, "role": role}
            _print_act(a.publish(a.author(state=state), lambda _s: fields))

    @forum_app.command("leave", cls=Command)
    def forum_leave(
        forum: str = typer.Argument(...),
        state: str = typer.Option(..., "--state"),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """A state leaves a forum."""
        with refusals():
            a = _Acting(key, db, None, None, None, None, None)
            fields = {"kind": "leave", "forum": forum, "state": state}
            _print_act(a.publish(a.author(state=state), lambda _s: fields))

    @forum_app.command("propose", cls=Command)
    def forum_propose(
        forum: str = typer.Argument(...),
        proposal: str = typer.Argument(..., help="Proposal id."),
        package: Path = typer.Option(..., "--package", help="The whole package file proposed."),
        kind: str = typer.Option(
            "new_package", "--kind", help="new_package, amendment or withdrawal."
        ),
        state: str | None = typer.Option(
            None, "--state", help="Proposing state (else the forum's secretariat)."
        ),
        terms: Path | None = typer.Option(None, "--terms", help="A new package's terms file."),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
        recorded_by: str | None = _recorded_by(),
        source: str | None = _source(),
        occurred_at: str | None = _occurred_at(),
    ) -> None:
        """Propose a whole package (its content hash and every norm in it)."""
        with refusals():
            from cybernorms.service.forums import propose_fields

            a = _Acting(key, db, None, None, recorded_by, source, occurred_at)
            who = {"state": state} if state else {"forum": forum}
            _print_act(
                a.publish(
                    a.author(**who),
                    lambda s: propose_fields(s, forum, proposal, package, kind, terms),
                )
            )

    @forum_app.command("revise", cls=Command)
    def forum_revise(
        forum: str = typer.Argument(...),
        proposal: str = typer.Argument(...),
        package: Path = typer.Option(..., "--package", help="The whole revised package file."),
        accepts: list[int] = typer.Option(
            [], "--accepts", help="Log index of an amendment this revision takes in; repeat."
        ),
        state: str | None = typer.Option(None, "--state"),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """A new revision of a proposal (a revision during a call ends that call)."""
        with refusals():
            from cybernorms.service.forums import package_version

            a = _Acting(key, db, None, None, None, None, None)
            version = package_version(package)
            fields = {
                "kind": "revise",
                "forum": forum,
                "proposal": proposal,
                "revision": version.revision,
                "norms": version.norms,
                "accepts": sorted(accepts),
            }
            who = {"state": state} if state else {"forum": forum}
            _print_act(a.publish(a.author(**who), lambda _s: fields))

    @forum_app.command("amend", cls=Command)
    def forum_amend(
        forum: str = typer.Argument(...),
        proposal: str = typer.Argument(...),
        amendment: str = typer.Argument(..., help="Amendment id."),
        text: str = typer.Option(..., "--text", help="The amendment's text."),
        state: str = typer.Option(..., "--state"),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """An amendment text against the proposal's current revision."""
        with refusals():
            from cybernorms.service.forums import current_revision

            a = _Acting(key, db, None, None, None, None, None)

            def build(s: ForumState) -> dict[str, Any]:
                return {
                    "kind": "amend",
                    "forum": forum,
                    "proposal": proposal,
                    "against": current_revision(s, forum, proposal),
                    "amendment": amendment,
                    "text": text,
                }

            _print_act(a.publish(a.author(state=state), build))

    @forum_app.command("call", cls=Command)
    def forum_call(
        forum: str = typer.Argument(...),
        call: str = typer.Argument(..., help="Call id."),
        proposal: str = typer.Option(..., "--proposal"),
        period: str = typer.Option("7d", "--period", help="Silence or voting period: 30s, 7d."),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """Open a decision call (secretariat): pins the proposal's current revision, the
        forum's rule for the question, and freezes the members now as its electorate."""
        with refusals():
            from cybernorms.service.forums import call_fields

            a = _Acting(key, db, None, None, None, None, None)
            ends = _period_end(period)
            _print_act(
                a.publish(
                    a.author(forum=forum), lambda s: call_fields(s, forum, call, proposal, ends)
                )
            )

    def _in_call(kind: str, forum: str, call: str, revision: str | None, **more: Any) -> Any:
        from cybernorms.service.forums import pinned_revision

        def build(s: ForumState) -> dict[str, Any]:
            pinned = revision or pinned_revision(s, forum, call)
            return {"kind": kind, "forum": forum, "call": call, "revision": pinned, **more}

        return build

    @forum_app.command("position", cls=Command)
    def forum_position(
        forum: str = typer.Argument(...),
        call: str = typer.Argument(...),
        state: str = typer.Option(..., "--state"),
        position: str = typer.Option(
            ...,
            "--position",
            help="join, no_objection, abstain, disassociate, object, not_participating.",
        ),
        paragraph: list[str] = typer.Option(
            [], "--paragraph", help="Disassociate: a paragraph; repeat."
        ),
        revision: str | None = typer.Option(None, "--revision", help="Default: the call's."),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
        recorded_by: str | None = _recorded_by(),
        source: str | None = _source(),
        occurred_at: str | None = _occurred_at(),
    ) -> None:
        """A member's position in a consensus call (latest wins; only `object` blocks)."""
        with refusals():
            a = _Acting(key, db, None, None, recorded_by, source, occurred_at)
            extra: dict[str, Any] = {"state": state, "position": position}
            if paragraph:
                extra["paragraphs"] = sorted(set(paragraph))
            _print_act(
                a.publish(
                    a.author(state=state), _in_call("position", forum, call, revision, **extra)
                )
            )

    @forum_app.command("vote", cls=Command)
    def forum_vote(
        forum: str = typer.Argument(...),
        call: str = typer.Argument(...),
        state: str = typer.Option(..., "--state"),
        vote: str = typer.Option(..., "--vote", help="yes, no or abstain."),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """A member's vote in a voting call (once; never corrected)."""
        _by_state(key, db, state, _in_call("vote", forum, call, None, state=state, vote=vote))

    @forum_app.command("concern", cls=Command)
    def forum_concern(
        forum: str = typer.Argument(...),
        call: str = typer.Argument(...),
        concern: str = typer.Argument(..., help="The concern's name."),
        state: str = typer.Option(..., "--state"),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """Raise a named, blocking concern in a consensus call."""
        act = _in_call("concern", forum, call, None, state=state, concern=concern)
        _by_state(key, db, state, act)

    @forum_app.command("resolve", cls=Command)
    def forum_resolve(
        forum: str = typer.Argument(...),
        call: str = typer.Argument(...),
        concern: str = typer.Argument(...),
        state: str = typer.Option(..., "--state"),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """Lift a concern (only the state that raised it may)."""
        with refusals():
            a = _Acting(key, db, None, None, None, None, None)
            fields = {
                "kind": "resolve",
                "forum": forum,
                "call": call,
                "state": state,
                "concern": concern,
            }
            _print_act(a.publish(a.author(state=state), lambda _s: fields))

    @forum_app.command("close", cls=Command)
    def forum_close(
        forum: str = typer.Argument(...),
        call: str = typer.Argument(...),
        outcome: str | None = typer.Option(
            None,
            "--outcome",
            help="The outcome recorded (default: the one the log gives; another is refused).",
        ),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
        receipt: Path | None = typer.Option(
            None, "--receipt", help="Write a decision receipt (every act of the call, proofs) here."
        ),
        log_key_file: Path | None = _log_key_file_option(),
        wait: bool = typer.Option(
            False, "--wait", help="Wait until the call's period has ended (at most an hour)."
        ),
    ) -> None:
        """Close a call and record its outcome (secretariat), after its period ended."""
        with refusals():
            from cybernorms.service.forums import (
                close_fields,
                wait_for_period_end,
                write_decision_receipt,
            )

            if wait:
                wait_for_period_end(db, forum, call)
            a = _Acting(key, db, None, log_key_file, None, None, None)
            done = a.publish(a.author(forum=forum), lambda s: close_fields(s, forum, call, outcome))
            _print_act(done)
            from cybernorms.service.forums import forum_state

            decided = forum_state(db).call(forum, call)
            say(
                f"outcome: {decided.outcome}"
                + (f" ({decided.counts.model_dump()})" if decided.counts else "")
            )
            if receipt is not None:
                written = write_decision_receipt(db, receipt, log_key_file)
                say(f"decision receipt: {printable(receipt)} ({written} acts, checkpoint)")

    @forum_app.command("statement", cls=Command)
    def forum_statement(
        forum: str = typer.Argument(...),
        kind: str = typer.Option(
            ...,
            "--kind",
            help="explanation_of_position, national_view, "
            "chairs_summary, interpretive_declaration.",
        ),
        text: str = typer.Option(..., "--text"),
        state: str | None = typer.Option(
            None, "--state", help="The state speaking (none for a chair's summary)."
        ),
        call: str | None = typer.Option(None, "--call"),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
        recorded_by: str | None = _recorded_by(),
        source: str | None = _source(),
        occurred_at: str | None = _occurred_at(),
    ) -> None:
        """Words beside a decision, attributed and typed; never part of it."""
        with refusals():
            a = _Acting(key, db, None, None, recorded_by, source, occurred_at)
            fields: dict[str, Any] = {
                "kind": "statement",
                "forum": forum,
                "statement": kind,
                "text": text,
            }
            if state:
                fields["state"] = state
            if call:
                fields["call"] = call
            who = {"state": state} if state else {"forum": forum}
            _print_act(a.publish(a.author(**who), lambda _s: fields))

    @forum_app.command("record", cls=Command)
    def forum_record(
        history: Path = typer.Argument(..., help="A history file (rulebooks/record/...)."),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """Publish a history of acts recorded from public sources, signed by the recorder's
        root (recorder:NAME of the file's recorded_by), never by those it records."""
        with refusals():
            from cybernorms.cli.passphrase import unlocking
            from cybernorms.service.forums import load_recorded_history

            count = load_recorded_history(history, key, db, unlocking)
        say(f"recorded {count} acts from public sources ({printable(history)})")

    @forum_app.command("status", cls=Command)
    def forum_status(
        forum: str = typer.Argument(...),
        db: str | None = _db_option(),
        output: str = typer.Option("table", "--format", help="table or json."),
    ) -> None:
        """Members, proposals and calls, each call with its outcome or what it still needs."""
        with refusals():
            from cybernorms.service.forums import forum_status_document

            document = forum_status_document(db, forum)
        if output == "json":
            out.print_json(json.dumps(document))
            return
        say(f"forum {printable(document['forum'])}: {printable(document['name'])}")
        say("members: " + printable(", ".join(document["members"]) or "none"))
        table = Table("call", "proposal", "package", "revision", "status", "outcome / needs")
        for c in document["calls"]:
            table.add_row(
                printable(c["call"]),
                printable(c["proposal"]),
                printable(c["package"]),
                c["revision"][:12],
                printable(c["status"]),
                printable(c["outcome"] or c["needs"]),
            )
        out.print(table)
        for adoption in document["adoptions"]:
            diss = "; ".join(
                f"{s} disassociated from {', '.join(p)}"
                for s, p in adoption["disassociations"].items()
            )
            say(
                f"adopted: {printable(adoption['package'])} {adoption['revision'][:12]} "
                f"({printable(adoption['outcome'])}, log entry {adoption['log_index']})"
                + (f"; {printable(diss)}" if diss else "")
            )

    @forum_app.command("history", cls=Command)
    def forum_history(
        forum: str = typer.Argument(...),
        db: str | None = _db_option(),
        output: str = typer.Option("table", "--format", help="table or json."),
    ) -> None:
        """Every act of the forum on the log, in order, with who signed it."""
        with refusals():
            from cybernorms.service.forums import forum_history_rows

            rows = forum_history_rows(db, forum)
        if output == "json":
            out.print_json(json.dumps(rows))
            return
        table = Table("log entry", "act", "by", "logged at")
        for row in rows:
            table.add_row(
                str(row["log_index"]),
                printable(row["act"]),
                printable(row["by"]),
                printable(row["logged_at"]),
            )
        out.print(table)

    # --- treaties ----------------------------------------------------------------------------

    def _instrument(kind: str) -> Any:
        def command(
            package: str = typer.Argument(..., help="The treaty package id."),
            state: str = typer.Option(..., "--state"),
            depositary: str = typer.Option(..., "--depositary", help="The depositary's id."),
            on: str = typer.Option(
                ..., "--on", metavar="YYYY-MM-DD", help="Date of signature or deposit."
            ),
            key: list[Path] = _keys(),
            db: str | None = _db_option(),
            recorded_by: str | None = _recorded_by(),
            source: str | None = _source(),
            occurred_at: str | None = _occurred_at(),
        ) -> None:
            with refusals():
                from cybernorms.service.forums import adopted_revision

                a = _Acting(key, db, None, None, recorded_by, source, occurred_at)

                def build(s: ForumState) -> dict[str, Any]:
                    return {
                        "kind": "instrument",
                        "package": package,
                        "revision": adopted_revision(s, package),
                        "state": state,
                        "instrument": kind,
                        "deposited_on": on,
                    }

                _print_act(a.publish(a.author(depositary=depositary), build))

        command.__doc__ = f"The depositary records a state's {kind} of the whole treaty."
        return command

    treaty_app.command("sign", cls=Command)(_instrument("signature"))
    treaty_app.command("ratify", cls=Command)(_instrument("ratification"))
    treaty_app.command("accede", cls=Command)(_instrument("accession"))

    @treaty_app.command("reserve", cls=Command)
    def treaty_reserve(
        package: str = typer.Argument(...),
        state: str = typer.Option(..., "--state"),
        norm: list[str] = typer.Option(..., "--norm", help="A norm the reservation concerns."),
        text: str = typer.Option(..., "--text"),
        on: str = typer.Option(..., "--on", metavar="YYYY-MM-DD"),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """A state's reservation, checked against the package's reservation policy."""
        from cybernorms.service.forums import adopted_revision

        def build(s: ForumState) -> dict[str, Any]:
            return {
                "kind": "reservation",
                "package": package,
                "revision": adopted_revision(s, package),
                "state": state,
                "norms": sorted(set(norm)),
                "text": text,
                "made_on": on,
            }

        _by_state(key, db, state, build)

    @treaty_app.command("object", cls=Command)
    def treaty_object(
        package: str = typer.Argument(...),
        state: str = typer.Option(..., "--state"),
        reservation: int = typer.Option(..., "--reservation", help="Its log entry."),
        on: str = typer.Option(..., "--on", metavar="YYYY-MM-DD"),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """A state objects to another state's reservation."""
        from cybernorms.service.forums import adopted_revision

        def build(s: ForumState) -> dict[str, Any]:
            return {
                "kind": "reservation_objection",
                "package": package,
                "revision": adopted_revision(s, package),
                "state": state,
                "reservation": reservation,
                "made_on": on,
            }

        _by_state(key, db, state, build)

    @treaty_app.command("denounce", cls=Command)
    def treaty_denounce(
        package: str = typer.Argument(...),
        state: str = typer.Option(..., "--state"),
        on: str = typer.Option(..., "--on", metavar="YYYY-MM-DD", help="Date of notification."),
        key: list[Path] = _keys(),
        db: str | None = _db_option(),
    ) -> None:
        """A state denounces the treaty (effective after its notice period)."""
        with refusals():
            a = _Acting(key, db, None, None, None, None, None)
            fields = {"kind": "denunciation", "package": package, "state": state, "notified_on": on}
            _print_act(a.publish(a.author(state=state), lambda _s: fields))

    @treaty_app.command("status", cls=Command)
    def treaty_status(
        package: str = typer.Argument(...),
        db: str | None = _db_option(),
        output: str = typer.Option("table", "--format", help="table, json or csv."),
    ) -> None:
        """The treaty's status in the UN Treaty Collection's shape: participant, signature,
        ratification/accession (a), reservations; entry into force from the log."""
        with refusals():
            from cybernorms.service.forums import treaty_status_document

            document = treaty_status_document(db, package)
        if output == "json":
            out.print_json(json.dumps(document))
            return
        if output == "csv":
            from cybernorms.service.forums import status_csv_text

            typer.echo(status_csv_text(document), nl=False)
            return
        say(
            f"{printable(package)} {document['revision'][:12]}: entry into force "
            f"{document['entry_into_force'] or 'not yet'}"
        )
        table = Table(
            "Participant",
            "Signature",
            "Ratification, Accession(a)",
            "Reservations",
            "In force from",
        )
        for row in document["participants"]:
            consent = row["consent"] or ""
            if consent and row["consent_instrument"] == "accession":
                consent += " a"
            if row["denunciation"]:
                consent += f" [denounced {row['denunciation']}]"
            table.add_row(
                printable(
                    row["participant"] + ("*" if row["recorded_from_public_sources"] else "")
                ),
                row["signature"] or "",
                consent,
                printable("; ".join(row["reservations"])),
                row["in_force_from"] or "",
            )
        out.print(table)
        if any(r["recorded_from_public_sources"] for r in document["participants"]):
            say("* recorded from public sources, not signed by the depositary")
