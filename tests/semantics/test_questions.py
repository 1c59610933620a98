"""Questions and their answers: one internal outcome, a word per (question, outcome), and
summaries that count incidents per basis with breaches alone as violations."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cybernorms.model.verdict import WORDS, Outcome, Question, Verdict, parse_word, word
from cybernorms.report.summary import STATE_COLUMNS, Row, basis_order, summarise
from cybernorms.semantics.decision import BREACH

questions = st.sampled_from(list(Question))
outcomes = st.sampled_from(list(Outcome))


@given(question=questions, outcome=outcomes)
def test_a_word_names_exactly_one_outcome_of_its_question(
    question: Question, outcome: Outcome
) -> None:
    assert parse_word(question, word(question, outcome)) is outcome


@given(question=questions)
def test_the_words_of_a_question_are_a_bijection(question: Question) -> None:
    words = [word(question, o) for o in Outcome]
    assert len(set(words)) == len(Outcome)
    assert {parse_word(question, w) for w in words} == set(Outcome)


@given(question=questions, other=questions)
def test_another_questions_answer_is_refused(question: Question, other: Question) -> None:
    """A breach rule never answers ``permitted``: only undetermined and not_applicable are
    shared words."""
    for outcome in (Outcome.VIOLATION, Outcome.NO_VIOLATION):
        theirs = word(other, outcome)
        if other is question:
            assert parse_word(question, theirs) is outcome
        else:
            with pytest.raises(ValueError, match="is not an answer to a"):
                parse_word(question, theirs)


def test_breached_reads_the_positive_answer_whatever_the_question() -> None:
    """``breached(rule)`` inside another rule means the positive answer: attributable for the
    attribution rule, as violation for a breach (the decision is one, the words many)."""
    assert BREACH[Outcome.VIOLATION] is True
    assert WORDS[Question.ATTRIBUTION][Outcome.VIOLATION] == "attributable"
    assert WORDS[Question.PERMISSION][Outcome.NO_VIOLATION] == "not_permitted"


def test_the_verdict_json_names_its_question_and_reason() -> None:
    v = Verdict(
        "i",
        "il-core@1.0.0",
        "il.countermeasures",
        "RUS",
        "restatement",
        Outcome.VIOLATION,
        question="permission",
    )
    out = v.to_json(with_trace=False)
    assert (out["outcome"], out["question"], out["reason"]) == ("permitted", "permission", None)


# -- summaries -----------------------------------------------------------------------------

BASES = ["consensus", "restatement", "position:GBR", "position:FRA", "consensus+assumed:defaults"]
rows = st.builds(
    Row,
    incident=st.sampled_from(["a", "b", "c", "d"]),
    rule=st.sampled_from(["r1", "r2", "r3"]),
    subject=st.sampled_from(["RUS", "CHN", None]),
    basis=st.sampled_from(BASES),
    question=st.sampled_from([q.value for q in Question]),
    outcome=outcomes,
)


@given(given_rows=st.lists(rows, max_size=60))
def test_summaries_count_each_incident_once_per_basis(given_rows: list[Row]) -> None:
    summaries = summarise(given_rows)
    assert [s.basis for s in summaries] == sorted({r.basis for r in given_rows}, key=basis_order)
    for summary in summaries:
        mine = [r for r in given_rows if r.basis == summary.basis]
        assert summary.incidents == {r.incident for r in mine}
        expected: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for r in mine:
            if r.outcome is Outcome.NOT_APPLICABLE:
                continue
            if r.question == "breach":
                expected[r.subject or "unknown"][word("breach", r.outcome)].add(r.incident)
            elif r.outcome is Outcome.VIOLATION:
                expected[r.subject or "unknown"][word(r.question, r.outcome)].add(r.incident)
        for state, counts in summary.state_counts():
            assert counts == [len(expected[state][c]) for c in STATE_COLUMNS]
            # never more than the basis's incidents: rows are not counted, incidents are
            assert all(n <= len(summary.incidents) for n in counts)


@given(given_rows=st.lists(rows, max_size=60))
def test_no_attribution_or_permission_answer_counts_as_a_violation(given_rows: list[Row]) -> None:
    for summary in summarise(given_rows):
        violated = {
            r.incident
            for r in given_rows
            if r.basis == summary.basis
            and r.question == "breach"
            and r.outcome is Outcome.VIOLATION
        }
        counted = set().union(*(cols["violation"] for cols in summary.states.values()))
        assert counted == violated
