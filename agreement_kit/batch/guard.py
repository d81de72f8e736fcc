"""What keeps a batch alone in its output folder, inside it, and outlived by nothing.

- One batch at a time writes to an output folder: it holds an exclusive,
  non-blocking lock (``flock``) on ``.agreement-kit.lock`` inside it, and a
  second batch refuses at once rather than interleave and leave a manifest
  that describes neither.
- The temporaries ``write_atomic`` writes (``.NAME.XXXXXXXX.part``) that a
  killed run left behind are removed by the next run, in the output folder
  and its employer folders only, through no symbolic link.
- Nothing is read or written outside the output folder: an employer folder
  must be a real folder directly inside it, and a record or output is read
  only as a regular file at its own name there, never through a link.
- A worker process dies with the batch that started it.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..utils.errors import AgreementKitError

LOCK = ".agreement-kit.lock"
# utils/atomic_write.py: mkstemp(prefix=".NAME.", suffix=".part"), eight random [a-z0-9_]
_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.part")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_PR_SET_PDEATHSIG = 1


class BatchBusy(AgreementKitError):
    """Another batch holds the output folder."""


class Unsafe(Exception):
    """A path that would lead outside the output folder; the message says which."""


@contextlib.contextmanager
def exclusive(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock for the length of the batch."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no lock to take
        yield
        return
    # 0666 less the umask, as any other new file (and as write_atomic gives)
    fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchBusy(
                f"another batch is writing to {out_dir}; wait for it or choose another -o"
            ) from None
        yield
    finally:
        os.close(fd)


def remove_stale_temporaries(out_dir: Path) -> None:
    """Remove the half-written temporaries of a run that was killed. Called
    with the lock held, so no running batch is writing them."""
    folders = [out_dir]
    with contextlib.suppress(OSError), os.scandir(out_dir) as entries:
        folders += [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]
    for folder in folders:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                if _TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)


def employer_folder(out_dir: Path, key: str) -> Path:
    """``out_dir/key``, if writing there stays inside ``out_dir``; else raise Unsafe."""
    folder = out_dir / key
    if folder.is_symlink():
        raise Unsafe(
            f"{key}/ in the output folder is a symbolic link; nothing is written through a link:"
            " remove it and run again"
        )
    if folder.exists() and not folder.is_dir():
        raise Unsafe(f"{key} in the output folder is not a folder; remove it and run again")
    if folder.resolve().parent != out_dir.resolve():
        raise Unsafe(f"{key}/ would be outside the output folder")
    return folder


def read_inside(out_dir: Path, relative: object) -> bytes:
    """The bytes of ``out_dir/<employer>/<name>``: a regular file at that very
    name, reached through no link; raise Unsafe for anything else."""
    if not isinstance(relative, str):
        raise Unsafe("not a path")
    parts = relative.split("/")
    if len(parts) != 2 or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise Unsafe(f"{relative} is not a file in an employer folder")
    folder = out_dir / parts[0]
    if folder.is_symlink() or not folder.is_dir():
        raise Unsafe(f"{parts[0]}/ is not a folder in the output folder")
    fd = os.open(folder / parts[1], os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Unsafe(f"{relative} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def die_with_parent(parent: int) -> None:
    """Make this worker process end when the batch process ``parent`` does,
    however that ends (SIGKILL included): the kernel's parent-death signal
    on Linux, and on every system a thread that watches the parent."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the batch ended before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-batch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
