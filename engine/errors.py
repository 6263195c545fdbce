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


def render_problems(problems: list[Problem], *, context: bool = True) -> str:
    """Problems for a terminal: `path:line:col: message`, then the line and a caret under the
    column (as compilers do), so a drafter sees the spot without opening the file."""
    lines: list[str] = []
    cache: dict[str, list[str] | None] = {}
    for problem in problems:
        lines.append(str(problem))
        source = _source_line(problem, cache) if context else None
        if source is not None:
            number = f"{problem.line:>4} | "
            lines.append(f"{number}{source}")
            lines.append(" " * (len(number) - 2) + "| " + " " * max((problem.col or 1) - 1, 0)
                         + "^")
    return "\n".join(lines)


def _source_line(problem: Problem, cache: dict[str, list[str] | None]) -> str | None:
    if problem.line is None:
        return None
    if problem.path not in cache:
        cache[problem.path] = _read_lines(Path(problem.path))
    text = cache[problem.path]
    if not text or problem.line > len(text):
        return None
    line = text[problem.line - 1].rstrip("\n")
    return line if len(line) <= 200 and line.isprintable() else None


def _read_lines(path: Path) -> list[str] | None:
    try:
        if not path.is_file() or path.stat().st_size > 2 * 1024 * 1024:
            return None
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
