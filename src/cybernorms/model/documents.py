"""Reading YAML and JSON documents so that every error can name ``file:line:col``.

Why not ``yaml.safe_load`` and be done: a pydantic error says ``rules.3.violated_when``, but an
author needs "un-gge-2015.yaml:48:20". We read the YAML parser's event stream (safe: only plain
data, no tags that construct objects), build the plain value and, beside it, a map from every
path (tuple of keys and indexes) to the position where that node starts. JSON is a subset of
YAML 1.2 in practice, so JSON files go through the same path and get the same positions.

Why events and not ``yaml.compose``: a hostile author must not be able to make a small file
cost time, memory or the Python stack. Composing a node graph and walking it recurses once per
level (a document nested 100,000 deep is a ``RecursionError``) and expands every alias (nine
nested anchors of nine aliases each are 10^9 nodes from 1 KB). Here the nesting depth is
counted on an explicit stack as events arrive, and an alias is never copied: its value is
shared with its anchor, its size and height are known from the anchor, and the document's node
count and depth are checked *before* it is inserted. An anchor used inside itself
(``a: &a [*a]``) is refused, as are duplicate keys (YAML would keep the last silently — a silent
loss). Every limit is a field of ``cybernorms.limits.LIMITS`` and a hit is a
``DocumentLimitExceeded`` naming it.
"""

from __future__ import annotations

import difflib
import io
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, get_args

import yaml
from pydantic import BaseModel, ValidationError

from cybernorms.errors import CybernormsError, LimitExceeded
from cybernorms.limits import LIMITS, Limits

PathKey = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


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


class DocumentLimitExceeded(DocumentError, LimitExceeded):
    """A document hit a limit of ``cybernorms.limits``: a ``DocumentError`` (callers that report
    document problems report it, located) that is also a ``LimitExceeded`` naming the limit."""

    def __init__(self, limit: str, allowed: int, where: str, detail: str = "") -> None:
        LimitExceeded.__init__(self, limit, allowed, where, detail)
        more = f" ({detail})" if detail else ""
        self.problems = [Problem(where, f"limit {limit} = {allowed} exceeded{more}")]

    @property
    def refusal(self) -> str:
        return "LimitExceeded"


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
    # Where an alias was used -> the path of its anchor: an alias's value is shared with its
    # anchor, never copied, so the positions inside it are the anchor's.
    aliases: dict[PathKey, PathKey] = field(default_factory=dict)
    # The path of this document's value in the whole parsed file (``sub`` shares the maps).
    base: PathKey = ()

    def _resolve(self, path: Sequence[str | int]) -> PathKey:
        """The absolute path of the node at ``path``, through any alias, in the parsed file."""
        key = self.base + tuple(path)
        if not self.aliases:
            return key
        # Each step moves to an anchor defined earlier in the file, so this ends; the bound
        # is only a guard.
        for _ in range(len(self.aliases) + 1):
            for i in range(len(key), 0, -1):
                target = self.aliases.get(key[:i])
                if target is not None:
                    key = target + key[i:]
                    break
            else:
                return key
        return key

    def locate(self, path: Sequence[str | int], line: int, col: int) -> Position:
        """The file position of (``line``, 0-based ``col``) inside the scalar at ``path``."""
        start = self.position(path)
        style = self.styles.get(self._resolve(path), None)
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
        key = self._resolve(path)
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
        return Document(
            self.source,
            value,
            self.positions,
            self.styles,
            self.lines,
            self.aliases,
            self.base + prefix,
        )

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


def parse_text(text: str, source: str, limits: Limits = LIMITS) -> Document:
    """Parse YAML or JSON text; every refusal is a ``DocumentError`` with the position."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.document_bytes:
        raise DocumentLimitExceeded(
            "document_bytes", limits.document_bytes, source, f"the document has {size} bytes"
        )
    doc = Document(source, None, lines=text.splitlines())
    loader: _Loader | None = None
    try:
        loader = _Loader(io.StringIO(text), source, limits)  # a stream: checked as read
        doc.value = _Builder(loader, doc, limits).build()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise DocumentError([Problem(where, f"malformed YAML/JSON: {exc.problem}")]) from None
    except yaml.reader.ReaderError as exc:
        where = str(_position_of_offset(text, source, exc.position))
        character = chr(exc.character) if isinstance(exc.character, int) else exc.character
        reason = f"character {character!r} is not allowed in YAML/JSON text"
        raise DocumentError([Problem(where, reason)]) from None
    except yaml.YAMLError as exc:
        raise DocumentError([Problem(source, f"malformed YAML/JSON: {exc}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return doc


def _position_of_offset(text: str, source: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return Position(source, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def load_file(path: Path | str, limits: Limits = LIMITS) -> Document:
    """Read and parse one YAML or JSON file; unreadable files are a ``DocumentError``."""
    p = Path(path)
    data = read_input(p, limits.document_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        reason = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise DocumentError([Problem(f"{p}:{line}:{col}", reason)]) from None
    if p.suffix.lower() == ".json":
        _check_json(text, str(p), limits)
    return parse_text(text, str(p), limits)


def open_regular_file(path: Path | str) -> BinaryIO:
    """Open an input file for reading, refusing at once anything but a regular file.

    Why: a FIFO, a terminal or ``/dev/zero`` given as an input would block forever or never
    end. The file is opened without blocking (so opening a FIFO returns at once) and its type is
    checked on the open descriptor (so it cannot be swapped between the check and the read).
    """
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise DocumentError([Problem(str(p), f"cannot read: {exc.strerror or exc}")]) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _file_kind(mode)
            raise DocumentError(
                [Problem(str(p), f"not a regular file ({kind}): only files are read as input")]
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a file")


def read_input(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (``document_bytes``)."""
    p = Path(path)
    with open_regular_file(p) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise DocumentLimitExceeded(
                    "document_bytes", limit, str(p), f"the file has {size} bytes"
                )
            # In chunks: one read(limit) would allocate the whole limit up front. A file that
            # grows while it is read is still bounded.
            chunks: list[bytes] = []
            total = 0
            while chunk := handle.read(min(1 << 20, limit + 1 - total)):
                chunks.append(chunk)
                total += len(chunk)
        except OSError as exc:
            raise DocumentError([Problem(str(p), f"cannot read: {exc.strerror or exc}")]) from None
    data = b"".join(chunks)
    if len(data) > limit:
        raise DocumentLimitExceeded("document_bytes", limit, str(p), "the file grew while read")
    return data


def _check_json(text: str, source: str, limits: Limits) -> None:
    """A ``.json`` file must be JSON, not merely YAML (which accepts trailing commas etc.)."""
    import json

    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{source}:{exc.lineno}:{exc.colno}"
        raise DocumentError([Problem(where, f"malformed YAML/JSON: {exc.msg}")]) from None
    except RecursionError:
        # The C parser's own guard tripped (nesting beyond Python's recursion limit); the
        # event walk below refuses the same text by ``document_depth``, located.
        parse_text(text, source, limits)
        raise DocumentLimitExceeded(
            "document_depth", limits.document_depth, source, "nested too deeply for JSON"
        ) from None
    except ValueError as exc:  # e.g. an integer beyond Python's 4,300-digit conversion limit
        raise DocumentError([Problem(source, f"malformed JSON: {exc}")]) from None


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing flow nesting (``[[[``, ``{{{``) as the scanner meets it.

    Why here and not only in ``_Builder``: while ``[`` might still start a key, the scanner
    reads up to 1,024 characters ahead, checking every open bracket at each token; 100,000
    brackets cost it most of a second before the builder sees the 201st level. Flow depth is
    part of the nesting depth, so refusing it early is the same limit, met sooner.
    """

    def __init__(self, stream: io.StringIO, source: str, limits: Limits) -> None:
        super().__init__(stream)
        self.source = source
        self.limits = limits

    def fetch_flow_collection_start(self, TokenClass: type[yaml.Token]) -> None:
        if self.flow_level >= self.limits.document_depth:
            mark = self.get_mark()
            raise DocumentLimitExceeded(
                "document_depth",
                self.limits.document_depth,
                f"{self.source}:{mark.line + 1}:{mark.column + 1}",
                f"nesting deeper than {self.limits.document_depth} levels",
            )
        super().fetch_flow_collection_start(TokenClass)


# Short names of the YAML 1.1 scalar types, for "'2020-13-45' is not a valid date".
_SCALAR_KINDS = {
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:binary": "base64 text",
}
_COLLECTION_TAGS = {
    yaml.MappingStartEvent: "tag:yaml.org,2002:map",
    yaml.SequenceStartEvent: "tag:yaml.org,2002:seq",
}


@dataclass
class _Open:
    """A mapping or sequence whose end event has not arrived yet."""

    value: dict[str, Any] | list[Any]
    path: PathKey
    anchor: str | None
    nodes: int = 1  # this node and everything in it so far, aliases counted as expanded
    height: int = 0  # levels below this one so far
    key: str | None = None  # a mapping's key waiting for its value


@dataclass(frozen=True)
class _Anchored:
    """What an anchor stands for: shared, not copied, by each of its aliases."""

    path: PathKey
    value: Any
    nodes: int
    height: int  # 0 for a scalar
    scalar: bool


class _Builder:
    """Turns the YAML event stream into plain values, recording positions, within the limits.

    Nothing here recurses: open collections are on ``stack``; ``count`` is the document's node
    count with every alias counted as the size of its anchor, checked before an alias is used.
    """

    def __init__(self, loader: yaml.SafeLoader, doc: Document, limits: Limits) -> None:
        self.loader = loader
        self.doc = doc
        self.source = doc.source
        self.limits = limits
        self.stack: list[_Open] = []
        self.anchors: dict[str, _Anchored | None] = {}  # None: still open (being built)
        self.count = 0
        self.alias_uses = 0
        self.root: Any = None

    def build(self) -> Any:
        loader = self.loader
        documents = 0
        while not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise DocumentError(
                        [Problem(self._where(event), "expected one document, found another")]
                    )
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                self._leaf(event)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                self._open(event)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                self._close()
        return self.root

    # -- events --------------------------------------------------------------------------
    def _open(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        expected = _COLLECTION_TAGS[type(event)]
        if event.tag not in (None, "!", expected):
            raise DocumentError(
                [Problem(self._where(event), f"tag {event.tag!r} is not allowed here")]
            )
        if len(self.stack) >= self.limits.document_depth:
            raise DocumentLimitExceeded(
                "document_depth",
                self.limits.document_depth,
                self._where(event),
                f"nesting deeper than {self.limits.document_depth} levels",
            )
        path = self._child_path(event)
        self._count(1, event)
        self._anchor_start(event)
        value: dict[str, Any] | list[Any] = (
            {} if isinstance(event, yaml.MappingStartEvent) else []
        )
        self.doc.positions[path] = self._position(event)
        self.stack.append(_Open(value, path, event.anchor))

    def _close(self) -> None:
        done = self.stack.pop()
        if done.anchor is not None:
            self.anchors[done.anchor] = _Anchored(
                done.path, done.value, done.nodes, done.height + 1, scalar=False
            )
        self._attach(done.value, done.nodes, done.height + 1)

    def _leaf(self, event: yaml.ScalarEvent | yaml.AliasEvent) -> None:
        parent = self.stack[-1] if self.stack else None
        wants_key = parent is not None and isinstance(parent.value, dict) and parent.key is None
        if isinstance(event, yaml.AliasEvent):
            anchored = self._alias(event)
            if wants_key:
                self._key(anchored.value, event, scalar=anchored.scalar)
                return
            path = self._child_path(event)
            self.doc.aliases[path] = anchored.path
            self._attach(anchored.value, anchored.nodes, anchored.height)
            return
        value = self._scalar(event)
        if wants_key:
            assert parent is not None  # noqa: S101 - invariant that narrows a type, never input checking
            self._anchor_start(event)
            self._key(value, event, scalar=True)
            if event.anchor is not None:  # positions of its aliases: the mapping's
                self.anchors[event.anchor] = _Anchored(parent.path, value, 1, 0, scalar=True)
            return
        path = self._child_path(event)
        self._count(1, event)
        self._anchor_start(event)
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchored(path, value, 1, 0, scalar=True)
        self.doc.positions[path] = self._position(event)
        self.doc.styles[path] = event.style
        self._attach(value, 1, 0)

    # -- helpers -------------------------------------------------------------------------
    def _alias(self, event: yaml.AliasEvent) -> _Anchored:
        name = event.anchor
        if name not in self.anchors:
            raise DocumentError(
                [Problem(self._where(event), f"alias *{name} names no anchor defined before it")]
            )
        anchored = self.anchors[name]
        if anchored is None:
            raise DocumentError(
                [Problem(self._where(event), f"alias *{name} is used inside its own anchor")]
            )
        self.alias_uses += 1
        if self.alias_uses > self.limits.yaml_aliases:
            raise DocumentLimitExceeded(
                "yaml_aliases",
                self.limits.yaml_aliases,
                self._where(event),
                f"more than {self.limits.yaml_aliases} alias uses",
            )
        depth = len(self.stack) + anchored.height
        if depth > self.limits.document_depth:
            raise DocumentLimitExceeded(
                "document_depth",
                self.limits.document_depth,
                self._where(event),
                f"alias *{name} nests {depth} levels deep",
            )
        self._count(anchored.nodes, event, alias=name)
        return anchored

    def _count(self, nodes: int, event: yaml.Event, alias: str | None = None) -> None:
        self.count += nodes
        if self.count > self.limits.document_nodes:
            what = f"alias *{alias} stands for {nodes} nodes; " if alias else ""
            raise DocumentLimitExceeded(
                "document_nodes",
                self.limits.document_nodes,
                self._where(event),
                f"{what}the document would have more than {self.limits.document_nodes} nodes",
            )

    def _anchor_start(self, event: yaml.NodeEvent) -> None:
        name = event.anchor
        if name is None:
            return
        if name in self.anchors:
            raise DocumentError(
                [Problem(self._where(event), f"anchor &{name} is defined twice")]
            )
        self.anchors[name] = None

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, event.value, event.implicit
            )
        node = yaml.ScalarNode(tag, event.value, style=event.style)
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise DocumentError([Problem(self._where(event), str(exc.problem))]) from None
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as exc:
            # PyYAML builds dates and numbers with the standard library, whose errors are
            # not YAML errors: "2020-13-45" matches the date pattern but is no date.
            kind = _SCALAR_KINDS.get(tag, tag)
            detail = str(exc) if isinstance(exc, ValueError) else type(exc).__name__
            raise DocumentError(
                [Problem(self._where(event), f"{event.value!r} is not a valid {kind}: {detail}")]
            ) from None
        finally:
            self.loader.constructed_objects.clear()

    def _key(self, key: Any, event: yaml.Event, *, scalar: bool) -> None:
        parent = self.stack[-1]
        assert isinstance(parent.value, dict)  # noqa: S101 - invariant that narrows a type, never input checking
        if not scalar:
            raise DocumentError(
                [Problem(self._where(event), "a key must be a string, not a mapping or list")]
            )
        if not isinstance(key, str | int) or isinstance(key, bool):
            problem = Problem(self._where(event), f"a key must be a string, not {key!r}")
            raise DocumentError([problem])
        key = str(key)
        if key in parent.value:
            raise DocumentError([Problem(self._where(event), f"duplicate key {key!r}")])
        parent.key = key

    def _child_path(self, event: yaml.Event) -> PathKey:
        if not self.stack:
            return ()
        parent = self.stack[-1]
        if isinstance(parent.value, list):
            return (*parent.path, len(parent.value))
        if parent.key is None:  # a mapping or list where a key belongs
            raise DocumentError(
                [Problem(self._where(event), "a key must be a string, not a mapping or list")]
            )
        return (*parent.path, parent.key)

    def _attach(self, value: Any, nodes: int, height: int) -> None:
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        parent.nodes += nodes
        parent.height = max(parent.height, height)
        if isinstance(parent.value, list):
            parent.value.append(value)
        else:
            assert parent.key is not None  # noqa: S101 - invariant that narrows a type, never input checking
            parent.value[parent.key] = value
            parent.key = None

    def _position(self, event: yaml.Event) -> Position:
        mark = event.start_mark
        if mark is None:  # PyYAML's parser always sets it; the stubs allow None
            return Position(self.source, 1, 1)
        return Position(self.source, mark.line + 1, mark.column + 1)

    def _where(self, event: yaml.Event) -> str:
        return str(self._position(event))


def as_items(doc: Document) -> list[tuple[Document, PathKey]]:
    """A document holding one object or a list of objects, as (document, path) pairs."""
    if isinstance(doc.value, list):
        return [(doc, (i,)) for i in range(len(doc.value))]
    return [(doc, ())]


def is_mapping(value: object) -> bool:
    return isinstance(value, Mapping)
