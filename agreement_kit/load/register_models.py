"""Schema of the library's registers: the cited instruments with their dates
and extent (references.yaml), and the unions an agreement might name (unions.yaml)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import model_validator

from .library_models import NATIONS, Nation, RefKey, Strict

# --- known unions -----------------------------------------------------------


class KnownUnion(Strict):
    name: str
    """The name an agreement would use, e.g. ``British Medical Association``."""
    also: list[str] = []
    """Other names and abbreviations for it (``BMA``)."""


class UnionsFile(Strict):
    unions: list[KnownUnion]
    """Unions an agreement's wording might name: a union named in an agreement must be a party to it."""


# --- cited instruments ----------------------------------------------------

Status = Literal[
    "in_force", "amended", "partly_in_force", "prospective", "repealed", "superseded", "guidance"
]


class Instrument(Strict):
    title: str
    section: str | None = None
    short: str
    """How the citation reads in a note, e.g. ``TULRCA 1992 s.168``."""
    status: Status
    """Its status on the register's ``as_at`` date; which agreements may cite it is
    decided by the dates and nations below, not by this."""
    as_at: dt.date
    commenced: dt.date | None = None
    """In force from this date. None: in force before any agreement the library drafts,
    except that a ``prospective`` instrument with no date is not in force at all."""
    ended: dt.date | None = None
    """Repealed, revoked or superseded from this date."""
    nations: list[Nation] = list(NATIONS)
    """Where it applies (England, Scotland, Wales)."""
    verified: bool = True
    """False where a date or extent could not be confirmed from a reliable source;
    ``note`` then says what was used and what is still to check."""
    changed_by: str | None = None
    note: str | None = None
    source: str

    @model_validator(mode="after")
    def _dates(self) -> Instrument:
        if self.commenced and self.ended and self.ended <= self.commenced:
            raise ValueError("ended must be after commenced")
        if self.status in ("repealed", "superseded") and self.ended is None:
            raise ValueError(f"a {self.status} instrument needs the date it ended (ended:)")
        return self

    def in_force(self, nation: str, on: dt.date) -> bool:
        """Whether it applies in ``nation`` on ``on``."""
        if nation not in self.nations:
            return False
        if self.commenced is None and self.status == "prospective":
            return False
        if self.commenced is not None and on < self.commenced:
            return False
        return self.ended is None or on < self.ended

    def force_text(self, nation: str) -> str:
        """Where and when it is in force, in words: for messages."""
        if nation not in self.nations:
            return f"it does not apply in {nation.title()}"
        parts = []
        if self.commenced:
            parts.append(f"in force from {self.commenced.isoformat()}")
        elif self.status == "prospective":
            parts.append("not yet commenced")
        if self.ended:
            parts.append(f"ended {self.ended.isoformat()}")
        return ", ".join(parts) or "in force"


class ReferencesFile(Strict):
    as_at: dt.date
    instruments: dict[RefKey, Instrument]
