"""Engine benchmark: decisions per second of our engine, Cedar and Rego on the same incidents.

``python -m benchmarks engine [--quick] [--n=20000] [--seed=2015] [--repeat=5] [--check=2000]
[--cedar-batch=1000]`` (options take the ``--name=value`` form: the benchmark runner passes on
only the arguments that start with ``-``).

Why it is built this way (issue 2 item 10, DESIGN.md section 9):

* **Same inputs, same run.** One seeded set of synthetic incidents (``benchmarks.incidents``)
  feeds every contender; each contender gets the incidents in its own native form, built
  before timing.
* **Same conditions.** Cedar (``peers/engine.cedar``) and Rego (``peers/engine.rego``)
  re-implement shipped rules (``benchmarks.peers.RULES``) with our three-valued semantics.
  An equivalence check runs first and aborts on any disagreement, and the answers of the
  timed peer runs are checked again afterwards on every incident, so a ratio never compares
  different conditions.
* **A decision is one rule x one subject x one incident**: one verdict of our engine, one
  Cedar request, one Rego ``eval_rule``. Throughput is decisions per second.
* **Timing**: ``time.perf_counter`` around whole passes over the incidents, best and median
  of ``--repeat`` passes, garbage collector disabled inside each timed pass (collected before).
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks import equivalence as eq
from benchmarks.incidents import UNKNOWN, generate
from benchmarks.peers import RULE_IDS
from benchmarks.peers.baseline import RULE as BASELINE_RULE
from benchmarks.peers.baseline import use_of_force
from cybernorms.engine.evaluate import Evaluator
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Outcome

TARGET = 10.0  # DESIGN section 9: at least 10x the peer, per decision


@dataclass
class Figure:
    """One measured contender: how many decisions one pass makes and how long each pass took."""

    name: str
    decisions: int
    times: list[float]

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def rate(self) -> float:
        """Decisions per second of the best pass."""
        return self.decisions / self.best

    @property
    def micros(self) -> float:
        """Microseconds per decision of the best pass."""
        return self.best * 1e6 / self.decisions

    def row(self) -> str:
        return (
            f"  {self.name:<50} {self.decisions:>9,} {self.best:>8.3f} {self.median:>8.3f}"
            f" {self.rate:>13,.0f} {self.micros:>9.2f}"
        )


def timed(repeat: int, fn: Callable[[], object]) -> tuple[list[float], object]:
    """Run ``fn`` ``repeat`` times with the collector off; pass times and the last result."""
    times: list[float] = []
    result: object = None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    return times, result


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks engine")
    parser.add_argument("--quick", action="store_true", help="CI-sized: 2,000 incidents, 3 runs")
    parser.add_argument("--n", type=int, default=None, help="incidents (default 20,000)")
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--repeat", type=int, default=None, help="timed passes (default 5)")
    parser.add_argument(
        "--check", type=int, default=None, help="incidents in the equivalence check (2,000)"
    )
    parser.add_argument("--cedar-batch", type=int, default=1000, help="requests per batch call")
    opts = parser.parse_args(argv)
    quick = opts.quick
    opts.n = opts.n or (2_000 if quick else 20_000)
    opts.repeat = opts.repeat or (3 if quick else 5)
    opts.check = min(opts.check or (500 if quick else 2_000), opts.n)
    return opts


def _outcome_mix(codes: Sequence[int]) -> list[str]:
    lines = []
    for j, rule in enumerate(RULE_IDS):
        counts = Counter(codes[j :: len(RULE_IDS)])
        total = sum(counts.values())
        parts = "  ".join(f"{o.label} {100.0 * counts[int(o)] / total:4.1f}%" for o in Outcome)
        lines.append(f"  {rule:<26} {parts}")
    return lines


def _verdict_pass(evaluator: Evaluator, incidents: Sequence[Incident]) -> Callable[[], int]:
    outcomes = evaluator.outcomes

    def run() -> int:
        n = 0
        for incident in incidents:
            n += len(outcomes(incident))
        return n

    return run


def _trace_pass(
    evaluator: Evaluator, incidents: Sequence[Incident], *, to_json: bool = True
) -> Callable[[], int]:
    verdicts = evaluator.verdicts

    def run() -> int:
        n = 0
        for incident in incidents:
            for v in verdicts(incident):
                if to_json:
                    v.to_json(with_trace=True)
                n += 1
        return n

    return run


def run(argv: list[str]) -> None:
    opts = _options(argv)
    # The peers are an optional extra; say how to get them rather than fail with a traceback.
    try:
        from benchmarks.peers.cedar import CedarPeer
        from benchmarks.peers.rego import RegoPeer
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            f"engine benchmark needs the bench extra: pip install -e '.[bench]' ({exc})"
        ) from exc
    import cedarpy
    import regorus  # noqa: F401  (its version is printed below)

    n, repeat = opts.n, opts.repeat
    packages = eq.shipped_packages()
    bench = eq.bench_packages(packages)
    sectors = eq.critical_sectors(packages)
    t0 = time.perf_counter()
    incidents = generate(n, opts.seed)
    gen_s = time.perf_counter() - t0

    profiles = eq.bench_profiles(packages)
    ev_all = Evaluator(packages, profiles)
    ev_bench = Evaluator(bench, profiles)
    # verdicts() writes each trace's JSON while evaluating unless told not to; the
    # "traces as tuples (no JSON)" row measures the tuples alone, as it always has.
    ev_tuples = Evaluator(bench, profiles, json_traces=False)
    ev_one = Evaluator(eq.bench_packages(packages, [("il-core", BASELINE_RULE)]), profiles)
    cedar = CedarPeer(sectors)
    rego = RegoPeer(sectors)

    rules_all = sum(len(p.rules) for p in packages)
    print(
        f"python {platform.python_version()} on {platform.machine()}; "
        f"cedarpy {_version('cedarpy')}, regorus (gordon-to-regorus) "
        f"{_version('gordon-to-regorus')}"
    )
    print(
        f"incidents: {n:,} generated with seed {opts.seed} in {gen_s:.1f} s "
        f"(each fact unknown with p={UNKNOWN}; targets 0-3, unknown list p={UNKNOWN})"
    )
    print(
        "decision: one rule x one subject x one incident = one verdict of our engine, "
        "one Cedar request, one Rego eval_rule"
    )
    print(
        f"shipped rulebooks: {len(packages)} packages ({', '.join(p.label for p in packages)}), "
        f"{rules_all} rules"
    )
    print(f"benchmark rules (re-implemented by the peers): {', '.join(RULE_IDS)}")
    print(
        f"profiles: none published, so profile(state) = package defaults; the peers get the "
        f"same critical sectors: {', '.join(sectors)}"
    )

    # -- equivalence before timing -------------------------------------------------------
    sample = incidents[: opts.check]
    ours_sample = eq.engine_codes(ev_bench, sample)
    reports = eq.check(
        sample,
        ours_sample,
        [
            ("cedar (cedarpy)", lambda xs: cedar.decide(cedar.requests(xs)), RULE_IDS),
            ("rego (regorus)", lambda xs: rego.decide(rego.inputs(xs)), RULE_IDS),
            ("python baseline", lambda xs: [use_of_force(x) for x in xs], (BASELINE_RULE,)),
        ],
    )
    print(
        f"\nequivalence check before timing, first {len(sample):,} incidents, every incident "
        "(unknown facts included: Cedar reads an unknown fact as an absent attribute, which "
        "expresses Kleene logic exactly, so no incident is left out):"
    )
    for report in reports:
        print(report.line())
    bad = [r for r in reports if r.disagreements]
    if bad:
        for report in bad:
            print(f"  {report.peer}: disagreements by rule {dict(report.by_rule)}; first ones:")
            for example in report.examples:
                print(f"    {example}")
        total = sum(r.disagreements for r in bad)
        raise SystemExit(
            f"ABORTED: {total} decisions where a peer disagrees with the engine; the peer "
            "policies (benchmarks/peers/) no longer match the shipped rules - fix them before "
            "timing"
        )

    # -- inputs for the peers, built outside the timed region ----------------------------
    t0 = time.perf_counter()
    requests = cedar.requests(incidents)
    cedar_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    inputs = rego.inputs(incidents)
    rego_build = time.perf_counter() - t0
    batch = max(1, opts.cedar_batch)
    batches = [requests[k : k + batch] for k in range(0, len(requests), batch)]

    # -- timing -------------------------------------------------------------------------
    d_all = sum(len(ev_all.outcomes(x)) for x in incidents)  # also warms per-date caches
    d_bench = n * len(RULE_IDS)
    figures: dict[str, Figure] = {}

    def measure(key: str, name: str, decisions: int, fn: Callable[[], object]) -> object:
        times, result = timed(repeat, fn)
        figures[key] = Figure(name, decisions, times)
        print(figures[key].row(), flush=True)
        return result

    print(
        f"\ntiming: {repeat} passes over the {n:,} incidents each; best and median pass; "
        "gc disabled inside each pass"
    )
    print(
        f"  {'contender':<50} {'decisions':>9} {'best s':>8} {'median s':>8}"
        f" {'decisions/s':>13} {'us/dec':>9}"
    )
    measure(
        "v_all", "ours, verdicts only, all shipped rules", d_all, _verdict_pass(ev_all, incidents)
    )
    measure(
        "v_bench",
        "ours, verdicts only, benchmark rules",
        d_bench,
        _verdict_pass(ev_bench, incidents),
    )
    measure(
        "v_one", f"ours, verdicts only, {BASELINE_RULE} alone", n, _verdict_pass(ev_one, incidents)
    )
    measure(
        "t_all",
        "ours, full traces as JSON, all shipped rules",
        d_all,
        _trace_pass(ev_all, incidents),
    )
    measure(
        "t_bench",
        "ours, full traces as JSON, benchmark rules",
        d_bench,
        _trace_pass(ev_bench, incidents),
    )
    measure(
        "r_bench",
        "ours, traces as tuples (no JSON), benchmark rules",
        d_bench,
        _trace_pass(ev_tuples, incidents, to_json=False),
    )

    def cedar_pass() -> list[int]:
        codes: list[int] = []
        for chunk in batches:
            codes.extend(cedar.decide(chunk))
        return codes

    def rego_pass() -> list[int]:
        return rego.decide(inputs)

    def baseline_pass() -> list[int]:
        return [use_of_force(x) for x in incidents]

    cedar_codes = measure(
        "cedar", f"cedar: cedarpy is_authorized_batch ({batch:,}/call)", d_bench, cedar_pass
    )
    rego_codes = measure("rego", "rego: regorus set_input_json + eval_rule", d_bench, rego_pass)
    base_codes = measure("base", f"plain Python function, {BASELINE_RULE}", n, baseline_pass)

    # -- the timed answers are checked too, on every incident --------------------------
    ours = eq.engine_codes(ev_bench, incidents)
    post = eq.check(
        incidents,
        ours,
        [
            ("cedar (timed run)", lambda _: _codes(cedar_codes), RULE_IDS),
            ("rego (timed run)", lambda _: _codes(rego_codes), RULE_IDS),
            ("python baseline (timed)", lambda _: _codes(base_codes), (BASELINE_RULE,)),
        ],
    )
    print(f"\nanswers of the timed runs against the engine, all {n:,} incidents:")
    for report in post:
        print(report.line())
    print(f"\noutcome mix of the benchmark rules over the {n:,} incidents (our engine):")
    for line in _outcome_mix(ours):
        print(line)

    # -- where the peers' time goes (information, not in the ratios) --------------------
    set_input = rego.engine.set_input_json

    def rego_input_pass() -> None:
        for text in inputs:
            set_input(text)

    input_times, _ = timed(repeat, rego_input_pass)
    rego_input_us = min(input_times) * 1e6 / n

    # -- what Cedar itself reports -------------------------------------------------------
    sample_requests = requests[: min(len(requests), 3 * 1000)]
    results = cedarpy.is_authorized_batch(sample_requests, cedar.policies, cedar.entities)
    core_us = statistics.mean(r.metrics.get("authz_duration_micros", 0) for r in results)

    # -- ratios and targets -------------------------------------------------------------
    f = figures

    def ratio(a: str, b: str) -> float:
        return f[a].rate / f[b].rate

    print("\nratios, ours / peer, decisions per second (best passes):")
    rows = [
        ("verdicts, all shipped rules / regorus", "v_all", "rego"),
        ("verdicts, benchmark rules / regorus", "v_bench", "rego"),
        ("verdicts, all shipped rules / cedarpy batch", "v_all", "cedar"),
        ("verdicts, benchmark rules / cedarpy batch", "v_bench", "cedar"),
        ("full traces, all shipped rules / cedarpy batch", "t_all", "cedar"),
        ("full traces, benchmark rules / cedarpy batch", "t_bench", "cedar"),
        ("traces as tuples (no JSON), benchmark rules / cedarpy batch", "r_bench", "cedar"),
        ("full traces, all shipped rules / regorus", "t_all", "rego"),
        ("full traces, benchmark rules / regorus", "t_bench", "rego"),
        (f"plain Python / ours verdicts, {BASELINE_RULE} alone", "base", "v_one"),
    ]
    for label, a, b in rows:
        print(f"  {label:<62} {ratio(a, b):>8.2f}x")

    print(f"\nDESIGN.md section 9 targets (>= {TARGET:.0f}x per decision, same run):")
    for label, a, b in (
        ("verdicts >= 10x regorus (all shipped rules)", "v_all", "rego"),
        ("verdicts >= 10x regorus (benchmark rules)", "v_bench", "rego"),
        ("full traces >= 10x cedarpy batch (all shipped rules)", "t_all", "cedar"),
        ("full traces >= 10x cedarpy batch (benchmark rules)", "t_bench", "cedar"),
    ):
        value = ratio(a, b)
        verdict = "MET" if value >= TARGET else "NOT MET"
        print(f"  {label:<62} {value:>8.2f}x  {verdict}")

    print("\nwhat each figure times (and what it does not):")
    print(
        "  ours, verdicts: Evaluator.outcomes(incident) per incident (outcome codes, no "
        "traces); input = validated Incident objects (validation not timed)"
    )
    print(
        "  ours, full traces: Evaluator.verdicts(incident) per incident and "
        "Verdict.to_json(with_trace=True) (a dict with the whole reasoning tree) per verdict; "
        "not serialised to text"
    )
    print(
        f"  cedar: only the is_authorized_batch calls ({len(batches):,} calls) and the mapping "
        "of each answer's policy id to an outcome; the calls include cedarpy's own JSON "
        "decoding of each answer. Requests (context JSON, per-target facts flattened into "
        "sets because Cedar has no list quantifier) were built before, untimed: "
        f"{cedar_build:.2f} s"
    )
    print(
        f"  cedar core: cedar's own authz_duration_micros metric averages {core_us:.1f} us per "
        "request (sample of up to 3,000), the evaluation without binding overhead"
    )
    print(
        "  rego: per incident one set_input_json (input JSON serialised before, untimed: "
        f"{rego_build:.2f} s) and one eval_rule per rule; the input is shared by the "
        f"incident's {len(RULE_IDS)} decisions; set_input_json alone takes "
        f"{rego_input_us:.1f} us per incident ({rego_input_us / len(RULE_IDS):.1f} us per decision)"
    )
    print(
        f"  plain Python: a hand-written three-valued function for {BASELINE_RULE} over the "
        "same Incident objects, one call per decision"
    )


def _codes(result: object) -> list[int]:
    if not isinstance(result, list):
        raise TypeError(f"expected a list of outcome codes, got {type(result).__name__}")
    return [int(c) for c in result]


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"
