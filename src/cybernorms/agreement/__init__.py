"""How the engine's verdicts compare with expert coding (EuRepoC's legal judgement columns).

``coding`` reads the coders' answers, ``compare`` asks the engine the same act-level question
and builds the table, ``disagreements`` explains every incident where the two differ, ``kappa``
computes Cohen's kappa. The coders' columns are read only here, only to compare; the engine
never sees them.
"""

from cybernorms.agreement.coding import NOT_COMPARED, QUESTIONS, NotCompared, Question
from cybernorms.agreement.compare import (
    Answer,
    Pair,
    Report,
    Row,
    as_foreign_state_act,
    coded_incidents,
    compare,
    engine_answer,
)
from cybernorms.agreement.disagreements import Disagreement, disagreements
from cybernorms.agreement.kappa import cohens_kappa, observed_agreement

__all__ = [
    "NOT_COMPARED",
    "QUESTIONS",
    "Answer",
    "Disagreement",
    "NotCompared",
    "Pair",
    "Question",
    "Report",
    "Row",
    "as_foreign_state_act",
    "coded_incidents",
    "cohens_kappa",
    "compare",
    "disagreements",
    "engine_answer",
    "observed_agreement",
]
