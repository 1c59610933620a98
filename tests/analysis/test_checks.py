"""The analyses on hand-made rulebooks with planted faults, on clean ones, and on the shipped
rulebooks (whose findings are pinned here: each is intended, see the messages)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from cybernorms.analysis.checks import Analysis, Options, analyze
from cybernorms.analysis.diff import diff_packages
from cybernorms.analysis.findings import Finding, Report
from cybernorms.analysis.solve import Budget
from cybernorms.analysis.witness import _paths, _without, claims_hold
from cybernorms.cli.app import app
from cybernorms.engine import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.package import load_package

DATA = Path(__file__).resolve().parent.parent / "data" / "analysis"


def kinds(report: Report) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(f.kind, f.severity, f.rules) for f in report.findings}


def check_witness(books: Rulebooks, f: Finding) -> None:
    """Independently of the analysis: the witness is a valid incident and the interpreter
    gives every claimed verdict on it."""
    assert f.witness is not None and f.proof == "witness"
    incident = Incident.model_validate(f.witness.model_dump(mode="json"))
    profiles = f.profiles or books.profiles
    verdicts = Evaluator(books.packages, profiles, books.positions).verdicts(incident)
    got = {(v.basis, v.rule, v.subject, v.outcome.label) for v in verdicts}
    for c in f.expect:
        assert (c.basis, c.rule, c.subject, c.outcome) in got, (c, sorted(got))


def test_planted_faults_are_found_with_witnesses(planted: Rulebooks) -> None:
    report = analyze(planted.packages, planted.positions, planted.profiles)
    assert kinds(report) == {
        ("dead_rule", "error", ("p.dead",)),
        ("dead_rule", "error", ("p.never",)),
        ("never_decidable", "error", ("p.never",)),
        ("always_violated", "warning", ("p.always",)),
        ("conflict", "error", ("p.narrow", "p.broad")),
        ("gap", "error", ()),
    }
    assert report.has_errors
    for f in report.findings:
        if f.proof == "witness":
            check_witness(planted, f)
    conflict = next(f for f in report.findings if f.kind == "conflict")
    assert conflict.witness is not None
    assert conflict.witness.effects.disruption == "short"
    assert [c.outcome for c in conflict.expect] == ["violation", "no_violation"]
    gap = next(f for f in report.findings if f.kind == "gap")
    assert gap.witness is not None and gap.witness.attribution.level == "indirect"


def test_clean_package_has_no_error_but_its_position_conflicts(clean: Rulebooks) -> None:
    package_only = analyze(clean.packages, (), clean.profiles)
    assert not package_only.has_errors, package_only.findings
    assert kinds(package_only) == set()
    with_position = analyze(clean.packages, clean.positions, clean.profiles, ["EST"])
    assert kinds(with_position) == {
        ("conflict", "error", ("c.exclusive", "c.disruption")),
        ("position_diff", "info", ("c.disruption",)),
    }
    for f in with_position.findings:
        check_witness(clean, f)
    conflict = next(f for f in with_position.findings if f.kind == "conflict")
    assert {c.basis for c in conflict.expect} == {"consensus", "position:EST"}


def test_exhausted_budget_is_unknown_never_a_claim(planted: Rulebooks) -> None:
    options = Options(budget=Budget(timeout_ms=10_000, rlimit=1))
    starved = analyze(planted.packages, planted.positions, planted.profiles, options=options)
    full = analyze(planted.packages, planted.positions, planted.profiles)
    unknown = [f for f in starved.findings if f.kind == "unknown"]
    assert unknown, "a budget of one resource unit must leave queries undecided"
    assert all("unknown within budget" in f.message for f in unknown)
    assert all(f.witness is None and f.proof == "none" for f in unknown)
    # What the starved run still claims (the solver can refute some queries by simplification
    # alone) is exactly what the full run claims: never a claim the full run does not make.
    assert kinds(Report([f for f in starved.findings if f.kind != "unknown"])) <= kinds(full)


def test_free_profiles_witness_brings_its_profiles(planted: Rulebooks) -> None:
    # With free profiles a state may publish assistance_response_days: p.never becomes live.
    report = analyze(
        planted.packages,
        planted.positions,
        planted.profiles,
        ["planted"],
        Options(free_profiles=True),
    )
    assert ("dead_rule", "error", ("p.never",)) not in kinds(report)
    assert ("never_decidable", "error", ("p.never",)) not in kinds(report)
    analysis = Analysis(planted.packages, (), (), Options(free_profiles=True))
    rule = planted.package("planted").rule("p.never")
    lens = analysis.package_lens(planted.package("planted"))
    vs = analysis.verdicts(lens, rule)
    status, model = analysis.query(*[v.guard for v in vs[:1]], vs[0].outcome.viol)
    assert status == "sat"
    profiles = analysis.profiles.profiles_for(model)
    assert any(p.parameters.assistance_response_days for p in profiles)


def test_shipped_findings_are_pinned(shipped: Rulebooks) -> None:
    """The shipped rulebooks have no error; every warning and info is intended:
    GBR reads sovereignty as no standalone rule and due diligence as not (yet) a rule for
    cyberspace, ISR and NZL due diligence likewise (no_rule: not dead rules but departures,
    listed as position diffs), and CAN holds due diligence open (holds_open: a departure);
    IRN reads sovereignty more widely (a position_diff, no dead rule); EST only adds a rule
    (collective countermeasures), which the package cannot differ on; DNK reads force to
    hold its own non-physical example open (open_when: a position_diff); AUS reads coercion in
    non-intervention as depriving control (a position_diff, and on countermeasures); USA
    holds the sovereignty question open (a position_diff, and on countermeasures); ITA holds
    the interruption of essential services open as force (a position_diff); NLD holds serious
    nationwide economic impact open (a position_diff); DEU, JPN and RUS only agree with rules
    as the package writes them (agrees:), so they add no finding; the African Union's common
    reading (group:AU) reads unauthorised access as a breach of sovereignty (a position_diff
    under basis group:AU, and on what reads sovereignty) and holds damage to critical
    infrastructure or military assets open as force (open_when); the posture norms of the
    2015 GGE report judge practice, not incidents; positions differ from the restatement."""
    report = analyze(shipped.packages, shipped.positions, shipped.profiles)
    assert not report.has_errors
    assert kinds(report) == {
        ("posture", "info", ("gge2015.a",)),
        ("posture", "info", ("gge2015.b",)),
        ("posture", "info", ("gge2015.g",)),
        ("posture", "info", ("gge2015.j",)),
        # the OEWG 2021 report's reporting recommendations (para. 64) judge practice too
        ("posture", "info", ("oewg2021.survey",)),
        ("posture", "info", ("oewg2021.views",)),
        ("position_diff", "info", ("il.sovereignty",)),
        ("position_diff", "info", ("il.countermeasures",)),
        ("position_diff", "info", ("il.due_diligence",)),
        # France's narrower attribution reaches every rule that asks
        # breached("il.state_responsibility"); gge2015.f asks whether the act breaches il-core
        ("position_diff", "info", ("il.state_responsibility",)),
        ("position_diff", "info", ("il.non_intervention",)),
        ("position_diff", "info", ("il.use_of_force",)),
        ("position_diff", "info", ("gge2015.f",)),
    }
    assert {(f.scope, f.rules) for f in report.findings if f.kind == "position_diff"} == {
        ("il-core@1.0.0 + position:FRA", ("il.sovereignty",)),
        ("il-core@1.0.0 + position:FRA", ("il.countermeasures",)),
        ("il-core@1.0.0 + position:FRA", ("il.state_responsibility",)),
        ("il-core@1.0.0 + position:FRA", ("il.non_intervention",)),
        ("il-core@1.0.0 + position:FRA", ("il.use_of_force",)),
        ("il-core@1.0.0 + position:FRA", ("gge2015.f",)),
        ("il-core@1.0.0 + position:GBR", ("il.sovereignty",)),
        ("il-core@1.0.0 + position:GBR", ("il.countermeasures",)),
        ("il-core@1.0.0 + position:GBR", ("gge2015.f",)),
        ("il-core@1.0.0 + position:GBR", ("il.due_diligence",)),
        ("il-core@1.0.0 + position:ISR", ("il.due_diligence",)),
        ("il-core@1.0.0 + position:NZL", ("il.due_diligence",)),
        ("il-core@1.0.0 + position:CAN", ("il.due_diligence",)),
        # Iran: an intrusion shown by data taken or systems hijacked breaches sovereignty.
        ("il-core@1.0.0 + position:IRN", ("il.sovereignty",)),
        ("il-core@1.0.0 + position:IRN", ("il.countermeasures",)),
        # norm (f) asks whether the act breaches il-core: a wider sovereignty reaches it
        ("il-core@1.0.0 + position:IRN", ("gge2015.f",)),
        # Denmark: a financial system made to malfunction, with significant damage, is held
        # open as force (open_when): undetermined where the package finds no violation.
        ("il-core@1.0.0 + position:DNK", ("il.use_of_force",)),
        # United States (DoD GC 2020): the sovereignty question held open, and what reads it.
        ("il-core@1.0.0 + position:USA", ("il.sovereignty",)),
        ("il-core@1.0.0 + position:USA", ("il.countermeasures",)),
        ("il-core@1.0.0 + position:USA", ("gge2015.f",)),
        # Italy: a lasting nationwide interruption of essential services may be force (held
        # open, open_when).
        ("il-core@1.0.0 + position:ITA", ("il.use_of_force",)),
        # Netherlands: serious nationwide economic impact not excluded from force (held open,
        # open_when). It claims no violation the package does not, so the rules reading use of
        # force (countermeasures, norm f) no longer depart by a violation.
        ("il-core@1.0.0 + position:NLD", ("il.use_of_force",)),
        # African Union (a group's reading, basis group:AU): unauthorised access breaches
        # sovereignty whatever its effects, and what reads sovereignty follows.
        ("il-core@1.0.0 + group:AU", ("il.sovereignty",)),
        ("il-core@1.0.0 + group:AU", ("il.countermeasures",)),
        ("il-core@1.0.0 + group:AU", ("gge2015.f",)),
        # ... and holds open (open_when) damage to critical infrastructure or military assets
        # as force, which the summary read says "may be considered" force.
        ("il-core@1.0.0 + group:AU", ("il.use_of_force",)),
        # Australia reads coercion as the package does since issue 8 (agrees:): no departure.
        # Germany and Japan (sovereignty a rule; countermeasures apply) and Russia (non-use of
        # force applies to the information space) only agree (agrees:): no departure either.
    }
    gbr_sovereignty = next(
        f
        for f in report.findings
        if f.kind == "position_diff"
        and f.scope.endswith("position:GBR")
        and f.rules == ("il.sovereignty",)
    )
    assert "reads no such rule (no standalone rule in this reading)" in gbr_sovereignty.message
    assert [c.outcome for c in gbr_sovereignty.expect] == ["not_applicable", "violation"]
    for f in report.findings:
        if f.witness is not None:
            check_witness(shipped, f)


def test_witnesses_are_minimal_enough_to_read(shipped: Rulebooks) -> None:
    """A witness keeps only the facts its claims need: making any one of them unknown
    changes a claimed verdict. (Which of several minimal witnesses the solver's model leads
    to is the solver's choice: for FRA's reading of il.sovereignty, the package's verdict may
    be claimed undetermined - effects unknown - or no_violation - effects known and mild.)"""
    report = analyze(shipped.packages, shipped.positions, shipped.profiles, ["FRA"])
    f = next(f for f in report.findings if f.rules == ("il.sovereignty",))
    assert f.witness is not None
    data = f.witness.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    assert set(data) <= {"schema", "id", "attribution", "targets", "effects"}
    evaluators = {"": Evaluator(shipped.packages, shipped.profiles, shipped.positions)}
    raw = f.witness.model_dump(mode="json")
    assert claims_hold(evaluators, f.witness, f.expect, None)
    for path in _paths(raw):
        try:
            trial = Incident.model_validate(_without(raw, path))
        except ValueError:
            continue  # a fact that cannot be unknown (``sources`` is a list, maybe empty)
        assert not claims_hold(evaluators, trial, f.expect, None), path


def test_diff_classifies_each_rule(shipped: Rulebooks, tmp_path: Path) -> None:
    source = (Path(shipped.root) / "il-core" / "package.yaml").read_text()
    new_text = (
        source.replace("version: 1.0.0", "version: 1.1.0")
        .replace(
            "effects.casualties > 0\n",
            'effects.casualties > 0 or effects.disruption == "long"\n',
        )
        .replace(
            'violated_when: attribution.level in {"direct", "indirect"}',
            'violated_when: attribution.level == "direct"',
        )
    )
    assert new_text != source
    (tmp_path / "package.yaml").write_text(new_text)
    old = shipped.package("il-core")
    new = load_package(tmp_path / "package.yaml")
    report = diff_packages(old, new, (), shipped.profiles)
    status = {r.rule: r.status for r in report.rules}
    assert status["il.state_responsibility"] == "looser"
    assert status["il.sovereignty"] == "equivalent"
    assert status["il.countermeasures"] == "looser"  # through breached(state_responsibility)
    assert status["il.non_intervention"] == "looser"  # applies_when: breached(...)
    # a broader criterion (lasting disruption counts) under a narrower attribution: violations
    # on some incidents the old version did not find, and none on some it did
    assert status["il.use_of_force"] == "incomparable"
    books_old = Rulebooks(shipped.root, [old], [], shipped.profiles)
    books_new = Rulebooks(shipped.root, [new], [], shipped.profiles)
    for r in report.rules:
        for f in r.findings:
            assert f.witness is not None
            for c in f.expect:
                books = books_old if c.version == "old" else books_new
                got = {
                    (v.basis, v.rule, v.subject, v.outcome.label)
                    for v in Evaluator(books.packages, books.profiles).verdicts(f.witness)
                }
                assert (c.basis, c.rule, c.subject, c.outcome) in got


runner = CliRunner()


def test_cli_analyze_shipped_exits_0_and_prints_table() -> None:
    result = runner.invoke(app, ["analyze"])
    assert result.exit_code == 0, result.output
    assert "position_diff" in result.output and "solver calls" in result.output


def test_cli_analyze_planted_exits_1_with_json() -> None:
    result = runner.invoke(
        app, ["analyze", "--rulebooks", str(DATA / "planted"), "--no-shipped", "--format", "json"]
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["errors"] == 5
    assert any(f["kind"] == "conflict" and f["witness"] for f in data["findings"])


def test_cli_analyze_markdown_and_targets() -> None:
    result = runner.invoke(app, ["analyze", "GBR", "--format", "markdown", "--as-of", "2024-01-01"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("| severity |")
    assert "position:FRA" not in result.output


def test_cli_analyze_unknown_target_and_bad_profile(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", "nonesuch"])
    assert result.exit_code == 1
    assert "unknown package or position" in result.output
    result = runner.invoke(app, ["analyze", "--profile", "EST"])
    assert result.exit_code == 1


def test_cli_profile_override_changes_the_analysis(tmp_path: Path) -> None:
    profile = tmp_path / "EST.yaml"
    profile.write_text(
        "state: EST\nversion: 1\neffective_from: 2000-01-01\n"
        "parameters:\n  assistance_response_days: 2\n"
    )
    result = runner.invoke(
        app,
        [
            "analyze",
            "--rulebooks",
            str(DATA / "planted"),
            "--no-shipped",
            "--profile",
            f"EST={profile}",
            "--format",
            "json",
        ],
    )
    data = json.loads(result.stdout)
    # EST publishes the parameter: p.never can now be decided and violated? (2 > 3 is false)
    kinds_ = {(f["kind"], tuple(f["rules"])) for f in data["findings"]}
    assert ("never_decidable", ("p.never",)) not in kinds_
    assert ("dead_rule", ("p.never",)) in kinds_


def test_cli_diff(tmp_path: Path) -> None:
    source = Path("rulebooks/il-core/package.yaml").read_text()
    (tmp_path / "package.yaml").write_text(source.replace("version: 1.0.0", "version: 1.0.1"))
    result = runner.invoke(app, ["diff", "rulebooks/il-core", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "equivalent" in result.output and "stricter" not in result.output
    result = runner.invoke(app, ["diff", "rulebooks/il-core", "rulebooks/un-gge-2015"])
    assert result.exit_code == 1


def test_as_of_fixes_the_profile_date(shipped: Rulebooks) -> None:
    report = analyze(
        shipped.packages,
        shipped.positions,
        shipped.profiles,
        ["un-gge-2015"],
        Options(as_of=dt.date(2016, 1, 1)),
    )
    assert not report.has_errors


def test_a_positions_stances_are_departures_not_faults() -> None:
    """LVA (tests/data/stances) holds lang.ci open, says lang.known does not exist and agrees
    with lang.all_gov: no error; the stated rules are listed as departures, and lang.dd, which
    reads the open question, is dead under the lens only by the state's word (a warning)."""
    from cybernorms.rules.catalog import load_rulebooks

    data = DATA.parent
    books = load_rulebooks([data / "lang", data / "stances"], with_examples=False)
    report = analyze(books.packages, books.positions, books.profiles, ["LVA"])
    assert not report.has_errors, [f for f in report.findings if f.severity == "error"]
    lva = {(f.kind, f.severity, f.rules) for f in report.findings if f.scope.endswith("LVA")}
    assert ("position_diff", "info", ("lang.known",)) in lva
    assert ("position_diff", "info", ("lang.ci",)) in lva
    assert not any(k == "dead_rule" and r in {("lang.ci",), ("lang.known",)} for k, _, r in lva)
    assert ("dead_rule", "warning", ("lang.dd",)) in lva
    known = next(
        f for f in report.findings if f.scope.endswith("LVA") and f.rules == ("lang.known",)
    )
    assert "reads no such rule (no such rule in this reading (test))" in known.message


def test_a_case_held_open_in_part_is_a_departure_witnessed_by_the_open_case(
    shipped: Rulebooks,
) -> None:
    """DNK, ITA and NLD hold a non-physical case of force open (``open_when``): analyze lists
    it as a departure where the package finds no violation, and its witness is the open case
    itself (undetermined with the reason, nothing missing), not an incident undetermined for
    want of a fact."""
    chosen = [p for p in shipped.positions if p.state in {"DNK", "ITA", "NLD"}]
    report = analyze(shipped.packages, chosen, shipped.profiles)
    held = [
        f
        for f in report.findings
        if f.kind == "position_diff" and "holds the question open in part" in f.message
    ]
    assert sorted(f.scope for f in held) == [
        "il-core@1.0.0 + position:DNK",
        "il-core@1.0.0 + position:ITA",
        "il-core@1.0.0 + position:NLD",
    ]
    for f in held:
        assert f.message.endswith("where the package does not find a violation on il.use_of_force")
        check_witness(shipped, f)
        assert f.witness is not None
        incident = Incident.model_validate(f.witness.model_dump(mode="json"))
        verdicts = Evaluator(shipped.packages, shipped.profiles, chosen).verdicts(incident)
        mine = next(v for v in verdicts if (v.basis, v.rule) == (f.expect[0].basis, f.rules[0]))
        assert (mine.reason, mine.missing) == ("held open by this state", ())


def test_a_groups_reading_is_analysed_under_its_group_basis() -> None:
    """group:TEST-1 (tests/data/groups) re-reads lang.ci, holds lang.count open, says lang.known
    does not exist and adds a rule: each departure is found under scope "... + group:TEST-1"
    with claims under basis group:TEST-1 (never position:...), each witness checked by the
    interpreter; the group is picked by its name in any case."""
    from cybernorms.rules.catalog import load_rulebooks

    data = DATA.parent
    books = load_rulebooks([data / "lang", data / "groups"], with_examples=False)
    report = analyze(books.packages, books.positions, books.profiles, ["group:test-1"])
    assert not report.has_errors, [f for f in report.findings if f.severity == "error"]
    mine = [f for f in report.findings if f.scope.endswith(" + group:TEST-1")]
    diffs = {f.rules for f in mine if f.kind == "position_diff"}
    assert {("lang.ci",), ("lang.known",), ("lang.count",)} <= diffs
    claimed = {c.basis for f in mine for c in f.expect}
    assert "group:TEST-1" in claimed and not any(b.startswith("position:") for b in claimed)
    assert all(not f.scope.endswith("EST") for f in report.findings)  # only the group asked
    for f in mine:
        if f.witness is not None:
            check_witness(books, f)
