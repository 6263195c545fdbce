"""Load: a YAML file -> plain data (a Document), plus the file:line:col of every node.

Reading is checked here (a regular file, bounded size, UTF-8 without NUL bytes); parsing is
strict (engine.yamlparse: one document, no aliases, anchors or tags, no duplicate keys, text
keys only, only true/false as booleans). Every problem is an InputError naming the file, line
and column.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import InputError, Problem

# A policy or profile is a few KiB; this bound is far beyond any real file and keeps a hostile
# one from costing memory or time (engine.yamlparse bounds depth and node count).
MAX_FILE_BYTES = 2 * 1024 * 1024

Path_ = tuple[str | int, ...]


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
        with open(path, "rb") as handle:
            # read up to the bound whatever the size said: a file in /proc or /sys says 0,
            # and a file that grows after the stat would otherwise be read whole
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError.at(path, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError.at(path, f"file is too large (more than {MAX_FILE_BYTES:,} bytes "
                                  "allowed)")
    return _decode(path, raw)


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))     # a Windows "Unicode" file
        raise InputError.at(path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", line, col,
                            hint="this is UTF-16: save the file as UTF-8" if utf16
                            else "save the file as UTF-8") from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise InputError.at(path, "contains a NUL byte: a binary file, not YAML", line,
                            offset - text.rfind("\n", 0, offset))
    return text.removeprefix("\ufeff")


def check_file_name(named: str, doc: Document, loc: Path_) -> None:
    """A file name written in a file (`extends:`, `indicators:`) may hold a NUL byte (YAML's
    "\\0"), which no file name has: the OS refuses it with ValueError, not 'no such file'."""
    if "\0" in named:
        raise doc.error(loc, "a file name cannot hold a NUL byte (written \\0)")


def file_in_folder(folder: Path, named: str, doc: Document, loc: Path_, outside: str,
                   what: str) -> Path:
    """The file a document names at `loc` (`extends:`, `indicators:`) by a path relative to
    `folder`, whose tree it may not leave: a policy never reads a file outside what the user
    pointed at. Returned as written, not where it leads now, so that the chain and the disk
    cache record the name (the cache checks where each path leads). `outside` says how to
    mend a name that leaves the folder; `what` the file is, for 'not found'."""
    if not (folder / named).resolve().is_relative_to(folder):
        raise doc.error(loc, outside)
    # as it is read (sub/.. needs sub); os.path answers False where Path raises for a name
    # longer than a file's
    if not os.path.isfile(folder / named):
        raise doc.error(loc, f"{what} not found: {folder / named}")
    return folder / named


def load_yaml(path: str | Path) -> Document:
    """Parse one strict YAML file into a Document."""
    path = Path(path)
    return load_text(read_text(path), path)


def load_text(text: str, path: str | Path) -> Document:
    """Parse strict YAML text; `path` names where it came from (a file or an argument)."""
    from engine import yamlparse  # PyYAML is imported only when something is parsed

    path = Path(path) if not isinstance(path, Path) else path
    if not text.strip():
        raise InputError.at(path, "file is empty", 1, 1)
    parsed = yamlparse.parse(text, path)
    return Document(str(path), parsed.data, parsed.value_marks, parsed.key_marks,
                    parsed.problems, parsed.quoted)
