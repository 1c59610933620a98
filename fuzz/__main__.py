"""Run a coverage-guided fuzzing campaign on one target: ``python -m fuzz TARGET --runs N``.

Why atheris as well as the hypothesis tests: the tests run a fixed, small budget on every
commit; a campaign runs for minutes or hours, guided by coverage (libFuzzer keeps an input
that reaches new code and mutates it further), which finds what a fixed budget misses.

The seed corpus (``fuzz/corpus/TARGET``) is read, never written: the inputs libFuzzer keeps go
to ``fuzz/work/TARGET`` and a crash (any exception other than ``CybernormsError``, or a hang,
or memory over ``--rss-mb``) is written to ``fuzz/crashes/`` with the input that caused it;
``python -m fuzz TARGET --replay FILE`` runs one input again and shows the traceback.

Without atheris (it is the optional extra ``fuzz``: ``pip install -e '.[fuzz]'``; wheels exist
for Linux and macOS on x86-64) the same target runs under hypothesis's byte mutation of the
seeds instead, with ``--runs`` examples.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_NAMES = (
    "incident_yaml", "incident_json", "package", "position", "profile", "rule_examples",
    "expression",
    "eurepoc_csv", "envelope", "receipt", "note", "checkpoint", "merkle_proof",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n")[0])
    parser.add_argument("target", choices=TARGET_NAMES)
    parser.add_argument("--runs", type=int, default=100_000, help="inputs to try")
    parser.add_argument("--seconds", type=int, default=0, help="stop after this long (0: no limit)")
    parser.add_argument("--max-len", type=int, default=16_384, help="longest input, bytes")
    parser.add_argument("--rss-mb", type=int, default=1024, help="memory that counts as a crash")
    parser.add_argument("--replay", type=Path, help="run one input file and show the outcome")
    parser.add_argument("--hypothesis", action="store_true", help="use hypothesis, not atheris")
    args = parser.parse_args(argv)
    if args.replay:
        return _replay(args.target, args.replay)
    if args.hypothesis:
        return _hypothesis(args.target, args.runs)
    try:
        import atheris
    except ImportError:
        print("atheris is not installed (pip install -e '.[fuzz]'); using hypothesis", flush=True)
        return _hypothesis(args.target, args.runs)
    return _atheris(atheris, args)


def _atheris(atheris: object, args: argparse.Namespace) -> int:
    work = HERE / "work" / args.target
    crashes = HERE / "crashes"
    work.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(exist_ok=True)
    with atheris.instrument_imports(include=["cybernorms", "yaml"]):  # type: ignore[attr-defined]
        from fuzz import targets
    target = args.target

    def one_input(data: bytes) -> None:
        targets.run(target, data)  # anything but a CybernormsError propagates: a crash

    libfuzzer = [
        sys.argv[0],
        f"-runs={args.runs}",
        f"-max_len={args.max_len}",
        f"-rss_limit_mb={args.rss_mb}",
        "-timeout=10",
        f"-artifact_prefix={crashes}/{target}-",
        "-print_final_stats=1",
        str(work),
        str(HERE / "corpus" / target),
    ]
    if args.seconds:
        libfuzzer.insert(1, f"-max_total_time={args.seconds}")
    atheris.Setup(libfuzzer, one_input)  # type: ignore[attr-defined]
    atheris.Fuzz()  # type: ignore[attr-defined]
    return 0


def _hypothesis(target: str, runs: int) -> int:
    """The tests' byte mutation of the seeds, for one target, with ``runs`` examples."""
    env = {**os.environ, "CYBERNORMS_FUZZ_EXAMPLES": str(runs)}
    test = f"tests/fuzz/test_mutated_seeds.py::test_a_mutated_seed_is_accepted_or_refused[{target}]"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=HERE.parent,
        env=env,
        check=False,
    )
    return done.returncode


def _replay(target: str, path: Path) -> int:
    from fuzz import targets

    accepted = targets.run(target, path.read_bytes())
    print(f"{path}: {'accepted' if accepted else 'refused'} by {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
