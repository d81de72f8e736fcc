"""Word-level differences between two texts, for review and comparison redlines."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Redline:
    """Word-level differences: runs of ('=', text), ('-', deleted), ('+', inserted)."""

    runs: tuple[tuple[str, str], ...]

    @property
    def changed(self) -> bool:
        return any(op != "=" for op, _ in self.runs)


def words_redline(old: str, new: str) -> Redline:
    """A word-level redline of two texts, whitespace kept with the words."""
    a, b = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("=", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                runs.append(("-", "".join(a[i1:i2])))
            if j2 > j1:
                runs.append(("+", "".join(b[j1:j2])))
    return Redline(tuple(runs))


def redline_hunks(redline: Redline) -> tuple[str, str]:
    """The words only the model has and the words only this draft has, one
    quoted piece per place they differ, joined by an ellipsis."""
    hunks: list[tuple[str, str]] = []
    removed = added = ""
    for op, text in (*redline.runs, ("=", "")):
        if op == "-":
            removed += text
        elif op == "+":
            added += text
        elif removed or added:
            hunks.append((removed, added))
            removed = added = ""

    def side(pieces: list[str]) -> str:
        quoted = [f"\u201c{p.strip()}\u201d" for p in pieces if p.strip()]
        return " \u2026 ".join(quoted) or "(nothing)"

    return side([r for r, _ in hunks]), side([a for _, a in hunks])
