"""The meaning of the rule language, written once against an algebra each back end implements.

* ``algebra``: the operations (Kleene and/or/not, known, branches, compare, membership,
  quantifiers, profile lookup, dates, rule references, outcomes) and their contracts;
* ``nodes``: every IR node as one operation (the one exhaustive dispatch);
* ``decision``: a rule's outcome for one subject, and which subjects a rule judges;
* ``profiles``: the profile version in force; ``lenses``: what a national position changes.

Back ends: ``engine.reference`` (the concrete algebra: the reference interpreter, with
traces), ``engine.codegen`` (generated Python, verdict codes or traces), ``analysis.encode``
(z3 terms) and ``bulk`` (SQL).
"""
