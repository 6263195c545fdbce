"""YAML parsing for engine.load: strict YAML text -> plain data, plus the line and column of
every value and key.

Strict on purpose: one document, no aliases or anchors (alias bombs), no tags beyond the plain
YAML types (no object construction), no duplicate keys, text keys only, bounded depth and node
count. Only true/false are booleans, so the Norway code `NO` stays text.

Its own module so that PyYAML (about 15 ms to import) is imported only when a file is parsed:
a run whose policy and profiles come from the disk cache (engine.cache) never imports it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from engine.errors import InputError, Problem

# A policy or profile is a few KiB and real nesting (conditions) is under 10 levels deep; these
# bounds are far beyond any real file and keep a hostile one from costing memory or time.
MAX_DEPTH = 32
MAX_NODES = 200_000

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
}
_BOOL = "tag:yaml.org,2002:bool"

Path_ = tuple[str | int, ...]     # keys and list indexes from the root (as engine.load)


_FLOAT = "tag:yaml.org,2002:float"
_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _StrictResolver(yaml.resolver.Resolver):
    """YAML 1.1 resolution without yes/no/on/off booleans (the Norway trap), without octal
    and base-60 numbers, and with the YAML 1.2 / JSON exponent forms as numbers."""


_StrictResolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _FLOAT, _INT)]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_StrictResolver.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
# YAML 1.1 reads a leading zero as octal and colons as base 60: a count written 047 was judged
# as 39, and a note `10:30` refused as 'got 630'. As in YAML 1.2 those stay text (judged or
# refused as written); decimal, 0x, 0b and 1_000 are numbers as before.
_StrictResolver.add_implicit_resolver(_INT, re.compile(r"""^(?:
     [-+]?0b[0-1_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+)$""", re.X), list("-+0123456789"))
# YAML 1.1 needs a dot and a signed exponent (1.0e-5, 1.0e+308), so 1e-5, 2e-1 or 1.0e308
# stayed text and a figure written as JSON or Python writes it was refused. The YAML 1.1 forms
# but base 60, plus YAML 1.2's: the dot optional before an exponent, the exponent's sign optional.
_StrictResolver.add_implicit_resolver(_FLOAT, re.compile(r"""^(?:
     [-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+
    |[-+]?[0-9][0-9_]*\.[0-9_]*
    |[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X), list("-+0123456789."))


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


def parse(text: str, path: Path) -> Parsed:
    """Strict YAML text -> plain data and the position of every value and key; an InputError
    naming the file, line and column for anything refused."""
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
    return Parsed(data, builder.value_marks, builder.key_marks, tuple(builder.problems),
                  frozenset(builder.quoted))


class Parsed(NamedTuple):
    data: Any
    value_marks: dict[Path_, tuple[int, int]]
    key_marks: dict[Path_, tuple[int, int]]
    problems: tuple[Problem, ...]
    quoted: frozenset[Path_]


def _yaml_problem(path: Path, exc: yaml.MarkedYAMLError, text: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:          # "while scanning a quoted scalar: found end of stream"
        what = f"{exc.context}: {exc.problem}"
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None \
            and "end of stream" in (exc.problem or ""):
        # the text ran on to the end of the file: the opening quote is where to look
        mark = exc.context_mark
        quote = _char_at(text, mark.line, mark.column)
        what = f"this quoted text is never closed (a closing {quote} is missing; the file " \
               "ended inside it)"
    if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        what = "tab character: YAML indents with spaces only"
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    return InputError.at(path, what, line, col, hint=_SLIPS.get(exc.problem or ""))


# PyYAML's words for the two commonest indentation slips say nothing of indentation
_SLIPS = {
    "did not find expected key": "is this line indented like the keys above it? keys of one "
                                 "mapping start in one column",
    "mapping values are not allowed in this context": "a second ': ' on one line: put the inner "
                                                      "key on a line of its own, or quote the "
                                                      "text",
    "mapping values are not allowed here": "a second ': ' on one line: put the inner key on a "
                                           "line of its own, or quote the text",
}


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
        mark = node.start_mark
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError) as exc:
            # a whole number over Python's 4,300-digit limit: its message suggests a Python
            # call, so it is said as a too large float is
            digits = sum(c.isdigit() for c in node.value)
            what = f"a number of {digits:,} digits is too large (over 1e300)" \
                if node.tag == _INT and digits > 300 else f"cannot read this value: {exc}"
            if node.tag == _TIMESTAMP:          # 2026-13-01 has the form of a date, not a day
                what = f"{node.value} is not a date that exists ({exc}); dates are written " \
                       "YYYY-MM-DD"
            raise InputError.at(self.path, what, mark.line + 1, mark.column + 1) from None
        if node.tag == _FLOAT and math.isinf(value) and "inf" not in node.value.lower():
            # 1e999 is written as a number but no float holds it: not the infinity of `.inf`
            raise InputError.at(self.path, f"the number {node.value} is too large (over 1e300)",
                                mark.line + 1, mark.column + 1)
        return value
