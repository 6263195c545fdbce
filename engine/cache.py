"""Cache: what a file loads to, kept on disk between runs, so that a run on unchanged files
skips reading YAML, validating and compiling (tens of milliseconds of a cold CLI run).

An entry is a pickle of (format, files, value) in `tradepolicy-<hash>.pickle`, the hash of what
was loaded, the file's absolute path and the engine's own code (its files' sizes and
modification times) with the Python and pydantic versions. `files` lists every file the value
was built from with where its path led (links followed) and a SHA-256 of its bytes; a hit
checks both again (a few KiB each), so an edited policy, base policy, catalog or profile, or a
link moved to another release of them, is noticed whatever the timestamps say. (Timestamps
matter only one way: an entry is not written when one of its files was modified within seconds
of the build, since its digest might then be of content the build never read.)

The cache can make a run faster, never different and never failing: an entry that cannot be
read, is corrupt, holds the wrong kind of value, comes from other code or is stale, and a
folder that cannot be written, all mean building as if there were no cache. Errors are never
cached (build raises first).

TRADEPOLICY_CACHE names the folder (default: $XDG_CACHE_HOME/tradepolicy, else
~/.cache/tradepolicy, and none when there is no home folder); TRADEPOLICY_CACHE=off turns the
cache off. Entries are pickles, which run code when read: the folder is created readable and
writable by its owner only, and one that others can write (or another user owns) is not used.
Only files named as entries are ever removed: the folder may be one the user also keeps other
files in.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

FORMAT = 2             # bump when an entry's layout changes
MAX_ENTRIES = 64       # oldest entries beyond this are removed when one is written
PREFIX = "tradepolicy-"     # entries and their temporary files; nothing else is ever removed
_ENTRY_NAME = re.compile(rf"{PREFIX}[0-9a-f]{{32}}\.pickle")
_ENGINE = Path(__file__).parent


def cached(what: str, path: Path, build: Callable[[], T],
           files: Callable[[T], Iterable[str | Path]], kind: type[T]) -> T:
    """The value `build()` gives for the file at `path`, from the cache when none of the
    `files(value)` it was built from has changed since; built (and kept) otherwise. An entry
    holding anything but a `kind` is a miss (a pickle put there by hand, say)."""
    folder = cache_folder()
    if folder is None or not _private(folder):
        return build()
    try:
        entry = folder / f"{PREFIX}{_key(what, path)}.pickle"
    except OSError:         # a relative path, and the working folder was deleted under us
        return build()
    found = _read(entry)
    if isinstance(found, kind):
        return found
    started = time.time()
    value = build()
    _write(folder, entry, value, files(value), started)
    return value


def cache_folder() -> Path | None:
    setting = os.environ.get("TRADEPOLICY_CACHE", "")
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or _home_cache()
    return Path(base) / "tradepolicy" if base else None


def _home_cache() -> Path | None:
    try:
        return Path.home() / ".cache"
    except RuntimeError:    # no HOME and no passwd entry (a container's arbitrary uid): no cache
        return None


def _private(folder: Path) -> bool:
    """Whether only this user can put entries in `folder` (it is owned by them and no one else
    may write it): entries are pickles, which run code when read, so one planted by another
    user (TRADEPOLICY_CACHE=/tmp, a shared team folder) would run as whoever reads it next. A
    folder that does not exist yet is created private."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _key(what: str, path: Path) -> str:
    where = os.path.abspath(path)      # no filesystem access: a broken path fails in build()
    text = "\0".join((what, where, str(FORMAT), _code_stamp(), sys.version, _pydantic_version()))
    # a name's bytes that are not UTF-8 are lone surrogates here (surrogateescape), which
    # strict UTF-8 cannot encode: they are hashed as the bytes they were
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


_CODE_STAMP: list[str] = []


def _code_stamp() -> str:
    """The engine's code as it is now (every module's size and modification time): entries
    written by other code, e.g. before an upgrade or an edit of an editable install, miss."""
    if not _CODE_STAMP:
        stamps = sorted(f"{p.relative_to(_ENGINE)}:{info.st_size}:{info.st_mtime_ns}"
                        for p in _ENGINE.rglob("*.py") for info in (p.stat(),))
        _CODE_STAMP.append(hashlib.sha256("\n".join(stamps).encode()).hexdigest())
    return _CODE_STAMP[0]


def _pydantic_version() -> str:
    # pickled models are read back by the pydantic that wrote them
    from pydantic.version import VERSION
    return VERSION


def _digest(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _read(entry: Path) -> object | None:
    try:
        with open(entry, "rb") as handle:
            layout, files, value = pickle.load(handle)
        fresh = layout == FORMAT and all(_unchanged(*file) for file in files)
    except Exception:          # missing, unreadable, truncated or from other code: a miss
        return None
    return value if fresh else None


def _unchanged(path: str, real: str, digest: str | None) -> bool:
    """The file still holds the same bytes, and its path still leads where it did: a link on
    the way moved to another folder (`current -> releases/v2`) may bring the same bytes but
    other files beside them, which the value was not built from."""
    return os.path.realpath(path) == real and _digest(path) == digest


# A file changed while its value was being built would be recorded with its new digest and
# the old value. So an entry is not written when one of its files changed this close to the
# start of the build (as git treats "racily clean" files); the next run writes it. Changed by
# its inode's change time as well as its modification time: `cp -p`, `tar x` or `touch -d`
# set an old mtime on new bytes, but no one can set ctime, which any write or rename renews.
RACY_SECONDS = 2.0


def _changed_since(path: str, moment: float) -> bool:
    info = os.stat(path)
    return max(info.st_mtime, info.st_ctime) > moment


def _write(folder: Path, entry: Path, value: object, files: Iterable[str | Path],
           started: float) -> None:
    """Written whole or not at all (a temporary file renamed over the entry)."""
    try:
        paths = [str(path) for path in files]
        if any(_changed_since(path, started - RACY_SECONDS) for path in paths):
            return
        record = [(path, os.path.realpath(path), _digest(path)) for path in paths]
        data = pickle.dumps((FORMAT, record, value), protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=PREFIX, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, entry)
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(folder)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return                 # a folder we cannot write, a value that cannot be pickled


def _prune(folder: Path) -> None:
    entries = sorted((p for p in folder.glob(f"{PREFIX}*.pickle") if _ENTRY_NAME.fullmatch(p.name)),
                     key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:-MAX_ENTRIES]:
        old.unlink(missing_ok=True)
