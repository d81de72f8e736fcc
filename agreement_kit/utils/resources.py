"""Where the bundled clause library, Word templates and dated pay data are.

In a wheel they ship inside the package (``_data/``); in a source checkout
or editable install they are the top-level ``clauses/``, ``templates/``
and ``data/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # agreement_kit/


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the bundled {name}/ folder is missing from this installation")


def clauses_dir() -> Path:
    return _find("clauses")


def templates_dir() -> Path:
    return _find("templates")


def data_dir() -> Path:
    """The dated pay and on-cost tables (``data/pay/``), see data/README.md."""
    return _find("data")
