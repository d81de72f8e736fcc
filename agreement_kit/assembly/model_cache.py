"""The model wording and its fitted matcher, kept on disk per library, kind, nation and day.

Building the model wording assembles the agreement under every variant, and
fitting the matcher analyses all of it: about a second together, every time a
draft is reviewed in a new process. Both depend only on the library's files,
the kind, the nation and the date (which law is in force), so they are built
once and written under the user's cache folder:

- ``$AGREEMENT_KIT_CACHE`` if set (an empty value turns the disk cache off);
- else ``$XDG_CACHE_HOME/agreement-kit``, ``%LOCALAPPDATA%\\agreement-kit`` on
  Windows, ``~/Library/Caches/agreement-kit`` on macOS, ``~/.cache/agreement-kit``.

The key is a hash of every file of the library (a changed clause is a new
key), the kind, the nation, the date, this package's version and the code and
synonym list that build it. Entries are
JSON and numpy arrays (never pickles: nothing in the cache is run). A cache
that cannot be read or written is rebuilt or skipped, never an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from .. import __version__
from ..load.draft_read import Segment
from ..load.library import Library
from ..utils.atomic_write import write_atomic
from .clause_match import Matcher, scores
from .model_text import ModelClause, model_clauses
from .tfidf import WORDS_FILE, Space

FORMAT = 1  # bump when what is cached changes shape or meaning
KEEP_DAYS = 2
_MEMORY: dict[tuple[int, str], tuple[Library, dict[str, ModelClause], Matcher]] = {}


def cache_dir() -> Path | None:
    if "AGREEMENT_KIT_CACHE" in os.environ:
        value = os.environ["AGREEMENT_KIT_CACHE"]
        return Path(value) if value else None
    if os.environ.get("XDG_CACHE_HOME"):
        base = Path(os.environ["XDG_CACHE_HOME"])
    elif sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path.home() / ".cache"
    return base / "agreement-kit"


def fingerprint(library: Library) -> str:
    """A hash of every file of the library folder, by path and content."""
    digest = hashlib.sha256()
    root = Path(library.root)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _code() -> str:
    """A hash of what builds and fits the model wording, the synonym list with it."""
    here = Path(__file__).parent
    files = [WORDS_FILE] + [here / f"{name}.py" for name in ("model_text", "clause_match", "tfidf")]
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def prepared(library: Library, kind: str, nation: str) -> tuple[dict[str, ModelClause], Matcher]:
    """The model clauses of ``kind`` in ``nation`` and their fitted matcher."""
    today = dt.date.today().isoformat()
    memory_key = (id(library), f"{kind}/{nation}/{today}")
    held = _MEMORY.get(memory_key)
    if held is not None and held[0] is library:
        return held[1], held[2]
    folder = cache_dir()
    key = ""
    found = None
    if folder is not None:
        parts = f"{FORMAT}/{__version__}/{_code()}/{fingerprint(library)}/{kind}/{nation}/{today}"
        key = hashlib.sha256(parts.encode()).hexdigest()[:32]
        found = _read(folder, key)
    if found is None:
        models = model_clauses(library, kind, nation)
        matcher = Matcher.fit(list(models.values()))
        if folder is not None:
            _write(folder, key, models, matcher)
    else:
        models, matcher = found
    if len(_MEMORY) >= 12:  # a long-running process reviewing under many libraries
        _MEMORY.clear()
    _MEMORY[memory_key] = (library, models, matcher)
    return models, matcher


def _read(folder: Path, key: str) -> tuple[dict[str, ModelClause], Matcher] | None:
    try:
        header = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{key}.npz", allow_pickle=False) as loaded:
            arrays = {name: loaded[name] for name in loaded.files}
        if header.get("format") != FORMAT:
            return None
        models = {
            m["id"]: ModelClause(**{**m, "texts": tuple(m["texts"]), "variants": tuple(m["variants"])})
            for m in header["models"]
        }
        spaces = {name: Space.restore(h, arrays, name) for name, h in header["spaces"].items()}
        matcher = Matcher(
            list(models),
            arrays["owner"],
            (spaces["body.0"], spaces["body.1"]),
            (spaces["note.0"], spaces["note.1"]),
            (spaces["title.0"], spaces["title.1"]),
        )
        return models, matcher
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(folder: Path, key: str, models: dict[str, ModelClause], matcher: Matcher) -> None:
    spaces = matcher.spaces()
    header = {
        "format": FORMAT,
        "models": [
            {
                "id": m.id,
                "title": m.title,
                "section": m.section,
                "recommended": m.recommended,
                "texts": list(m.texts),
                "note": m.note,
                "labels": m.labels,
                "variants": list(m.variants),
            }
            for m in models.values()
        ],
        "spaces": {name: space.header() for name, space in spaces.items()},
    }
    arrays: dict[str, np.ndarray] = {"owner": matcher.owner}
    for name, space in spaces.items():
        arrays.update(space.arrays(name))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _prune(folder)
        write_atomic(folder / f"{key}.npz", buffer.getvalue())
        write_atomic(folder / f"{key}.json", json.dumps(header, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass  # a read-only or full disk: reviewing works the same, only slower next time


def _prune(folder: Path) -> None:
    """Entries written more than KEEP_DAYS ago: each is keyed by its day, so none is used again."""
    cutoff = time.time() - KEEP_DAYS * 86400
    for path in folder.glob("*.npz"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)


def closest_kind(segments: list[Segment], library: Library, nation: str) -> tuple[str, float]:
    """The kind whose model the draft's clauses are, on average, closest to; and that mean score."""
    best, best_score = next(iter(library.kinds)), -1.0
    for kind in library.kinds:
        matrix = scores(segments, prepared(library, kind, nation)[1])
        score = float(matrix.max(axis=1).mean()) if matrix.size else 0.0
        if score > best_score:
            best, best_score = kind, score
    return best, best_score
