"""How the engine's verdicts compare with expert coding (EuRepoC's legal judgement columns).

``coding`` reads the coders' answers, ``compare`` builds the table, ``kappa`` computes Cohen's
kappa. The coders' columns are read only here, only to compare; the engine never sees them.
"""

from cybernorms.agreement.coding import QUESTIONS, Question
from cybernorms.agreement.compare import Confusion, Report, Row, coded_incidents, compare
from cybernorms.agreement.kappa import cohens_kappa, observed_agreement

__all__ = [
    "QUESTIONS",
    "Confusion",
    "Question",
    "Report",
    "Row",
    "coded_incidents",
    "cohens_kappa",
    "compare",
    "observed_agreement",
]
