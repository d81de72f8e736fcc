"""Schema of an organisation's spec: who the parties are and what they chose."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, Field, Tag, field_validator, model_validator

from .library_models import ClauseId, KindName, Nation, ParamName, Strict, check_xml_safe


def _xml_safe(value: str) -> str:
    check_xml_safe(value)
    return unicodedata.normalize("NFC", value)


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line")
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


Text = Annotated[str, AfterValidator(_xml_safe)]
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
    headcount: int = Field(gt=0, le=500_000)
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
    variant: ParamName | None = None
    params: dict[ParamName, Any] = {}
    text: Text | None = None
    """Custom wording: kept, and marked throughout as a departure from the model."""
    reason: Text | None = None
    """Why the parties departed from the model wording."""

    @model_validator(mode="after")
    def _reason_with_text(self) -> ClauseChoice:
        if self.text is not None and not self.text.strip():
            raise ValueError("text is empty; remove it to use the model wording")
        if self.reason is not None and self.text is None:
            raise ValueError("reason is given but there is no custom text")
        return self


class CustomClause(Strict):
    id: ClauseId
    title: Line
    text: Text
    after: ClauseId
    """The clause this one follows."""
    note: Text | None = None
    reason: Text | None = None


class Signatory(Strict):
    name: Line
    role: Line
    side: Literal["management", "staff"]
    organisation: Line | None = None


class Dates(Strict):
    effective: dt.date
    review: dt.date | None = None

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
            Annotated[ClauseId, Tag("id")] | Annotated[CustomClause, Tag("custom")],
            Discriminator(lambda v: "id" if isinstance(v, str) else "custom"),
        ]
    ] = []
    """Optional library clauses to switch on (by id), or the parties' own clauses."""
    remove: list[ClauseId] = []
    signatories: list[Signatory] = []

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
