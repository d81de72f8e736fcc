"""The output formats a command was asked for, checked against those it writes."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import UsageError


def chosen_formats(requested: Sequence[str], allowed: Sequence[str]) -> list[str]:
    """Lower-cased, in the order asked, each once; an unknown or empty choice is a usage error."""
    wanted: list[str] = []
    for fmt in (f.strip().lower() for f in requested):
        if not fmt:
            continue
        if fmt not in allowed:
            raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(allowed)}")
        if fmt not in wanted:
            wanted.append(fmt)
    if not wanted:
        raise UsageError("no output format given")
    return wanted
