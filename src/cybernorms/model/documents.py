"""Reading YAML and JSON documents so that every error can name ``file:line:col``.

Why not ``yaml.safe_load`` and be done: a pydantic error says ``rules.3.violated_when``, but an
author needs "un-gge-2015.yaml:48:20". We compose the YAML node graph (safe: only plain data,
no tags that construct objects), build the plain value and, beside it, a map from every path
(tuple of keys and indexes) to the position where that node starts. JSON is a subset of YAML
1.2 in practice, so JSON files go through the same path and get the same positions.

Duplicate keys are an error here (YAML would keep the last silently — a silent loss).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, get_args

import yaml
from pydantic import BaseModel, ValidationError

from cybernorms.errors import CybernormsError

PathKey = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

# A document bigger than this is refused before parsing: an incident or rulebook file is a
# few hundred kilobytes at most, and YAML aliases can blow a small file up ("billion laughs").
MAX_DOCUMENT_BYTES = 50_000_000
MAX_NODES = 5_000_000


@dataclass(frozen=True)
class Position:
    """1-based line and column in a named source."""

    source: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class DocumentError(CybernormsError):
    """An input was rejected; ``problems`` lists every reason found, each with its location."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Document:
    """A parsed document: its plain value and the position of every node in it."""

    source: str
    value: Any
    positions: dict[PathKey, Position] = field(default_factory=dict)
    # YAML scalar style per path (None plain, '"' or "'" quoted, '|' literal, '>' folded) and
    # the text's lines: together they locate a column inside a multi-line expression.
    styles: dict[PathKey, str | None] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def locate(self, path: Sequence[str | int], line: int, col: int) -> Position:
        """The file position of (``line``, 0-based ``col``) inside the scalar at ``path``."""
        key = tuple(path)
        start = self.position(key)
        style = self.styles.get(key, None)
        if style in ("|", ">") and self.lines:
            return self._locate_in_block(start, style, line, col)
        quote = 1 if style in ('"', "'") else 0
        if line == 1:
            return Position(self.source, start.line, start.col + quote + col)
        return Position(self.source, start.line + line - 1, col + 1)

    def _locate_in_block(self, start: Position, style: str, line: int, col: int) -> Position:
        content: list[tuple[int, str]] = []  # (1-based file line, text without indentation)
        indent: int | None = None
        for number in range(start.line + 1, len(self.lines) + 1):
            raw = self.lines[number - 1]
            if not raw.strip():
                continue
            lead = len(raw) - len(raw.lstrip(" "))
            if indent is None:
                indent = lead
            if lead < indent:
                break
            content.append((number, raw[indent:]))
        if not content or indent is None:
            return start
        if style == "|":
            number, _ = content[min(line, len(content)) - 1]
            return Position(self.source, number, indent + col + 1)
        # Folded: lines at the block's indentation are joined by single spaces, but the break
        # before or after a more-indented line is kept (YAML 1.2, 8.1.3). Rebuild the value's
        # lines as segments (file line, start column in the value line, text) to map back.
        value_lines: list[list[tuple[int, int, str]]] = []
        previous_more = True
        for number, text in content:
            more = text.startswith(" ")
            if value_lines and not more and not previous_more:
                _, start_col, last = value_lines[-1][-1]
                value_lines[-1].append((number, start_col + len(last) + 1, text))
            else:
                value_lines.append([(number, 0, text)])
            previous_more = more
        segments = value_lines[min(max(line, 1), len(value_lines)) - 1]
        for number, start_col, text in segments:
            if col <= start_col + len(text):
                return Position(self.source, number, indent + col - start_col + 1)
        return Position(self.source, segments[-1][0], indent + 1)

    def position(self, path: Sequence[str | int]) -> Position:
        """Where the node at ``path`` starts, or its nearest located ancestor."""
        key = tuple(path)
        while key and key not in self.positions:
            key = key[:-1]
        return self.positions.get(key, Position(self.source, 1, 1))

    def where(self, path: Sequence[str | int]) -> str:
        return str(self.position(path))

    def sub(self, path: Sequence[str | int]) -> Document:
        """The part of this document at ``path``, keeping positions (for lists of items)."""
        prefix = tuple(path)
        value: Any = self.value
        for step in prefix:
            value = value[step]
        n = len(prefix)
        positions = {k[n:]: p for k, p in self.positions.items() if k[:n] == prefix}
        styles = {k[n:]: s for k, s in self.styles.items() if k[:n] == prefix}
        return Document(self.source, value, positions, styles, self.lines)

    def validate(self, model: type[M], path: Sequence[str | int] = ()) -> M:
        """Validate the value at ``path`` with a pydantic model; errors name file:line:col."""
        value = self.sub(path).value if path else self.value
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            raise DocumentError(self.problems_of(exc, model, path)) from None

    def problems_of(
        self, exc: ValidationError, model: type[BaseModel], prefix: Sequence[str | int] = ()
    ) -> list[Problem]:
        """Every pydantic error as a located ``Problem``, with a suggestion for unknown fields."""
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            full = tuple(prefix) + loc
            field_name = ".".join(str(p) for p in loc) or "(document)"
            message = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field" + _suggest_field(model, loc)
            problems.append(Problem(self.where(full), f"{field_name}: {message}"))
        return problems


def _suggest_field(model: type[BaseModel], loc: PathKey) -> str:
    """Name the nearest declared field for a misspelt one (``sektor`` -> ``sector``)."""
    owner = _model_at(model, loc[:-1])
    if owner is None or not isinstance(loc[-1], str):
        return ""
    close = difflib.get_close_matches(loc[-1], list(owner.model_fields), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _model_at(model: type[BaseModel], loc: PathKey) -> type[BaseModel] | None:
    """The pydantic model that validates the node at ``loc`` (through lists and optionals)."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(step)
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """Unwrap ``X | None``, ``list[X]`` and ``Annotated[X, ...]`` down to a model class."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def parse_text(text: str, source: str) -> Document:
    """Parse YAML or JSON text; syntax errors become a ``DocumentError`` with the position."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise DocumentError([Problem(source, f"document too large ({len(text)} bytes)")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise DocumentError([Problem(where, f"malformed YAML/JSON: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise DocumentError([Problem(source, f"malformed YAML/JSON: {exc}")]) from None
    doc = Document(source, None, lines=text.splitlines())
    if node is None:
        return doc
    builder = _Builder(source, doc.positions, doc.styles)
    doc.value = builder.build(node, ())
    return doc


def load_file(path: Path | str) -> Document:
    """Read and parse one YAML or JSON file; unreadable files are a ``DocumentError``."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError([Problem(str(p), f"file too large ({size} bytes)")])
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError([Problem(str(p), f"not UTF-8 text: {exc.reason}")]) from None
    except OSError as exc:
        raise DocumentError([Problem(str(p), f"cannot read: {exc.strerror}")]) from None
    if p.suffix.lower() == ".json":
        _check_json(text, str(p))
    return parse_text(text, str(p))


def _check_json(text: str, source: str) -> None:
    """A ``.json`` file must be JSON, not merely YAML (which accepts trailing commas etc.)."""
    import json

    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{source}:{exc.lineno}:{exc.colno}"
        raise DocumentError([Problem(where, f"malformed YAML/JSON: {exc.msg}")]) from None


class _Builder:
    """Turns a composed YAML node graph into plain values, recording positions."""

    def __init__(
        self,
        source: str,
        positions: dict[PathKey, Position],
        styles: dict[PathKey, str | None],
    ) -> None:
        self.source = source
        self.positions = positions
        self.styles = styles
        self.count = 0
        self.constructor = yaml.SafeLoader("")  # resolves scalars: ints, bools, dates, null

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise DocumentError([Problem(self.source, f"document has more than {MAX_NODES} nodes")])
        mark = node.start_mark
        self.positions[path] = Position(self.source, mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | bool) or isinstance(key, bool):
                    where = self._where(key_node)
                    raise DocumentError([Problem(where, f"a key must be a string, not {key!r}")])
                key = str(key)
                if key in out:
                    where = self._where(key_node)
                    raise DocumentError([Problem(where, f"duplicate key {key!r}")])
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        self.styles[path] = getattr(node, "style", None)
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise DocumentError([Problem(self._where(node), str(exc.problem))]) from None

    def _where(self, node: yaml.Node) -> str:
        return f"{self.source}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def as_items(doc: Document) -> list[tuple[Document, PathKey]]:
    """A document holding one object or a list of objects, as (document, path) pairs."""
    if isinstance(doc.value, list):
        return [(doc, (i,)) for i in range(len(doc.value))]
    return [(doc, ())]


def is_mapping(value: object) -> bool:
    return isinstance(value, Mapping)
