"""The application layer: the one place the front ends (CLI, HTTP API, web pages) call.

Why a layer: loading rulebooks, positions and profiles, caching compiled evaluators,
evaluating, explaining, analysing, publishing and verifying are the same acts whichever front
end asks for them. Written once here, each front end stays a thin translation of its own
inputs and outputs; nothing in a front end decides anything.

Modules (import the one you need; this package imports none of them, so a front end pays
only for what it uses):

* ``formats``: the choices a front end offers (input formats, detail levels); stdlib only.
* ``errors``: the layer's own refusals (``UnknownName``, ``BadRequest``).
* ``loading``: incidents, rulebooks (the shipped set by default), positions, profiles.
* ``evaluating``: ``setup``, the cached ``evaluator``, ``evaluate``.
  The date rule every front end states: ``formats.DATE_RULE``.
* ``explaining``: one verdict re-evaluated with its trace.
* ``checking``: ``check_rulebooks`` / ``check_paths`` -> ``CheckReport``.
* ``analysing``: SMT findings, version diffs, the findings ``check`` refuses for.
* ``agreement``: the engine beside the EuRepoC coders.
"""
