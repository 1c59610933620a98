"""What the loaded rulebooks hold, for people browsing them: rules, packages and positions as
rows (``list``) and in full (``show``: text, source, criteria, the positions' readings and the
examples that specify them).

Plain dicts of JSON values: the CLI prints them as tables or JSON and the HTTP API can serve
them as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cybernorms.rules.catalog import Rulebooks
from cybernorms.rules.package import Package, Position, Rule
from cybernorms.service.errors import UnknownName

Row = dict[str, Any]


def rule_rows(books: Rulebooks) -> list[Row]:
    """Every rule: the packages' own, then those positions add (package ``position:ISO3``)."""
    rows = [_rule_row(r, p.id) for p in books.packages for r in p.rules]
    rows += [_rule_row(r, pos.basis) for pos in books.positions for r in pos.added]
    return rows


def _rule_row(rule: Rule, owner: str) -> Row:
    return {
        "id": rule.id,
        "package": owner,
        "title": rule.title,
        "kind": rule.kind,
        "question": rule.question,
        "scope": rule.scope,
        "source": rule.source,
    }


def _criteria(rule: Rule) -> Row:
    return {
        "subject": rule.subject.text,
        "applies_when": rule.applies.text,
        "violated_when": rule.violated.text,
    }


def rule_detail(books: Rulebooks, rule_id: str) -> Row:
    """One rule in full: its text, source and criteria, each position's reading of it, and
    the examples whose expected verdicts name it."""
    found = [(r, p.id) for p in books.packages for r in p.rules if r.id == rule_id]
    found += [(r, pos.basis) for pos in books.positions for r in pos.added if r.id == rule_id]
    if not found:
        raise UnknownName(f"no rule {rule_id!r} in the loaded rulebooks ({books.where()})")
    rule, owner = found[0]
    readings = [
        {
            "basis": pos.basis,
            "title": pos.title,
            "date": pos.date.isoformat() if pos.date else None,
            **_criteria(pos.overrides[rule_id]),
            "note": pos.overrides[rule_id].note,
        }
        for pos in books.positions
        if rule_id in pos.overrides
    ]
    return {
        **_rule_row(rule, owner),
        "binds": rule.binds,
        "text": rule.text,
        "note": rule.note,
        **_criteria(rule),
        "relations": [f"{r.kind} {r.package}:{r.rule}" for r in rule.relations],
        "defined_at": rule.defined_at,
        "readings": readings,
        "examples": _examples(books, lambda owner_, rules: rule_id in rules),
    }


def package_rows(books: Rulebooks) -> list[Row]:
    return [_package_row(p) for p in books.packages]


def _package_row(p: Package) -> Row:
    return {
        "id": p.id,
        "version": p.version,
        "title": p.title,
        "basis": p.basis,
        "forum": p.forum,
        "rules": len(p.rules),
        "requires": list(p.requires),
        "source": p.source,
    }


def package_detail(books: Rulebooks, package_id: str) -> Row:
    try:
        p = books.package(package_id)
    except KeyError as exc:
        raise UnknownName(str(exc.args[0])) from None
    return {
        **_package_row(p),
        "path": p.path,
        "digest": p.digest,
        "rule_list": [{**_rule_row(r, p.id), **_criteria(r)} for r in p.rules],
        "positions": [pos.state for pos in books.positions if pos.package == p.id],
        "examples": _examples(books, lambda owner, rules: owner == p.id),
    }


def position_rows(books: Rulebooks) -> list[Row]:
    return [_position_row(p) for p in books.positions]


def _position_row(p: Position) -> Row:
    return {
        "state": p.state,
        "title": p.title,
        "date": p.date.isoformat() if p.date else None,
        "package": p.package,
        "overrides": sorted(p.overrides),
        "added": [r.id for r in p.added],
        "agrees": sorted(p.agrees),
        "holds_open": sorted(p.held_open),
        "no_rule": sorted(p.no_rules),
        "sources": list(p.sources),
    }


def position_detail(books: Rulebooks, state: str) -> Row:
    try:
        p = books.position(state)
    except KeyError as exc:
        raise UnknownName(str(exc.args[0])) from None
    return {
        **_position_row(p),
        "basis": p.basis,
        # a group's reading: its member states and where that list comes from
        **({"members": list(p.members), "members_source": p.members_source} if p.is_group else {}),
        "path": p.path,
        "readings": [
            {"rule": rid, "title": r.title, **_criteria(r), "note": r.note}
            for rid, r in sorted(p.overrides.items())
        ],
        "rule_list": [{**_rule_row(r, p.basis), **_criteria(r), "text": r.text} for r in p.added],
        "examples": _examples(books, lambda owner, rules: owner == p.basis),
    }


def _examples(books: Rulebooks, wanted: Callable[[str, set[str]], bool]) -> list[Row]:
    """The examples (name, file location, expected verdicts) of the files whose owner and
    expected rules ``wanted(owner, rules)`` accepts."""
    rows = []
    for file in books.examples:
        for example, where in file.examples:
            rules = {e.rule for e in example.expect}
            if wanted(file.owner, rules):
                rows.append(
                    {
                        "name": example.name,
                        "where": where,
                        "expect": [
                            f"{e.rule}[{e.subject or '-'}]"
                            + (f"@{e.basis}" if e.basis else "")
                            + f" = {e.outcome}"
                            for e in example.expect
                        ],
                    }
                )
    return rows
