"""Load: a YAML file -> plain data, plus the file:line:col of every node.

Strict on purpose: one document, no aliases or anchors (alias bombs), no tags beyond the plain
YAML types (no object construction), no duplicate keys, text keys only, bounded size and depth.
Only true/false are booleans, so the Norway code `NO` stays text. Every problem is an InputError
naming the file, line and column.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.errors import InputError, Problem

# A policy or profile is a few KiB and real nesting (conditions) is under 10 levels deep; these
# bounds are far beyond any real file and keep a hostile one from costing memory or time.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 200_000

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
}
_BOOL = "tag:yaml.org,2002:bool"

Path_ = tuple[str | int, ...]


class _StrictResolver(yaml.resolver.Resolver):
    """YAML 1.1 resolution without yes/no/on/off booleans (the Norway trap)."""


_StrictResolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_StrictResolver.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class _PyLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                yaml.composer.Composer, yaml.constructor.SafeConstructor, _StrictResolver):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _StrictResolver.__init__(self)


if yaml.__with_libyaml__:
    # libyaml parses about 17x faster than pure Python (most of a cold `evaluate`); the
    # resolver and constructor are the same strict ones either way.
    class _CLoader(yaml._yaml.CParser, yaml.constructor.SafeConstructor, _StrictResolver):
        def __init__(self, stream: str) -> None:
            yaml._yaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            _StrictResolver.__init__(self)

    _Loader: type = _CLoader
else:                                   # pragma: no cover - PyYAML built without libyaml
    _Loader = _PyLoader


@dataclass(frozen=True)
class Document:
    """Plain data from one file, with where each value and each key sits in it."""

    path: str
    data: Any
    value_marks: dict[Path_, tuple[int, int]]
    key_marks: dict[Path_, tuple[int, int]]
    problems: tuple[Problem, ...] = ()   # found while loading but not fatal (duplicate keys)
    quoted: frozenset[Path_] = frozenset()   # scalars written in quotes: text starts a column later

    def mark(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `loc`, or of its nearest ancestor that exists in the file."""
        loc = tuple(loc)
        while True:
            if key and loc in self.key_marks:
                return self.key_marks[loc]
            if loc in self.value_marks:
                return self.value_marks[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]
            key = False

    def where(self, loc: Path_, *, key: bool = False) -> tuple[str, int, int]:
        """The file, line and column of `loc` (an assembled overlay answers from several files)."""
        return (self.path, *self.mark(loc, key=key))

    def is_quoted(self, loc: Path_) -> bool:
        return tuple(loc) in self.quoted

    def error(self, loc: Path_, message: str, *, key: bool = False,
              hint: str | None = None, col_offset: int = 0) -> InputError:
        path, line, col = self.where(loc, key=key)
        return InputError.at(path, message, line, col + col_offset, hint)


def read_text(path: Path) -> str:
    """The file's text, or an InputError saying why it cannot be read as a policy or profile."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError.at(path, "no such file") from None
    except OSError as exc:  # symlink loops, permission on a parent directory
        raise InputError.at(path, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError.at(path, "is a directory, not a YAML file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError.at(path, "is not a regular file (a FIFO, socket or device?)")
    if info.st_size > MAX_FILE_BYTES:
        raise InputError.at(path, f"file is too large ({info.st_size:,} bytes > "
                                  f"{MAX_FILE_BYTES:,} allowed)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError.at(path, f"cannot read: {exc.strerror or exc}") from None
    return _decode(path, raw)


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError.at(path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                            line, col) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise InputError.at(path, "contains a NUL byte: a binary file, not YAML", line,
                            offset - text.rfind("\n", 0, offset))
    return text.removeprefix("\ufeff")


def load_yaml(path: str | Path) -> Document:
    """Parse one strict YAML file into a Document."""
    path = Path(path)
    return load_text(read_text(path), path)


def load_text(text: str, path: str | Path) -> Document:
    """Parse strict YAML text; `path` names where it came from (a file or an argument)."""
    path = Path(path) if not isinstance(path, Path) else path
    if not text.strip():
        raise InputError.at(path, "file is empty", 1, 1)
    try:
        _check_events(path, text)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(path, exc, text) from None
    except yaml.YAMLError as exc:
        raise InputError.at(path, f"not valid YAML: {exc}") from None
    if root is None:
        raise InputError.at(path, "file holds no YAML document", 1, 1)
    builder = _Builder(str(path), loader)
    data = builder.build(root, ())
    return Document(str(path), data, builder.value_marks, builder.key_marks,
                    tuple(builder.problems), frozenset(builder.quoted))


def _yaml_problem(path: Path, exc: yaml.MarkedYAMLError, text: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:          # "while scanning a quoted scalar: found end of stream"
        what = f"{exc.context}: {exc.problem}"
    if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        what = "tab character: YAML indents with spaces only"
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    return InputError.at(path, what, line, col)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column:column + 1] if line < len(lines) else ""


def _check_events(path: Path, text: str) -> None:
    """Refuse aliases, anchors, tags, extra documents and deep nesting before composing, so no
    hostile structure is ever built (the composer recurses; the event parser does not)."""
    depth = documents = nodes = 0
    for event in yaml.parse(text, Loader=_Loader):
        line, col = event.start_mark.line + 1, event.start_mark.column + 1
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise InputError.at(path, "more than one YAML document; one file holds one",
                                    line, col)
        elif isinstance(event, yaml.AliasEvent):
            raise InputError.at(path, "YAML aliases (*name) are not allowed", line, col)
        elif isinstance(event, yaml.NodeEvent):
            nodes += 1
            _check_node_event(path, event, line, col)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError.at(path, f"nested deeper than {MAX_DEPTH} levels", line, col)
            if nodes > MAX_NODES:
                raise InputError.at(path, f"more than {MAX_NODES:,} YAML nodes", line, col)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_node_event(path: Path, event: yaml.NodeEvent, line: int, col: int) -> None:
    if event.anchor is not None:
        raise InputError.at(path, f"YAML anchors (&{event.anchor}) are not allowed", line, col)
    tag = getattr(event, "tag", None)
    if tag not in (None, "!") and tag != yaml.resolver.Resolver.DEFAULT_SCALAR_TAG \
            and tag not in _PLAIN_TAGS:
        raise InputError.at(path, f"YAML tag {tag!r} is not allowed: plain values only",
                            line, col)


class _Builder:
    """Composed nodes -> plain data, recording the position of every value and key."""

    def __init__(self, path: str, loader: _Loader) -> None:
        self.path = path
        self.loader = loader
        self.value_marks: dict[Path_, tuple[int, int]] = {}
        self.key_marks: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.quoted: set[Path_] = set()

    def build(self, node: yaml.Node, loc: Path_) -> Any:
        self.value_marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        if node.style in ("'", '"'):
            self.quoted.add(loc)
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, loc: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError.at(self.path, "YAML merge keys (<<) are not allowed", line, col)
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                raise InputError.at(self.path, "keys must be text (quote numbers, dates and "
                                    "true/false used as keys)", line, col)
            if key in result:       # reported, not fatal, so validate can list every problem
                first = self.key_marks[(*loc, key)][0]
                self.problems.append(Problem(self.path, line, col,
                                             f"duplicate key '{key}' (first on line {first})"))
                continue
            self.key_marks[(*loc, key)] = (line, col)
            result[key] = self.build(value_node, (*loc, key))
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError) as exc:
            mark = node.start_mark
            raise InputError.at(self.path, f"cannot read this value: {exc}", mark.line + 1,
                                mark.column + 1) from None
