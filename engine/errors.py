"""Errors: the one way bad input is reported (step 0 of the data flow).

An InputError names the file, line and column and says what is wrong in plain words; the CLI
prints it as `path:line:col: message` and exits 2. Anything else that escapes is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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


class EngineError(RuntimeError):
    """A bug in tradepolicy itself (for example an engine code that the compiler should have
    made impossible). Never shown as the user's fault."""
