"""One z3 solver per analysis run, queried under a budget.

Why a budget: an analysis runs in CI and in a forum's tooling; a query that takes too long must
end, and its answer must then be "unknown within budget", never read as sat or unsat. Two limits
exist: wall-clock (``timeout_ms``) and z3's deterministic resource count (``rlimit``, 0 = none),
which the tests use to provoke an exhausted budget reproducibly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import z3

Status = Literal["sat", "unsat", "unknown"]


@dataclass(frozen=True)
class Budget:
    timeout_ms: int = 10_000
    rlimit: int = 0


class Session:
    """A solver holding the domain constraints; each query is pushed and popped."""

    def __init__(self, background: Callable[[], list[Any]], budget: Budget) -> None:
        self.solver = z3.Solver()
        self.solver.set("timeout", budget.timeout_ms)
        if budget.rlimit:
            self.solver.set("rlimit", budget.rlimit)
        self.background = background
        self._added = 0
        self.calls = 0

    def check(self, *goal: Any) -> tuple[Status, Any]:
        """``sat`` with a model, ``unsat``, or ``unknown`` (budget exhausted or gave up)."""
        pending = self.background()
        if len(pending) > self._added:
            self.solver.add(*pending[self._added :])
            self._added = len(pending)
        self.calls += 1
        self.solver.push()
        try:
            self.solver.add(*goal)
            result = self.solver.check()
            if result == z3.sat:
                return "sat", self.solver.model()
            if result == z3.unsat:
                return "unsat", None
            return "unknown", None
        finally:
            self.solver.pop()
