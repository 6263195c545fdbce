"""Output: rendered text -> the file named by --output, whole or not at all.

A regular file (new, or existing, or reached through a symlink) is replaced atomically: the text
goes to a temporary file beside it, which is then renamed over it, so a failed run leaves the old
file or none, never part of one. An existing file keeps its permission bits, and a symlink stays
a symlink (the file it points at is replaced). Anything else that exists, such as a character
device (/dev/null), a FIFO or /dev/stdout on a pipe, would be destroyed by a rename, so it is
opened and written directly, as a shell's `>` would.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from engine.errors import InputError


def write_output(text: str, path: Path) -> None:
    """Write `text` (UTF-8) to `path`."""
    existing = _stat(path)
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise InputError.at(path, "is a directory; --output needs a file path")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        _write_directly(text, path)
        return
    # through a symlink the file it points at is replaced, so the link stays a link
    target = Path(os.path.realpath(path))
    if not target.parent.is_dir():
        raise InputError.at(path, f"folder {target.parent} does not exist")
    mode = stat.S_IMODE(existing.st_mode) if existing else 0o666 & ~_umask()
    _replace_atomically(text, target, mode)


def _stat(path: Path) -> os.stat_result | None:
    """What `path` is now (following symlinks), or None when nothing is there yet."""
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _write_directly(text: str, path: Path) -> None:
    fd = os.open(path, os.O_WRONLY)     # no O_CREAT: never make a file where a node was
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _replace_atomically(text: str, target: Path, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)         # mkstemp makes it 0600; keep the old file's mode
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
