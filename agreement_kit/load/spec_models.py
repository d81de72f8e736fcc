"""Schema of an organisation's spec: who the parties are and what they chose."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from .facility_models import FacilityTime
from .library_models import ClauseId, KindName, Nation, Strict, check_xml_safe


def _xml_safe(value: str) -> str:
    check_xml_safe(value)
    return unicodedata.normalize("NFC", value)


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line")
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


def _no_reserved(value: str) -> str:
    # Clause text marks inserted values with these two private-use characters
    # (see assembly/templating.py); in the parties' own wording they would be misread.
    if "\ue000" in value or "\ue001" in value:
        raise ValueError(
            "contains U+E000 or U+E001, private-use characters that clause text reserves; remove them"
        )
    return value


_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _a_date(value: Any) -> Any:
    """A date as YAML gives it, or as a spreadsheet writes it (31/03/2027) where
    day and month cannot be mistaken for each other."""
    # YAML reads `effective: 0` as a number, which pydantic would take as 1 January 1970.
    if isinstance(value, (bool, int, float)):
        raise ValueError("write a date as YYYY-MM-DD, e.g. 2026-07-01")
    if isinstance(value, str) and (m := _UK_DATE.match(value.strip())):
        day, month, year = (int(g) for g in m.groups())
        if day <= 12 and day != month:
            raise ValueError(
                f"{value!r} could be {day} {_MONTHS[month - 1]} or {month} {_MONTHS[day - 1]};"
                f" write it as YYYY-MM-DD, e.g. {year}-{month:02d}-{day:02d}"
            )
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date; write it as YYYY-MM-DD") from None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-07-01") from None
    return value


_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")  # fmt: skip
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")


def _a_whole_number(value: Any) -> Any:
    # pydantic would read `headcount: true` as 1; a spreadsheet writes 4,200.
    if isinstance(value, bool):
        raise ValueError("write a whole number, not true or false")
    if isinstance(value, str):
        if _THOUSANDS.match(value.strip()):
            return int(value.replace(",", ""))
        if not value.strip().isdigit():
            raise ValueError(f"{value!r} is not a whole number; write it in figures, e.g. 4200")
    return value


Text = Annotated[str, AfterValidator(_xml_safe), AfterValidator(_no_reserved)]
Date = Annotated[dt.date, BeforeValidator(_a_date)]
WholeNumber = Annotated[int, BeforeValidator(_a_whole_number)]
Line = Annotated[
    str, Field(min_length=1, max_length=300), AfterValidator(_xml_safe), AfterValidator(_one_line)
]
Slug = Annotated[
    str, Field(pattern=r"^[a-z0-9][a-z0-9\-]{0,62}$"), AfterValidator(lambda s: _not_reserved(s))
]

OrgType = Literal[
    "acute_trust",
    "teaching_trust",
    "ambulance_trust",
    "mental_health_trust",
    "community_trust",
    "ccg",
    "icb",
    "health_board",
    "special_health_board",
    "other",
]


class Employer(Strict):
    name: Line
    role: Line | None = None
    """Its part in the arrangement, as a noun phrase without an article, e.g.
    ``host employer of the shared management team``: the agreement says
    "<name> is the <role>"."""


class Organisation(Strict):
    name: Line
    short_name: Line
    slug: Slug | None = None
    """Used in output file names; derived from the short name when absent."""
    type: OrgType
    nation: Nation
    headcount: WholeNumber = Field(gt=0, le=500_000)
    employers: list[Employer] = []
    """The legal employers party to the agreement, when more than one body shares it."""

    @property
    def file_stem(self) -> str:
        return self.slug or slugify(self.short_name)

    @property
    def parties(self) -> list[Employer]:
        return self.employers or [Employer(name=self.name)]


class Union(Strict):
    name: Line
    short_name: Line
    represents: Line | None = None
    """The staff groups or bargaining unit the union is recognised for."""


class ClauseChoice(Strict):
    # Names are checked against the clause when the spec is assembled, which can
    # list the clause's own variants and parameters and suggest the nearest.
    variant: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    params: dict[Annotated[str, Field(min_length=1, max_length=100)], Any] = {}
    text: Text | None = None
    """Custom wording: kept, and marked throughout as a departure from the model."""
    reason: Text | None = None
    """The parties' thinking behind this choice (a variant, values or their own
    wording): printed in the clause's note, as the Suffolk model's comments were."""

    @model_validator(mode="after")
    def _text_not_empty(self) -> ClauseChoice:
        if self.text is not None and not self.text.strip():
            raise ValueError("text is empty; remove it to use the model wording")
        return self


class ClauseWithReason(Strict):
    id: ClauseId
    reason: Text
    """Why the parties switched this clause on (in ``add``) or left it out (in ``remove``)."""


class CustomClause(Strict):
    id: ClauseId
    title: Line
    text: Text
    after: ClauseId
    """The clause this one follows."""
    note: Text | None = None
    reason: Text | None = None


class LawOverride(Strict):
    reference: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")]
    """The key of the instrument in the library's references.yaml."""
    reason: Text
    """Why the agreement cites it although it is not in force for this nation at the effective date."""


def _added_form(value: Any) -> str:
    """A clause id; {id, reason} for a library clause; anything more is the parties' own clause."""
    if isinstance(value, str):
        return "clause-id"
    if isinstance(value, dict) and set(value) <= {"id", "reason"}:
        return "clause-with-reason"
    return "own-clause"


class Signatory(Strict):
    name: Line
    role: Line
    side: Literal["management", "staff"]
    organisation: Line | None = None


class Dates(Strict):
    effective: Date
    review: Date | None = None

    @field_validator("effective", "review")
    @classmethod
    def _plausible(cls, value: dt.date | None) -> dt.date | None:
        # The NHS began in 1948; a date past 2100 is a typing slip (and Word
        # documents cannot carry file dates beyond 2107).
        if value is not None and not dt.date(1948, 7, 5) <= value <= dt.date(2100, 12, 31):
            raise ValueError(f"{value} is outside 5 July 1948 to 31 December 2100")
        return value

    @model_validator(mode="after")
    def _order(self) -> Dates:
        if self.review is not None and self.review <= self.effective:
            raise ValueError("review date must be after the effective date")
        return self


class Spec(Strict):
    agreements: list[KindName] = Field(min_length=1)
    organisation: Organisation
    unions: list[Union] = Field(min_length=1)
    version: Line = "1.0"
    dates: Dates
    clauses: dict[ClauseId, ClauseChoice] = {}
    add: list[
        Annotated[
            Annotated[ClauseId, Tag("clause-id")]
            | Annotated[ClauseWithReason, Tag("clause-with-reason")]
            | Annotated[CustomClause, Tag("own-clause")],
            Discriminator(_added_form),
        ]
    ] = []
    """Optional library clauses to switch on (an id, or ``{id, reason}``), or the parties' own clauses."""
    remove: list[
        Annotated[
            Annotated[ClauseId, Tag("clause-id")] | Annotated[ClauseWithReason, Tag("clause-with-reason")],
            Discriminator(lambda v: "clause-id" if isinstance(v, str) else "clause-with-reason"),
        ]
    ] = []
    """Default clauses to leave out: an id, or ``{id, reason}``."""
    terms: dict[Annotated[str, Field(pattern=r"^[A-Z][A-Za-z' \-]*$")], Text] = {}
    """The parties' own defined terms (or their own definition of a library term),
    used as [[Term]] in their wording like the library's terms."""
    law_overrides: list[LawOverride] = []
    """Instruments to cite although they are not in force at the effective date, each with a reason."""
    signatories: list[Signatory] = []
    facility_time: FacilityTime | None = None
    """The release the recognition agreement funds, by role, with a pool for everyone else;
    costed from the dated pay data and carried as a schedule."""

    def union_named(self, name: str) -> Union | None:
        """The spec's union with this short name or name (case-insensitive), if any."""
        folded = name.strip().casefold()
        return next((u for u in self.unions if folded in (u.short_name.casefold(), u.name.casefold())), None)

    @field_validator("clauses", mode="before")
    @classmethod
    def _no_settings_when_blank(cls, value: Any) -> Any:
        # "clauses:" with every line under it commented out (as in a starter spec) means none
        return {} if value is None else value

    @field_validator("add", "remove", "signatories", "law_overrides", mode="before")
    @classmethod
    def _empty_when_blank(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def removed(self) -> dict[str, str | None]:
        """Clause id -> the reason it was left out (None when none was given)."""
        return {
            e if isinstance(e, str) else e.id: None if isinstance(e, str) else e.reason for e in self.remove
        }

    def reason_for_adding(self, clause_id: str) -> str | None:
        return next(
            (e.reason for e in self.add if isinstance(e, ClauseWithReason) and e.id == clause_id), None
        )

    @model_validator(mode="after")
    def _unique(self) -> Spec:
        if len(set(self.agreements)) != len(self.agreements):
            raise ValueError("agreements lists a kind twice")
        short = [u.short_name for u in self.unions]
        dup = sorted({s for s in short if short.count(s) > 1})
        if dup:
            raise ValueError(f"unions: {', '.join(dup)} listed more than once")
        return self


# Names Windows reserves for devices: a folder called "con" cannot be made there.
RESERVED_NAMES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def slugify(text: str) -> str:
    """A file-system-safe stem on every platform: lowercase ASCII letters, digits, hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:63].strip("-") or "organisation"
    return f"{slug}-org" if slug in RESERVED_NAMES else slug


def _not_reserved(slug: str) -> str:
    if slug in RESERVED_NAMES:
        raise ValueError(f"{slug!r} is a reserved device name on Windows; choose another slug")
    return slug
