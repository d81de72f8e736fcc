"""The cyclic garbage collector in a command-line process.

A command such as ``build`` keeps nearly everything it makes (the library,
each agreement, each rendered file) until it writes them and exits, and
reference counting frees the rest. The collector would still stop the run
every few hundred allocations to look through all of it and find next to
nothing: over the imports, the library and six renders of a cold ``build``
about 25 ms, and 25 ms more after the work is done (a collection of the
survivors, then Python's own last one at exit). Peak memory is the same with
it paused, measured building every bundled sample at once. So the process
runs without it and, at the end, freezes what is left: Python's last
collection has nothing to look through. ``serve`` and ``batch`` run long
and turn it back on (batch workers tune it for themselves).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def command_process() -> Iterator[None]:
    """Around the whole of a command-line process (see the module's note)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()


def collect_as_usual() -> None:
    """For a command that runs long: the collector runs as it normally does."""
    gc.enable()
