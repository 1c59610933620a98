"""Rulebooks proved unambiguous: the rule IR in SMT (z3), with a witness incident per finding.

Depends on ``rules``, ``model`` and ``engine`` (whose interpreter checks every witness); nothing
in those packages imports this one.
"""
