"""A self-contained HTML report of verdicts: one file, no external asset (no script, font,
stylesheet or image fetched), readable offline and safe to mail.

What it holds: a summary per basis (how many incidents have at least one verdict of each
outcome; breaches alone as violations, attribution and permission answers apart: see
``report.summary``) and per subject state within each basis, the facts most often missing,
then each incident with its verdicts, each verdict's
reasoning folded in a ``<details>`` element. Every piece of data is HTML-escaped: incident
files are written by others, and a name like ``<script>`` must show as text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from cybernorms.model.verdict import parse_word
from cybernorms.report.summary import STATE_COLUMNS, Row, summarise

OUTCOMES = ("violation", "undetermined", "no_violation", "not_applicable")
# CSS classes for the other questions' answers (never styled as violations).
ANSWERS = ("attributable", "not_attributable", "permitted", "not_permitted")
TOP_MISSING = 10

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.violation{color:#b00020;font-weight:bold}.no_violation{color:#1b7a1b}
.undetermined{color:#a66b00}.not_applicable{color:#777}
.attributable,.permitted{color:#5b2a86}.not_attributable,.not_permitted{color:#1b5e7a}
details ul{margin:.2rem 0 .2rem 1rem;padding-left:.8rem}
code{font-size:90%}.dim{color:#666}
"""


def html_report(
    records: Iterable[Mapping[str, Any]],
    *,
    titles: Mapping[str, str],
    title: str = "cybernorms verdicts",
    note: str = "",
) -> str:
    """The report as one HTML document. ``records`` are verdict records
    (``service.selecting.record``), with ``trace`` when the reasoning is to be shown;
    ``titles`` maps rule ids to their titles; ``note`` is a line under the title (the
    evaluation date, the positions applied)."""
    rows = list(records)
    incidents: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in rows:
        incidents[r["incident"]].append(r)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="dim">{escape(note)}</p>' if note else "",
        f"<p>{len(incidents)} incidents, {len(rows)} verdicts.</p>",
        _summary(rows),
        _missing(rows),
        "<h2>Incidents</h2>",
    ]
    parts += [_incident(iid, verdicts, titles) for iid, verdicts in incidents.items()]
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p) + "\n"


def _summary(rows: list[Mapping[str, Any]]) -> str:
    """Per basis: the incidents with at least one verdict of each column, then per subject
    state within the basis (``report.summary``: incidents, not rows; bases never added)."""
    summaries = summarise(
        Row(
            r["incident"],
            r["rule"],
            r.get("subject"),
            r["basis"],
            r.get("question") or "breach",
            parse_word(r.get("question") or "breach", r["outcome"]),
        )
        for r in rows
    )
    head = "".join(f"<th>{c}</th>" for c in STATE_COLUMNS)
    body = []
    states = []
    for summary in summaries:
        totals = [
            len(set().union(*(cols[c] for cols in summary.states.values()))) for c in STATE_COLUMNS
        ]
        body.append(
            f"<tr><td>{escape(summary.basis)}</td><td>{len(summary.incidents)}</td>"
            + "".join(
                f'<td class="{c}">{n}</td>' for c, n in zip(STATE_COLUMNS, totals, strict=True)
            )
            + "</tr>"
        )
        per_state = "".join(
            f"<tr><td>{escape(state)}</td>"
            + "".join(
                f'<td class="{c}">{n}</td>' for c, n in zip(STATE_COLUMNS, counts, strict=True)
            )
            + "</tr>"
            for state, counts in summary.state_counts()
        )
        states.append(
            f"<h3>basis {escape(summary.basis)}: incidents by subject state</h3>"
            f"<table><tr><th>subject</th>{head}</tr>{per_state}</table>"
        )
    return (
        "<h2>Summary per basis</h2>"
        '<p class="dim">Incidents (not verdicts) with at least one verdict of each kind, one '
        "basis per row, never added together. Only breaches count as violations; "
        "attributable and permitted answer other questions. A position (basis position:ISO3) "
        "is one state's reading, a group's (basis group:NAME) its members' common reading, "
        "never consensus.</p>"
        f"<table><tr><th>basis</th><th>incidents</th>{head}</tr>{''.join(body)}</table>"
        + "".join(states)
    )


def _cells(counts: list[int]) -> list[str]:
    return [f'<td class="{c}">{n}</td>' for c, n in zip(STATE_COLUMNS, counts, strict=True)]


def _missing(rows: list[Mapping[str, Any]]) -> str:
    """The facts most often missing from undetermined verdicts: what to find out first."""
    counts: Counter[str] = Counter()
    incidents: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        for fact in r.get("missing") or ():
            counts[fact] += 1
            incidents[fact].add(r["incident"])
    if not counts:
        return "<h2>Missing facts</h2><p>No verdict is undetermined for want of a fact.</p>"
    body = "".join(
        f"<tr><td><code>{escape(fact)}</code></td><td>{n}</td><td>{len(incidents[fact])}</td></tr>"
        for fact, n in counts.most_common(TOP_MISSING)
    )
    return (
        "<h2>Missing facts</h2>"
        '<p class="dim">The facts whose absence leaves most verdicts undetermined.</p>'
        f"<table><tr><th>fact</th><th>verdicts</th><th>incidents</th></tr>{body}</table>"
    )


def _incident(iid: str, verdicts: list[Mapping[str, Any]], titles: Mapping[str, str]) -> str:
    first = verdicts[0]
    name = first.get("name")
    facts = []
    if first.get("start_date"):
        facts.append(f"started {escape(first['start_date'])}")
    if first.get("victims"):
        facts.append("victims " + escape(", ".join(first["victims"])))
    heading = escape(iid) + (f": {escape(name)}" if name else "")
    rows = "".join(_verdict(v, titles) for v in verdicts)
    return (
        f'<section><h3 id="{escape(iid, quote=True)}">{heading}</h3>'
        + (f'<p class="dim">{"; ".join(facts)}</p>' if facts else "")
        + "<table><tr><th>rule</th><th>subject</th><th>basis</th><th>outcome</th>"
        "<th>why</th></tr>" + rows + "</table></section>"
    )


def _verdict(v: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    rule = escape(v["rule"])
    if v["rule"] in titles:
        rule += f'<br><span class="dim">{escape(titles[v["rule"]])}</span>'
    outcome = escape(v["outcome"])
    why = ""
    if v.get("missing"):
        why = "missing: " + escape(", ".join(v["missing"]))
    trace = v.get("trace")
    if trace:
        why += f"<details><summary>reasoning</summary><ul>{_node(trace)}</ul></details>"
    return (
        f"<tr><td>{rule}</td><td>{escape(v.get('subject') or '-')}</td>"
        f'<td>{escape(v["basis"])}</td><td class="{outcome}">{outcome}</td>'
        f"<td>{why}</td></tr>"
    )


def _node(node: Mapping[str, Any]) -> str:
    """One trace node and its children as nested list items: expression = value, what it read."""
    label = ""
    if node.get("bind"):
        label += f"{escape(str(node['bind']))}: "
    label += (
        f"<code>{escape(str(node.get('expr', '')))}</code> = <b>{_value(node.get('value'))}</b>"
    )
    extras = []
    if node.get("fact") and node.get("fact") != node.get("expr"):
        extras.append(f"fact {escape(str(node['fact']))}")
    source = node.get("source")
    if isinstance(source, Mapping):
        extras.append(
            "source "
            + escape(f"{source.get('source')} {source.get('field')}={source.get('value')!r}")
        )
    if node.get("profile"):
        extras.append(f"profile {escape(str(node['profile']))}")
    if node.get("missing") and node.get("value") is None:
        extras.append("missing " + escape(", ".join(map(str, node["missing"]))))
    if extras:
        label += f' <span class="dim">({"; ".join(extras)})</span>'
    children = node.get("children") or ()
    inner = f"<ul>{''.join(_node(c) for c in children)}</ul>" if children else ""
    return f"<li>{label}{inner}</li>"


def _value(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return escape("[" + ", ".join(map(str, value)) + "]")
    return escape(str(value))
