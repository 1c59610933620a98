"""Evaluate rules on incidents: three-valued logic, traces, missing facts, verdicts."""

from cybernorms.engine.evaluate import Evaluator, evaluate
from cybernorms.engine.profiles import ProfileBook

__all__ = ["Evaluator", "ProfileBook", "evaluate"]
