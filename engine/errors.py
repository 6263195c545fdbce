"""Errors: the one way bad input is reported (step 0 of the data flow).

An InputError names the file, line and column and says what is wrong in plain words; the CLI
prints it as `path:line:col: message` and exits 2. Anything else that escapes is a bug.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: str
    line: int | None
    col: int | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.col or 1}"
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


@dataclass
class InputError(Exception):
    """Bad input: one or more problems, each pointing at a place in a file."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    @classmethod
    def at(cls, path: str | Path, message: str, line: int | None = None,
           col: int | None = None, hint: str | None = None) -> InputError:
        return cls([Problem(str(path), line, col, message, hint)])

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def shown(value: Any) -> str:
    """A value as a message shows it: a container by its kind and size (a whole profile
    section dumped as a Python dict helps no one), text quoted and cut short, a date as
    written in YAML, null and booleans as YAML spells them."""
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}" if value \
            else "an empty list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        text = value if len(value) <= _SHOWN_TEXT else value[:_SHOWN_TEXT - 3] + "..."
        return repr(text)
    return repr(value)


_SHOWN_TEXT = 60


class EngineError(RuntimeError):
    """A bug in tradepolicy itself (for example an engine code that the compiler should have
    made impossible). Never shown as the user's fault."""


SHOWN_PER_FILE = 50     # a file with more problems is likely not the kind it was taken for


def render_problems(problems: list[Problem], *, context: bool = True) -> str:
    """Problems for a terminal: `path:line:col: message`, then the line and a caret under the
    column (as compilers do), so a drafter sees the spot without opening the file. The first
    SHOWN_PER_FILE of each file are shown, then how many more there are: 90,000 unknown names
    (a data file passed as a profile) would otherwise scroll past as 270,000 lines."""
    lines: list[str] = []
    cache: dict[str, list[str] | None] = {}
    per_file: dict[str, int] = {}
    for problem in in_reading_order(problems):
        per_file[problem.path] = seen = per_file.get(problem.path, 0) + 1
        if seen > SHOWN_PER_FILE:
            continue
        lines.append(str(problem))
        source = _source_line(problem, cache) if context else None
        if source is not None:
            number = f"{problem.line:>4} | "
            lines.append(f"{number}{source}")
            lines.append(" " * (len(number) - 2) + "| " + " " * max((problem.col or 1) - 1, 0)
                         + "^")
    lines += [f"{path}: {count - SHOWN_PER_FILE:,} more problems not shown (the first "
              f"{SHOWN_PER_FILE} are above)" for path, count in per_file.items()
              if count > SHOWN_PER_FILE]
    return "\n".join(lines)


def in_reading_order(problems: list[Problem]) -> list[Problem]:
    """Each file's problems from its top down, files in the order they were first named. The
    checks run in passes (the model's, then the conditions'), and a drafter mending a file
    reads it top down: a problem at line 362 listed before one at line 295 sends them back."""
    first_named = {path: i for i, path in enumerate(dict.fromkeys(p.path for p in problems))}
    return sorted(problems, key=lambda p: (first_named[p.path], p.line or 0, p.col or 0))


def _source_line(problem: Problem, cache: dict[str, list[str] | None]) -> str | None:
    if problem.line is None:
        return None
    if problem.path not in cache:
        cache[problem.path] = _read_lines(Path(problem.path))
    text = cache[problem.path]
    if not text or problem.line > len(text):
        return None
    # a tab is drawn as one arrow, so the caret keeps its column (a tab error's own line)
    line = text[problem.line - 1].rstrip("\n").replace("\t", "→")
    return line if len(line) <= 200 and line.isprintable() else None


def _read_lines(path: Path) -> list[str] | None:
    try:
        if not path.is_file() or path.stat().st_size > 2 * 1024 * 1024:
            return None
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None


# --- pydantic's errors in plain words ----------------------------------------------------------
# Translated by the error's `type` and `ctx`, never by its English text: pydantic's wording
# ("Input should be ...") and regexes mean nothing to a policy drafter.

# what a value of each shape is, for "expected X, got Y" (a union lists each branch's shape)
SHAPES = {"bool_type": "true or false", "bool_parsing": "true or false",
          "int_type": "a whole number", "int_parsing": "a whole number",
          "int_from_float": "a whole number", "float_type": "a number",
          "float_parsing": "a number", "string_type": "text", "list_type": "a list",
          "dict_type": "a mapping", "model_type": "a mapping",
          "model_attributes_type": "a mapping", "date_type": "a date written YYYY-MM-DD",
          "date_parsing": "a date written YYYY-MM-DD",
          "date_from_datetime_parsing": "a date written YYYY-MM-DD",
          "date_from_datetime_inexact": "a date written YYYY-MM-DD",
          "datetime_parsing": "a date written YYYY-MM-DD"}

# the id, name and code patterns of engine.models, said in words
PATTERNS = {
    r"^[a-z][a-z0-9_.-]*$": "an id: lowercase letters, digits, '_', '.' or '-', starting "
                            "with a letter",
    r"^[a-z][a-z0-9_]*$": "a name: lowercase letters, digits or '_', starting with a letter",
    r"^[A-Z]{3}$": "a three-letter country code in capitals, such as 'CHN'",
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$": "an indicator name such as "
                                              "'china_import_share' or 'by_group.steel'",
    r"^https?://\S+$": "a web address starting with http:// or https://",
}


def expected_one_of(shapes: list[str], value: Any) -> str:
    """'expected a mapping or a list, got 5' for the shapes a union would have taken."""
    unique = list(dict.fromkeys(shapes))
    if "a number" in unique and "a whole number" in unique:
        unique.remove("a whole number")
    what = unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " or " + unique[-1]
    return f"expected {what}, got {shown(value)}"


def plain_message(kind: str, ctx: dict[str, Any], value: Any, msg: str) -> str:
    """One pydantic error (its type, ctx, input and message) in plain words."""
    if kind in SHAPES:
        return expected_one_of([SHAPES[kind]], value)
    bound = _BOUNDS.get(kind)
    if bound:
        word, key = bound
        return f"must be {word} {ctx.get(key)}, got {shown(value)}"
    if kind in ("literal_error", "enum"):
        return f"expected {ctx.get('expected')}, got {shown(value)}"
    if kind == "string_pattern_mismatch":
        return f"expected {PATTERNS.get(ctx.get('pattern', ''), 'a different form')}, " \
               f"got {shown(value)}"
    if kind in ("too_short", "string_too_short"):
        least = ctx.get("min_length")
        return "must not be empty" if least == 1 else f"needs at least {least} items"
    if kind == "too_long":
        return f"takes at most {ctx.get('max_length')} item(s), got {ctx.get('actual_length')}"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters"
    if kind in ("value_error", "assertion_error", "country_code"):   # our validators' words
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"is not a valid value here, got {shown(value)}"


_BOUNDS = {"greater_than": ("more than", "gt"), "greater_than_equal": ("at least", "ge"),
           "less_than": ("less than", "lt"), "less_than_equal": ("at most", "le")}
