"""Atomic file writes: a reader sees the old file or the new one, never half.

The data goes to a temporary file beside the target, is flushed to disk,
then renamed over the target; the folder is flushed too, so the finished
file survives a power cut. The file gets the permissions any other new
file would (0666 less the umask), not the 0600 of a temporary file, so
colleagues on a shared drive can read it.

``write_atomic_all`` does the same for several files of one folder (a
batch's employer) with fewer waits for the disk: each flush waits for the
disk, and flushes made at the same time wait together.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    write_atomic_all([(path, data)])


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file (where the system allows it)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomic_all(files: Sequence[tuple[Path, bytes]], last: tuple[Path, bytes] | None = None) -> None:
    """Write files of one folder, each atomically as ``write_atomic`` does: the
    temporaries are written and flushed to disk all at once, then each is
    renamed over its file, then the folder is flushed. ``last`` (a record that
    the others are done) is flushed with them but renamed only once they are
    in place and the folder flushed, so it never reaches the disk before them."""
    everything = [*files, *([last] if last is not None else [])]
    if not everything:
        return
    folder = everything[0][0].parent
    if any(path.parent != folder for path, _ in everything):
        raise ValueError("write_atomic_all writes the files of one folder")
    folder.mkdir(parents=True, exist_ok=True)
    mode = 0o666 & ~_umask()
    temporaries: list[str] = []
    try:
        opened: list[tuple[Path, int]] = []
        try:
            for path, data in everything:
                try:
                    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
                    temporaries.append(tmp)
                    opened.append((path, fd))
                    with open(fd, "wb", closefd=False) as handle:
                        handle.write(data)
                    os.fchmod(fd, mode)
                except OSError as exc:
                    raise _named(exc, path) from exc
            _flush_together(opened)
        finally:
            for _, fd in opened:
                os.close(fd)
        for (path, _), tmp in zip(files, temporaries, strict=False):
            os.replace(tmp, path)
        _sync_folder(folder)
        if last is not None:
            os.replace(temporaries[-1], last[0])
            _sync_folder(folder)
    except BaseException:
        for tmp in temporaries:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise


def _flush_together(opened: list[tuple[Path, int]]) -> None:
    """fsync every file at once, in threads; the first failure (in the files'
    order) is raised, naming its file, once every flush has ended."""
    if len(opened) == 1:  # one file (write_atomic): no thread to wait for
        path, fd = opened[0]
        try:
            os.fsync(fd)
        except OSError as exc:
            raise _named(exc, path) from exc
        return
    from concurrent.futures import wait  # imported on use: a single file never needs it

    futures = [_flushers().submit(os.fsync, fd) for _, fd in opened]
    wait(futures)
    for (path, _), future in zip(opened, futures, strict=True):
        failure = future.exception()
        if isinstance(failure, OSError):
            raise _named(failure, path) from failure
        if failure is not None:
            raise failure


_FLUSHERS: tuple[int, ThreadPoolExecutor] | None = None
_FLUSHERS_LOCK = threading.Lock()


def _flushers() -> ThreadPoolExecutor:
    """This process's threads for flushing files (a forked process makes its own)."""
    from concurrent.futures import ThreadPoolExecutor

    global _FLUSHERS
    with _FLUSHERS_LOCK:
        if _FLUSHERS is None or _FLUSHERS[0] != os.getpid():
            _FLUSHERS = (os.getpid(), ThreadPoolExecutor(max_workers=8, thread_name_prefix="flush"))
        return _FLUSHERS[1]


def _named(exc: OSError, path: Path) -> OSError:
    """An error that names no file (a full disk names none) named after ``path``."""
    return OSError(exc.errno, exc.strerror, str(path)) if exc.filename is None else exc
