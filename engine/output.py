"""Output: rendered text -> the file named by --output, whole or not at all.

A regular file (new, or existing, or reached through a symlink) is replaced atomically: the text
goes to a temporary file beside it, which is then renamed over it, so a failed run leaves the old
file or none, never part of one. An existing file keeps its permission bits, and a symlink stays
a symlink (the file it points at is replaced). Anything else that exists, such as a character
device (/dev/null), a FIFO or /dev/stdout on a pipe, would be destroyed by a rename, so it is
opened and written directly, as a shell's `>` would. Every OS failure is bad input (exit 2) that
names the path and the reason.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from engine.errors import InputError


def printable(text: str) -> str:
    """`text` as UTF-8 can hold it. A file name that is not UTF-8 reaches a report (the overlay
    chain, the docs footer) with each undecodable byte as a lone surrogate (Python's
    surrogateescape), which UTF-8 cannot encode: it is written as stderr shows it
    (`overlay-\\udcff.yaml`), so the report stays UTF-8 text in every locale."""
    return text if text.isascii() else text.encode("utf-8", "backslashreplace").decode("utf-8")


def write_output(text: str, path: Path) -> None:
    """Write `text` (UTF-8) to `path`; raises InputError naming `path` when it cannot."""
    text = printable(text)
    existing = _stat(path)
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise InputError.at(path, "is a directory; --output needs a file path")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        _write_directly(text, path)
        return
    # through a symlink the file it points at is replaced, so the link stays a link
    try:
        target = Path(os.path.realpath(path))
    except OSError as exc:          # a relative path, and the working folder was deleted
        raise _cannot(path, "reach it", exc) from None
    if not target.parent.is_dir():
        raise InputError.at(path, f"folder {target.parent} does not exist")
    mode = stat.S_IMODE(existing.st_mode) if existing else 0o666 & ~_umask()
    _replace_atomically(text, path, target, mode)


def _stat(path: Path) -> os.stat_result | None:
    """What `path` is now (following symlinks), or None when nothing is there yet."""
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:          # e.g. a path through a file, or a folder we may not read
        raise _cannot(path, "reach it", exc) from None


def _write_directly(text: str, path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY)     # no O_CREAT: never make a file where a node was
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except BrokenPipeError:         # the reader stopped early (`-o /dev/stdout | head`): its call
        pass
    except OSError as exc:
        raise _cannot(path, "write it", exc) from None


def _replace_atomically(text: str, path: Path, target: Path, mode: int) -> None:
    try:                            # a name too long for a temporary beside it is cut short
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:200]}.",
                                   suffix=".tmp")
    except OSError as exc:
        raise _cannot(path, f"create a temporary file in {target.parent} to replace it",
                      exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)         # mkstemp makes it 0600; keep the old file's mode
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot(path, "write it", exc) from None
        raise


def _cannot(path: Path, doing: str, exc: OSError) -> InputError:
    return InputError.at(path, f"cannot {doing} ({exc.strerror or exc})")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
