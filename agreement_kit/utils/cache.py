"""A per-user cache of work that is the same on every run: the bundled
library and pay data as validated models, the Word template's prepared
parts, the code Jinja makes of clause, page and Word templates and of
library rules (with the names each clause template reads), and bank holidays.

Nothing read from here is trusted unless this user wrote it: the folder
(``$XDG_CACHE_HOME/agreement-kit``, else ``~/.cache/agreement-kit``, or
``AGREEMENT_KIT_CACHE``) must be a real folder owned by the user and
writable by nobody else, and so must each file; a file opened through a
link is refused. Each entry is named by a hash of everything it was made
from (the input files, this package's code, Python and library versions),
so a changed input is a new name and never a stale hit; its payload carries
its own SHA-256, so a torn or damaged file is a miss. Any fault is a miss:
the cache can only make a run faster, never change what it produces.
``AGREEMENT_KIT_CACHE=off`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

_MAGIC = b"agreement-kit cache 1\n"
MAX_BYTES = 64_000_000

T = TypeVar("T")


def folder() -> Path | None:
    """The cache folder, made if need be, or None when there is no safe one."""
    chosen = os.environ.get("AGREEMENT_KIT_CACHE")
    if chosen is not None and chosen.strip().lower() in ("", "0", "off", "no", "false"):
        return None
    if chosen:
        path = Path(chosen)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(base) / "agreement-kit"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to expand
        return None
    if not stat.S_ISDIR(info.st_mode) or not _ours(info):
        return None
    return path


def _ours(info: os.stat_result) -> bool:
    uid = os.getuid() if hasattr(os, "getuid") else info.st_uid
    return info.st_uid == uid and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def key(*parts: bytes | str) -> str:
    digest = hashlib.sha256(_MAGIC + sys.version.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()[:32]


def package_files(package: str, *names: str) -> list[bytes]:
    """Files of an installed package (its version file, the code an entry
    depends on), read without importing it, for a key: another version of
    them is another name. A file that cannot be read counts as empty."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None:
        return [b"" for _ in names]
    folder = Path(spec.origin).parent
    out = []
    for name in names:
        try:
            out.append((folder / name).read_bytes())
        except OSError:
            out.append(b"")
    return out


def read(name: str) -> bytes | None:
    """The payload stored under ``name``, or None."""
    where = folder()
    if where is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(where / name, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or not _ours(info) or info.st_size > MAX_BYTES:
            return None
        data = handle.read(MAX_BYTES + 1)
    head = len(_MAGIC) + 32
    if len(data) < head or not data.startswith(_MAGIC):
        return None
    payload = data[head:]
    if hashlib.sha256(payload).digest() != data[len(_MAGIC) : head]:
        return None
    return payload


def write(name: str, payload: bytes, *, replaces: str | None = None) -> None:
    """Store ``payload`` under ``name``; remove older entries whose names start
    with ``replaces``. Failing to write is not an error."""
    where = folder()
    if where is None or len(payload) > MAX_BYTES:
        return
    data = _MAGIC + hashlib.sha256(payload).digest() + payload
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=where)
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, where / name)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    if replaces and name.startswith(replaces):  # never a prefix that could match others' entries
        for old in where.glob(f"{replaces}*"):
            if old.name != name:
                with contextlib.suppress(OSError):
                    old.unlink()


def pickled(name: str, make: Callable[[], T], accept: Callable[[object], bool], *, replaces: str) -> T:
    """The object kept under ``name`` if there is one and ``accept`` takes it,
    else ``make()``, kept for next time (replacing older entries named
    ``replaces``...). An entry that cannot be unpickled is a miss."""
    payload = read(name)
    if payload is not None:
        try:
            kept = pickle.loads(payload)
            if accept(kept):
                return kept
        except Exception:  # noqa: BLE001 - an unreadable entry is a miss, whatever the fault
            pass
    made = make()
    write(name, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL), replaces=replaces)
    return made
