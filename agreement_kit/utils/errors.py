"""Errors a user can cause, and the problems they carry.

Everything a user can get wrong (a spec, a clause file, a flag) ends in an
``AgreementKitError``. The CLI is the only place that prints one and picks
the exit code; library code raises and never prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, located as precisely as we can."""

    file: str
    line: int | None
    field: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class AgreementKitError(Exception):
    """Base of every error a user can cause."""

    exit_code = 1

    def lines(self) -> list[str]:
        return [str(self)]


class InputError(AgreementKitError):
    """One or more input files are invalid; every problem found is reported at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class UsageError(AgreementKitError):
    """The command was called wrongly (bad option value, missing file)."""

    exit_code = 2


def display_path(path: Path | str) -> str:
    """A path as the user would recognise it: relative to the cwd when under it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a symlink loop: as given
        return str(p)
