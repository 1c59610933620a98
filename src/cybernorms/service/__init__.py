"""The application layer: the one place the front ends (CLI, HTTP API, web pages) call.

Why a layer: loading rulebooks, positions and profiles, caching compiled evaluators,
evaluating, explaining, analysing, publishing and verifying are the same acts whichever front
end asks for them. Written once here, each front end stays a thin translation of its own
inputs and outputs; nothing in a front end decides anything.
"""
